"""Issue 10: the detail page reads the invoice by its primary key, then checks the user's
scope on the row (`queries.in_received_scope`), and its attachments, lines and VAT lines
with prepared statements (`invoicing.detail_reads`). The check must say what the scoped
queryset says, for every user and invoice."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from invoicing import detail_reads, queries
from invoicing.enums import InvoiceStatus
from invoicing.models import Attachment, InvoiceLine, StatusEvent, VatLine
from invoicing.received import services

S = InvoiceStatus
pytestmark = pytest.mark.django_db


def test_the_scope_check_on_the_row_says_what_the_scoped_queryset_says(world):
    invoices = [
        world.invoice(S.MISE_A_DISPOSITION, service=world.service_x),
        world.invoice(S.MISE_A_DISPOSITION, service=world.service_y),
        world.invoice(S.MISE_A_DISPOSITION),  # no service
        world.invoice(S.BROUILLON, service=world.service_x),  # a draft: never received
        world.invoice(S.DEPOSEE, service=world.service_x),  # not yet made available
        world.invoice(S.MISE_EN_PAIEMENT),
        world.invoice(S.MISE_A_DISPOSITION, recipient=world.other_public),
    ]
    users = {**world.matrix(), "reviewer_x": world.reviewer_x}  # SRV-3: service X only
    for name, user in users.items():
        for mode in ("view", "change"):
            expected = set(
                queries.received_invoices(user, mode)
                .filter(pk__in=[i.pk for i in invoices])
                .values_list("pk", flat=True)
            )
            scope = queries.received_scope(user, mode)
            found = {i.pk for i in invoices if queries.in_received_scope(scope, i)}
            assert found == expected, (name, mode)
            if mode == "view" and "reviewer" in name:
                assert expected, name  # the check is not vacuous


def test_visible_invoice_is_none_outside_the_scope_and_annotated_inside(world):
    mine = world.invoice(S.MISE_A_DISPOSITION, service=world.service_x)
    other_service = world.invoice(S.MISE_A_DISPOSITION, service=world.service_y)

    assert services.visible_invoice(world.reviewer_x, other_service.pk) is None
    for missing in (10**9, 2**63, 10**30):  # past a bigint: no query, no error
        assert services.visible_invoice(world.reviewer_x, missing) is None
    assert services.visible_invoice(world.other_reviewer, mine.pk) is None
    found = services.visible_invoice(world.reviewer_x, mine.pk)
    reference = services.detail_queryset(world.reviewer_x).get(pk=mine.pk)
    assert (found.due_at, found.is_overdue) == (reference.due_at, reference.is_overdue)


def test_the_children_are_read_once_into_the_related_managers(world, django_assert_num_queries):
    invoice = world.invoice(S.MISE_A_DISPOSITION)
    for position in (2, 1):
        InvoiceLine.objects.create(
            invoice=invoice, position=position, designation=f"L{position}", quantity=1,
            unit_price=Decimal("10"), vat_rate=Decimal("20"), amount_ht=Decimal("10"),
        )  # fmt: skip
    VatLine.objects.create(
        invoice=invoice, rate=Decimal("20"), base_ht=Decimal("20"), amount_tva=Decimal("4")
    )
    Attachment.objects.create(
        invoice=invoice, path="x/a.pdf", original_name="a.pdf", size=3, sha256="0" * 64
    )
    StatusEvent.objects.create(invoice=invoice, status=S.MISE_A_DISPOSITION, actor=world.reviewer)
    found = detail_reads.invoice(invoice.pk, ("recipient",))

    with django_assert_num_queries(4):
        detail_reads.load_children(found)
        events = detail_reads.events(found)
    with django_assert_num_queries(0):
        lines = list(found.lines.all())
        assert [line.position for line in lines] == [1, 2]
        assert lines[0].invoice is found
        assert [v.rate for v in found.vat_lines.all()] == [Decimal("20")]
        assert [a.original_name for a in found.attachments.all()] == ["a.pdf"]
        assert events[-1].actor == world.reviewer
        assert found.recipient == world.public
    assert events == list(invoice.events.select_related("actor"))


def test_a_foreign_or_draft_invoice_detail_is_a_404(client, world):
    client.force_login(world.reviewer_x)
    for invoice in (
        world.invoice(S.MISE_A_DISPOSITION, service=world.service_y),
        world.invoice(S.BROUILLON, service=world.service_x),
        world.invoice(S.MISE_A_DISPOSITION, recipient=world.other_public),
    ):
        response = client.get(reverse("invoicing:received_detail", args=[invoice.pk]))
        assert response.status_code == 404


def test_the_issued_scope_check_on_the_row_says_what_the_scoped_queryset_says(world):
    invoices = [
        world.invoice(S.MISE_A_DISPOSITION),
        world.invoice(S.BROUILLON),  # a supplier sees its drafts
        world.invoice(S.DEPOSEE, supplier=world.other_public),
    ]
    for name, user in world.matrix().items():
        for mode in ("view", "change"):
            expected = set(
                queries.issued_invoices(user, mode)
                .filter(pk__in=[i.pk for i in invoices])
                .values_list("pk", flat=True)
            )
            found = {i.pk for i in invoices if queries.in_issued_scope(user, i, mode)}
            assert found == expected, (name, mode)
            if mode == "view" and name.startswith("supplier"):
                assert len(expected) == 2, name  # the check is not vacuous


def test_a_foreign_issued_invoice_detail_is_a_404(client, world):
    mine = world.invoice(S.MISE_A_DISPOSITION)
    foreign = world.invoice(S.DEPOSEE, supplier=world.other_public)
    client.force_login(world.personas.simple_view)
    assert client.get(reverse("invoicing:issued_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("invoicing:issued_detail", args=[foreign.pk])).status_code == 404
    for missing in (10**9, 10**30):
        assert client.get(reverse("invoicing:issued_detail", args=[missing])).status_code == 404
    client.force_login(world.reviewer_x)
    assert client.get(reverse("invoicing:received_detail", args=[10**30])).status_code == 404
