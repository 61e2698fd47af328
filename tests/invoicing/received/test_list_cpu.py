"""Issue 10, a list page's CPU: the Received lists read the user's scope once and load only
the columns their rows show (25 rows of invoice, recipient and service columns cost more
to load than to show)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from invoicing.enums import InvoiceStatus as S
from invoicing.models import Invoice
from invoicing.received import services
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
    # A named tuple of the row's columns: no model instance, no other column.
    assert set(row._fields) == set(services.ROW_COLUMNS)
    assert "status_comment" not in row._fields and "recipient_service_id" not in row._fields
    assert row.recipient__company_name == world.public.company_name
    assert world.public.company_name in response.content.decode()


@pytest.mark.parametrize("url", [SYNTHESIS, SEARCH])
def test_a_row_is_marked_overdue_as_the_due_date_annotation_says(client, world, url):
    today = timezone.localdate()
    late, due_today, undated = (world.invoice(service=world.service_x) for _ in range(3))
    paid = world.invoice(S.MISE_EN_PAIEMENT)
    for invoice, due in (
        (late, today - dt.timedelta(days=1)),
        (due_today, today),
        (paid, today - dt.timedelta(days=3)),
        (undated, None),
    ):  # the due date is set at deposit from the recipient's period: written here directly
        Invoice.objects.filter(pk=invoice.pk).update(due_date=due)
        invoice.due_date = due
    client.force_login(world.reviewer)
    html = client.get(url).content.decode()
    annotated = services.with_due_dates(Invoice.objects.all())
    for invoice in (late, due_today, paid, undated):
        if url == SYNTHESIS and invoice is paid:
            continue  # not waiting: not in the Synthèse
        row = html.split(f'data-invoice="{invoice.pk}"')[1].split("</tr>")[0]
        overdue = annotated.get(pk=invoice.pk).is_overdue
        assert ("data-overdue" in row) is overdue, invoice.due_date
        assert html.count(f'data-invoice="{invoice.pk}" class="received-overdue"') == overdue
    assert annotated.get(pk=late.pk).is_overdue
