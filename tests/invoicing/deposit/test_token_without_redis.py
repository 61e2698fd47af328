"""Issue 9, High 2: with Redis down, "Confirmer et envoyer" still sends once, and a second
click of the same form answers "déjà envoyée" with a link to the invoice (the form token
lives on the invoice row, not in the cache)."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from invoicing.models import Invoice
from tests.invoicing.deposit.helpers import entry_payload

pytestmark = pytest.mark.django_db

# Port 1 on the loopback: nothing listens there (as in tests/portal/test_cache_outage.py).
CLOSED_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.DegradingRedisCache",
            "LOCATION": CLOSED_REDIS,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    yield caches["default"]
    caches["default"].close()


def test_confirm_twice_with_redis_down_sends_one_invoice_and_says_already_sent(
    client, actor, supplier, recipient, redis_down, django_capture_on_commit_callbacks
):
    supplier.billing_mandate_accepted_at = timezone.now()
    supplier.save()
    client.force_login(actor)
    payload = entry_payload(supplier, recipient, "confirm")

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("invoicing:deposit_entry"), payload)
    second = client.post(reverse("invoicing:deposit_entry"), payload, follow=True)

    invoice = Invoice.objects.get()
    assert first.status_code == 302, first.content.decode()[:2000]
    assert first["Location"] == reverse("invoicing:deposit_done", args=[invoice.pk])
    assert second.redirect_chain[-1][0] == reverse("invoicing:deposit_done", args=[invoice.pk])
    html = second.content.decode()
    assert "Cette facture a déjà été envoyée." in html
    assert reverse("invoicing:issued_detail", args=[invoice.pk]) in html
    assert "déjà été utilisé" not in html


def test_save_draft_twice_with_redis_down_keeps_one_draft(
    client, actor, supplier, recipient, redis_down
):
    client.force_login(actor)
    payload = entry_payload(supplier, recipient, "save_draft")

    client.post(reverse("invoicing:deposit_entry"), payload)
    client.post(reverse("invoicing:deposit_entry"), payload)

    assert Invoice.objects.count() == 1
