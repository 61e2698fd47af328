"""Issue 13: a lot is integrated in batches (flows.batch, invoicing.deposit.bulk) at a
constant number of queries, each invoice checked and recorded as the portal does it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments.models import Commitment, CommitmentInvoice
from flows import services
from flows.enums import FlowState
from flows.integration import integrate_flow
from flows.services import deposit_flow
from invoicing.enums import InvoiceStatus
from invoicing.models import Attachment, Invoice, StatusEvent
from notifications.models import ActivityEvent
from tests.flows.helpers import invoice_xml, upload
from tests.invoicing import samples

pytestmark = pytest.mark.django_db
CII = "IN_DP_E1_CII_16B"


@pytest.fixture
def deposited(actor, supplier, monkeypatch):
    """A lot deposited, its integration not yet run."""
    monkeypatch.setattr(services, "send_integration", lambda flow_id: None)

    def run(entries: dict[str, bytes], syntax=CII):
        lot = samples.zip_lot(entries)
        return deposit_flow(
            actor=actor, structure=supplier, uploaded_file=upload(lot, "lot.zip"), syntax=syntax
        )

    return run


def integrate_counting(flow, django_capture_on_commit_callbacks):
    """The flow's integration and its T4 (sent after commit): (flow, queries)."""
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        flow = integrate_flow(flow.pk)
    return flow, len(queries)


def lot_of(supplier, recipient, count: int, prefix: str) -> dict[str, bytes]:
    return {
        f"f{n}.xml": invoice_xml(supplier, recipient, number=f"{prefix}-{n}") for n in range(count)
    }


def test_a_lots_queries_do_not_grow_with_its_invoices(
    deposited, supplier, recipient, django_capture_on_commit_callbacks
):
    """O(1) + small·N: every reference an invoice's checks read is read for the whole batch
    (recipient, its RECEIVED area, services, numbers used, commitments), and every row is
    written with one INSERT per table. 30 invoices are one batch like 3, so they cost the
    same queries; the bound 3 leaves room for a per-lot read (the lot's supplier, its bank
    accounts) without letting a per-invoice query in (that would add 27)."""
    small, small_queries = integrate_counting(
        deposited(lot_of(supplier, recipient, 3, "Q3")), django_capture_on_commit_callbacks
    )
    large, large_queries = integrate_counting(
        deposited(lot_of(supplier, recipient, 30, "Q30")), django_capture_on_commit_callbacks
    )

    assert (small.state, small.integrated_count) == (FlowState.IN_INTEGRE, 3)
    assert (large.state, large.integrated_count) == (FlowState.IN_INTEGRE, 30)
    assert Invoice.objects.filter(status=InvoiceStatus.MISE_A_DISPOSITION).count() == 33
    assert large_queries - small_queries < 3, (small_queries, large_queries)
    assert small_queries < 60


def test_each_invoice_of_a_batch_is_recorded_as_the_portal_records_one(
    deposited, actor, supplier, recipient, django_capture_on_commit_callbacks
):
    flow, _queries = integrate_counting(
        deposited(lot_of(supplier, recipient, 2, "REC")), django_capture_on_commit_callbacks
    )

    assert flow.state == FlowState.IN_INTEGRE
    for invoice in Invoice.objects.order_by("number"):
        assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION
        assert invoice.created_by == actor
        assert invoice.invoice_year == invoice.invoice_date.year
        assert invoice.due_date is not None and invoice.deposited_at is not None
        assert invoice.supplier_name == supplier.company_name
        assert invoice.recipient_identifier == recipient.identifier
        history = list(
            StatusEvent.objects.filter(invoice=invoice)
            .order_by("id")
            .values_list("transition", "status", "actor_id", "actor_role")
        )
        assert history == [
            ("T2", InvoiceStatus.DEPOSEE, actor.pk, "FOURNISSEUR"),
            ("T4", InvoiceStatus.MISE_A_DISPOSITION, None, "SYSTEME"),
        ]
        events = list(
            ActivityEvent.objects.filter(params__number=invoice.number)
            .order_by("id")
            .values_list("kind", "structure_id", "area", "link")
        )
        assert events == [
            ("INVOICE_STATUS", supplier.pk, "ISSUED", f"/factures/emises/{invoice.pk}/"),
            ("INVOICE_STATUS", supplier.pk, "ISSUED", f"/factures/emises/{invoice.pk}/"),
            ("INVOICE_RECEIVED", recipient.pk, "RECEIVED", f"/factures/recues/{invoice.pk}/"),
        ]
        main = Attachment.objects.get(invoice=invoice)
        assert main.is_main and main.content_type == "application/xml"
        assert main.uploaded_by == actor


def test_a_number_twice_in_one_batch_is_refused_the_second_time(
    deposited, supplier, recipient, django_capture_on_commit_callbacks
):
    entries = {
        "a.xml": invoice_xml(supplier, recipient, number="TWICE-1"),
        "b.xml": invoice_xml(supplier, recipient, number="TWICE-1"),
        "c.xml": invoice_xml(supplier, recipient, number="TWICE-2"),
    }

    flow, _queries = integrate_counting(deposited(entries), django_capture_on_commit_callbacks)

    assert (flow.state, flow.integrated_count) == (FlowState.IN_INTEGRE_PARTIEL, 2)
    assert [(e["numeroDP"], e["libelleErreurDP"]) for e in flow.invoice_errors] == [
        ("TWICE-1", "Ce numéro de facture a déjà été utilisé")
    ]
    assert sorted(Invoice.objects.values_list("number", flat=True)) == ["TWICE-1", "TWICE-2"]
    assert Attachment.objects.filter(invoice=None).count() == 0


def test_errors_keep_the_lots_order_and_the_portals_wording(
    deposited, supplier, recipient, django_capture_on_commit_callbacks
):
    recipient.engagement_required = True
    recipient.save(update_fields=["engagement_required"])
    Commitment.objects.create(
        recipient=recipient,
        supplier=supplier,
        supplier_identifier=supplier.identifier,
        number="EJ-OK",
        commitment_type="BON_DE_COMMANDE",
        amount_ht=Decimal("100"),
    )
    entries = {
        "a.xml": invoice_xml(supplier, recipient, number="ORD-1", order="ej-ok"),
        "b.xml": invoice_xml(supplier, recipient, number="ORD-2", order="EJ-NON"),
        "c.xml": invoice_xml(supplier, recipient, number="ORD-3", order=None),
        "d.xml": invoice_xml(
            supplier, recipient, number="ORD-4", buyer_ids=[("0009", "11000201100036")]
        ),
    }

    flow, _queries = integrate_counting(deposited(entries), django_capture_on_commit_callbacks)

    assert (flow.state, flow.integrated_count) == (FlowState.IN_INTEGRE_PARTIEL, 1)
    assert [(e["numeroDP"], e["libelleErreurDP"]) for e in flow.invoice_errors] == [
        (
            "ORD-2",
            "Le numéro d'engagement EJ-NON ne correspond à aucun engagement actif de ce "
            "destinataire pour votre structure.",
        ),
        ("ORD-3", "Le numéro d'engagement est obligatoire pour ce destinataire."),
        ("ORD-4", "Le destinataire 11000201100036 est inconnu ou inactif."),
    ]
    # EJ-4: the accepted invoice is linked to its commitment, whatever the case.
    link = CommitmentInvoice.objects.get()
    assert (link.invoice.number, link.commitment.number) == ("ORD-1", "EJ-OK")
