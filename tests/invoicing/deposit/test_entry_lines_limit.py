"""Issue 9, Low 11: online entry takes up to 500 lines; one more is a French form error,
not Django's bare "Bad Request (400)" page (DATA_UPLOAD_MAX_NUMBER_FIELDS was 1 000)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from invoicing.deposit.line_forms import MAX_ENTRY_LINES, LineForm
from invoicing.models import Invoice
from tests.invoicing.deposit.helpers import entry_payload, lines_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(client, actor, supplier):
    supplier.billing_mandate_accepted_at = timezone.now()
    supplier.save()
    client.force_login(actor)
    return client


def _payload(supplier, recipient, count: int) -> dict:
    payload = entry_payload(supplier, recipient, "validate")
    payload.update(lines_payload(*[(f"Ligne {n}", "1", "10", "20") for n in range(count)]))
    return payload


def test_settings_accept_the_fields_of_the_maximum_number_of_lines():
    per_line = len(LineForm().fields) + 1  # and the "delete" box of the formset
    assert MAX_ENTRY_LINES * per_line + 100 <= settings.DATA_UPLOAD_MAX_NUMBER_FIELDS


def test_entry_with_500_lines_reaches_the_confirmation(logged, supplier, recipient):
    response = logged.post(
        reverse("invoicing:deposit_entry"), _payload(supplier, recipient, 500), follow=True
    )

    assert response.status_code == 200, response.content.decode()[:500]
    assert "Confirmer et envoyer" in response.content.decode()
    assert response.context["data"]["amount_ht"] == 5000


def test_entry_with_501_lines_is_a_clear_form_error(logged, supplier, recipient):
    response = logged.post(reverse("invoicing:deposit_entry"), _payload(supplier, recipient, 501))

    assert response.status_code == 400
    html = response.content.decode()
    assert "Une facture saisie compte au plus 500 lignes." in html
    assert 'id="lines"' in html
    assert not Invoice.objects.exists()
