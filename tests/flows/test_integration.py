"""FLW-3..FLW-8: a flow integrates its invoices as ordinary invoices, or says why not."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from flows.enums import FlowState
from flows.integration import integrate_flow
from flows.models import Flow
from flows.services import deposit_flow
from invoicing.documents.files import PREFILL_SUFFIX, sha256_of_paths
from invoicing.enums import DepositMode, InvoiceStatus
from invoicing.models import Attachment, Invoice, StatusEvent
from tests.flows.helpers import facturx, invoice_xml, upload
from tests.invoicing import samples

pytestmark = pytest.mark.django_db


def deposit(actor, supplier, content, syntax, name="flux.xml", **kw) -> Flow:
    flow = deposit_flow(
        actor=actor, structure=supplier, uploaded_file=upload(content, name), syntax=syntax, **kw
    )
    return flow


@pytest.mark.parametrize("syntax", ["CII", "UBL"])
def test_e1_invoice_is_integrated_as_an_ordinary_invoice(
    actor, supplier, recipient, syntax, django_capture_on_commit_callbacks
):
    content = invoice_xml(supplier, recipient, syntax=syntax, number="FLX-1")
    declared = "IN_DP_E1_CII_16B" if syntax == "CII" else "IN_DP_E1_UBL_INVOICE"

    with django_capture_on_commit_callbacks(execute=True):
        flow = deposit(actor, supplier, content, declared)

    flow.refresh_from_db()
    assert flow.number.startswith("CPP") and len(flow.number) == 25
    assert flow.state == FlowState.IN_INTEGRE
    assert (flow.invoice_count, flow.integrated_count) == (1, 1)
    invoice = Invoice.objects.get()
    assert invoice.number == "FLX-1"
    assert invoice.recipient == recipient and invoice.supplier == supplier
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION
    assert invoice.deposit_mode == DepositMode.UPLOAD_PORTAIL
    assert invoice.deposit_format == declared
    assert invoice.certificate_sha256
    assert invoice.flow_link.flow == flow
    # FLW-8: the XML is the invoice; its PDF is rendered after the integration.
    names = sorted(invoice.attachments.values_list("is_main", "content_type"))
    assert names == [(False, "application/pdf"), (True, "application/xml")]
    assert invoice.dossier_sha256 == sha256_of_paths(
        invoice.attachments.order_by("-is_main", "pk").values_list("path", flat=True)
    )
    assert StatusEvent.objects.filter(invoice=invoice, transition="T2").exists()


def test_facturx_pdf_is_the_main_attachment(
    actor, supplier, recipient, django_capture_on_commit_callbacks
):
    xml = invoice_xml(supplier, recipient, number="FLX-FX-1")
    pdf = facturx(xml, attachments={"bon.csv": b"ref;qty\nA;1\n"})

    with django_capture_on_commit_callbacks(execute=True):
        flow = deposit(actor, supplier, pdf, "IN_DP_E2_CII_FACTURX", name="facture.pdf")

    flow.refresh_from_db()
    assert flow.state == FlowState.IN_INTEGRE, flow.invoice_errors
    invoice = Invoice.objects.get()
    main = invoice.attachments.get(is_main=True)
    assert main.original_name == "facture.pdf"
    assert invoice.attachments.filter(is_main=False, original_name="bon.csv").exists()


def test_zip_lot_with_one_bad_invoice_is_partially_integrated(
    actor, supplier, recipient, django_capture_on_commit_callbacks
):
    good = invoice_xml(supplier, recipient, number="LOT-1")
    unknown = invoice_xml(
        supplier, recipient, number="LOT-2", buyer_ids=[("0009", "11000201100036")]
    )
    lot = samples.zip_lot({"a.xml": good, "b.xml": unknown})

    with django_capture_on_commit_callbacks(execute=True):
        flow = deposit(actor, supplier, lot, "IN_DP_E1_CII_16B", name="lot.zip")

    flow.refresh_from_db()
    assert flow.state == FlowState.IN_INTEGRE_PARTIEL
    assert (flow.invoice_count, flow.integrated_count) == (2, 1)
    assert flow.invoice_errors == [
        {
            "identifiantDestinataire": "11000201100036",
            "identifiantFournisseur": supplier.identifier,
            "numeroDP": "LOT-2",
            "libelleErreurDP": "Le destinataire 11000201100036 est inconnu ou inactif.",
        }
    ]
    # The refused invoice's stored file is gone, row and file (no savepoint of its own).
    integrated = Invoice.objects.get(number="LOT-1")
    assert set(Attachment.objects.values_list("invoice_id", flat=True)) == {integrated.pk}
    assert stored_files() == {a.path for a in integrated.attachments.all()}


def test_refused_embedded_file_leaves_nothing_of_its_invoice(
    actor, supplier, recipient, django_capture_on_commit_callbacks
):
    good = facturx(invoice_xml(supplier, recipient, number="FXA-1"))
    bad = facturx(
        invoice_xml(supplier, recipient, number="FXA-2"),
        attachments={"ok.csv": b"a;b\n", "outil.exe": b"MZ\x90\x00binary"},
    )
    lot = samples.zip_lot({"a.pdf": good, "b.pdf": bad})

    with django_capture_on_commit_callbacks(execute=True):
        flow = deposit(actor, supplier, lot, "IN_DP_E2_CII_FACTURX", name="lot.zip")

    flow.refresh_from_db()
    assert (flow.state, flow.integrated_count) == (FlowState.IN_INTEGRE_PARTIEL, 1)
    assert "outil.exe" in flow.invoice_errors[0]["libelleErreurDP"]
    integrated = Invoice.objects.get()
    assert integrated.number == "FXA-1"
    assert set(Attachment.objects.values_list("invoice_id", flat=True)) == {integrated.pk}
    assert stored_files() == {a.path for a in integrated.attachments.all()}


def stored_files() -> set[str]:
    """The invoice files under MEDIA_ROOT/flows/…/invoices (relative paths)."""
    root = Path(settings.MEDIA_ROOT)
    return {
        str(path.relative_to(root))
        for path in root.glob("flows/*/*/invoices/**/*")
        if path.is_file() and not path.name.endswith(PREFILL_SUFFIX)
    }


def test_integrating_twice_creates_each_invoice_once(actor, supplier, recipient):
    flow = deposit(actor, supplier, invoice_xml(supplier, recipient), "IN_DP_E1_CII_16B")

    first = integrate_flow(flow.pk)
    second = integrate_flow(flow.pk)

    assert first.state == FlowState.IN_INTEGRE
    assert second is None
    assert Invoice.objects.count() == 1


def test_a_facturx_embedding_only_its_xml_is_not_read_again(
    actor, supplier, recipient, django_capture_on_commit_callbacks, monkeypatch
):
    """Issue 10: the detection saw every embedded name; a Factur-X whose only embedded file
    is its XML is not opened a third time for annexes it has not; one with an annex still
    is (FLW-8)."""
    import io

    from flows import files
    from invoicing.recognition import detect_format

    alone = facturx(invoice_xml(supplier, recipient, number="FLX-ALONE"))
    annexed = facturx(
        invoice_xml(supplier, recipient, number="FLX-ANNEX"), attachments={"a.csv": b"x;y\n"}
    )
    assert detect_format(io.BytesIO(alone)).embeds_others is False
    assert detect_format(io.BytesIO(annexed)).embeds_others is True
    opened = []
    real = files.pdf_attachments
    monkeypatch.setattr(files, "pdf_attachments", lambda *a: opened.append(1) or real(*a))

    with django_capture_on_commit_callbacks(execute=True):
        deposit(actor, supplier, alone, "IN_DP_E2_CII_FACTURX", name="seule.pdf")
        deposit(actor, supplier, annexed, "IN_DP_E2_CII_FACTURX", name="annexe.pdf")

    assert len(opened) == 1
    assert Invoice.objects.get(number="FLX-ALONE").attachments.count() == 1
    annexes = Invoice.objects.get(number="FLX-ANNEX").attachments.filter(is_main=False)
    assert list(annexes.values_list("original_name", flat=True)) == ["a.csv"]
