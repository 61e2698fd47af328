"""Lots (FMT-2, FLW-9): zip and tar.gz of XML or Factur-X, read safely."""

from __future__ import annotations

import io
import tarfile
import zipfile

import pytest

from flows.enums import FlowState
from flows.services import deposit_flow
from invoicing.models import Invoice
from tests.flows.helpers import facturx, invoice_xml, upload
from tests.invoicing import samples

pytestmark = pytest.mark.django_db
CII = "IN_DP_E1_CII_16B"


@pytest.fixture
def integrated(django_capture_on_commit_callbacks, actor, supplier):
    def run(content, name, syntax=CII):
        with django_capture_on_commit_callbacks(execute=True):
            flow = deposit_flow(
                actor=actor, structure=supplier, uploaded_file=upload(content, name), syntax=syntax
            )
        flow.refresh_from_db()
        return flow

    return run


def test_tar_gz_lot_integrates_every_invoice(integrated, supplier, recipient):
    entries = {
        f"lot/f{n}.xml": invoice_xml(supplier, recipient, number=f"TAR-{n}") for n in range(3)
    }

    flow = integrated(samples.tar_gz_lot(entries), "lot.tar.gz")

    assert flow.state == FlowState.IN_INTEGRE
    assert (flow.invoice_count, flow.integrated_count) == (3, 3)
    assert sorted(Invoice.objects.values_list("number", flat=True)) == ["TAR-0", "TAR-1", "TAR-2"]
    numbers = [link.invoice.number for link in flow.integrated.order_by("position")]
    assert numbers == ["TAR-0", "TAR-1", "TAR-2"]


def test_facturx_lot_integrates(integrated, supplier, recipient):
    pdfs = {
        f"fx{n}.pdf": facturx(invoice_xml(supplier, recipient, number=f"FXL-{n}")) for n in range(2)
    }

    flow = integrated(samples.zip_lot(pdfs), "lot.zip", "IN_DP_E2_CII_FACTURX")

    assert flow.state == FlowState.IN_INTEGRE, flow.invoice_errors
    assert Invoice.objects.filter(attachments__original_name="fx0.pdf").exists()


def test_lot_mixing_syntaxes_is_rejected_before_integrating_anything(
    integrated, supplier, recipient
):
    lot = samples.zip_lot(
        {
            "a.xml": invoice_xml(supplier, recipient, number="MIX-1"),
            "b.xml": invoice_xml(supplier, recipient, syntax="UBL", number="MIX-2"),
        }
    )

    flow = integrated(lot, "lot.zip")

    assert flow.state == FlowState.IN_REJETE
    assert flow.technical_errors[0]["codeErreur"] == "syntax_mismatch"
    assert not Invoice.objects.exists()


def test_path_traversal_entry_rejects_the_lot(integrated, supplier, recipient):
    lot = samples.zip_lot({"../../etc/cron.d/x.xml": invoice_xml(supplier, recipient)})

    flow = integrated(lot, "lot.zip")

    assert flow.state == FlowState.IN_REJETE
    assert flow.technical_errors[0]["codeErreur"] == "path_traversal"


def test_zip_bomb_entry_is_refused_past_10_mb(integrated):
    out = io.BytesIO()
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("bomb.xml", "w") as entry,
    ):
        entry.write(b"<a>")
        for _ in range(11):
            entry.write(b" " * (1024 * 1024))
        entry.write(b"</a>")
    assert len(out.getvalue()) < 100_000

    flow = integrated(out.getvalue(), "lot.zip")

    assert flow.state == FlowState.IN_REJETE
    codes = [e["codeErreur"] for e in flow.technical_errors]
    assert codes == ["entry_too_large"]


def test_symlink_in_a_tar_is_refused(integrated, supplier, recipient):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        data = invoice_xml(supplier, recipient)
        info = tarfile.TarInfo("ok.xml")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("passwd.xml")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        archive.addfile(link)

    flow = integrated(out.getvalue(), "lot.tar.gz")

    assert flow.state == FlowState.IN_REJETE
    assert flow.technical_errors[0]["codeErreur"] == "special_entry"
    assert not Invoice.objects.exists()
