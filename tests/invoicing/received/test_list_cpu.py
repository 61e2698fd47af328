"""Issue 10, a list page's CPU: the Received lists read the user's scope once and load only
the columns their rows show (25 rows of invoice, recipient and service columns cost more
to load than to show)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from structures import access

pytestmark = pytest.mark.django_db

SYNTHESIS = reverse("invoicing:received")
SEARCH = reverse("invoicing:received_search")


def test_search_reads_the_service_scope_once(client, world, monkeypatch):
    calls = []
    original = access.service_scope

    def spy(user, structure_ids):
        calls.append(list(structure_ids))
        return original(user, structure_ids)

    monkeypatch.setattr(access, "service_scope", spy)
    world.invoice(service=world.service_x)
    client.force_login(world.reviewer_x)
    response = client.get(SEARCH, {"sort": "number"})
    assert response.status_code == 200
    assert len(response.context["invoices"]) == 1
    assert len(calls) == 1


@pytest.mark.parametrize("url", [SYNTHESIS, SEARCH])
def test_list_rows_load_only_what_they_show(client, world, url):
    invoice = world.invoice(service=world.service_x, status_comment="long comment")
    client.force_login(world.reviewer)
    response = client.get(url)
    (row,) = response.context["invoices"]
    assert row.pk == invoice.pk
    deferred = row.get_deferred_fields()
    assert {"status_comment", "engagement_number", "recipient_service_id"} <= deferred
    assert "supplier_name" not in deferred and "amount_ttc" not in deferred
    assert row.recipient.get_deferred_fields()  # the recipient's name only
    assert world.public.company_name in response.content.decode()
