"""Format detection by content (DOMAIN §5.7, REC-3, FMT-1, FMT-2) on files generated here."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from invoicing.recognition import (
    ARCHIVE,
    IN_DP_E1_CII_16B,
    IN_DP_E1_UBL_INVOICE,
    IN_DP_E2_CII_FACTURX,
    PDF_NON_SIGNE,
    PDF_SIGNE_PADES,
    UnreadableFile,
    detect_format,
)
from tests.invoicing import samples


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("builder", "kind"),
    [
        (samples.keyword_invoice_pdf, PDF_NON_SIGNE),
        (samples.scanned_pdf, PDF_NON_SIGNE),
        (samples.signed_pdf, PDF_SIGNE_PADES),
        (samples.facturx_pdf, IN_DP_E2_CII_FACTURX),
        (samples.ubl_xml, IN_DP_E1_UBL_INVOICE),
        (samples.cii_xml, IN_DP_E1_CII_16B),
    ],
)
def test_detect_format_each_kind_from_a_path(tmp_path, builder, kind):
    path = write(tmp_path, "fichier.bin", builder())

    detected = detect_format(path)

    assert detected.kind == kind


def test_detect_format_ignores_the_name(tmp_path):
    path = write(tmp_path, "facture.pdf", samples.ubl_xml())

    assert detect_format(str(path)).kind == IN_DP_E1_UBL_INVOICE


def test_detect_format_ubl_credit_note():
    detected = detect_format(io.BytesIO(samples.ubl_xml(credit_note=True)))

    assert (detected.kind, detected.xml_root) == (IN_DP_E1_UBL_INVOICE, "CreditNote")


def test_detect_format_facturx_wins_over_pades_fmt_1():
    detected = detect_format(io.BytesIO(samples.facturx_pdf(signed=True)))

    assert detected.kind == IN_DP_E2_CII_FACTURX
    assert detected.signed is True
    assert detected.embedded_xml_name == "factur-x.xml"


def test_detect_format_pdf_reports_page_count():
    assert detect_format(io.BytesIO(samples.five_page_pdf())).page_count == 5


def test_detect_format_accepts_django_uploads(tmp_path):
    in_memory = SimpleUploadedFile("x.pdf", samples.signed_pdf(), "application/pdf")
    on_disk = TemporaryUploadedFile("y.xml", "application/xml", 0, None)
    on_disk.write(samples.cii_xml())
    on_disk.seek(0)

    assert detect_format(in_memory).kind == PDF_SIGNE_PADES
    assert in_memory.tell() == 0  # rewound for the next reader
    assert detect_format(on_disk).kind == IN_DP_E1_CII_16B
    on_disk.close()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (samples.encrypted_pdf, "pdf_encrypted"),
        (samples.truncated_pdf, "pdf_truncated"),
        (samples.random_bytes, "not_recognised"),
        (lambda: b"%PDF-1.7\n" + samples.random_bytes() + b"\n%%EOF\n", "pdf_unreadable"),
        (lambda: b"MZ\x90\x00" + samples.random_bytes(), "not_recognised"),
        (lambda: b"", "empty"),
        (lambda: b"<Invoice><unclosed></Invoice>", "xml_invalid"),
        (lambda: b"<?xml version='1.0'?><html><body/></html>", "xml_other_kind"),
        (lambda: b"<Invoice xmlns='urn:other'/>", "xml_other_kind"),
        (samples.xxe_xml, "xml_forbidden"),
        (samples.billion_laughs_xml, "xml_forbidden"),
    ],
)
def test_detect_format_refuses_with_a_message(tmp_path, data, code):
    path = write(tmp_path, "facture.pdf", data())

    with pytest.raises(UnreadableFile) as refused:
        detect_format(path)

    assert refused.value.code == code
    assert str(refused.value)  # a French sentence for the user


def test_detect_format_encrypted_message_is_french():
    with pytest.raises(UnreadableFile, match="mot de passe"):
        detect_format(io.BytesIO(samples.encrypted_pdf()))


def test_detect_format_zip_lot_of_one_syntax():
    lot = samples.zip_lot({"a.xml": samples.ubl_xml(), "b.xml": samples.ubl_xml(number="B-1")})

    detected = detect_format(io.BytesIO(lot))

    assert (detected.kind, detected.archive_type) == (ARCHIVE, "zip")
    assert detected.entries_syntax == IN_DP_E1_UBL_INVOICE
    assert [name for name, _kind in detected.entries] == ["a.xml", "b.xml"]


def test_detect_format_tar_gz_lot_of_facturx():
    lot = samples.tar_gz_lot({"1.pdf": samples.facturx_pdf(), "2.pdf": samples.facturx_pdf()})

    detected = detect_format(io.BytesIO(lot))

    assert (detected.kind, detected.archive_type) == (ARCHIVE, "tar.gz")
    assert detected.entries_syntax == IN_DP_E2_CII_FACTURX


@pytest.mark.parametrize(
    "entries",
    [
        {"a.xml": samples.ubl_xml(), "b.xml": samples.cii_xml()},  # mixed syntaxes
        {"a.xml": samples.ubl_xml(), "b.pdf": samples.keyword_invoice_pdf()},  # a plain PDF
        {"a.xml": samples.ubl_xml(), "notes.txt": b"hello"},
    ],
)
def test_detect_format_lot_without_a_single_syntax_fmt_2(entries):
    detected = detect_format(io.BytesIO(samples.zip_lot(entries)))

    assert detected.kind == ARCHIVE
    assert detected.entries_syntax is None


def test_detect_format_gzip_that_is_not_a_tar_is_refused():
    import gzip

    with pytest.raises(UnreadableFile) as refused:
        detect_format(io.BytesIO(gzip.compress(b"just text")))

    assert refused.value.code == "not_recognised"


def test_detect_format_reads_a_large_pdf_lazily(tmp_path):
    """A PDF padded to 8 MB: detection must not read it into memory whole."""
    import tracemalloc

    pdf = samples.keyword_invoice_pdf()
    eof = pdf.rindex(b"startxref")
    # A comment block before the final xref pointer keeps every offset valid.
    padded = write(tmp_path, "big.pdf", pdf)
    with open(padded, "r+b") as fh:
        fh.seek(0, 2)
        for _ in range(128):
            fh.write(b"%" + b"x" * (64 * 1024 - 2) + b"\n")
        fh.write(pdf[eof:])

    tracemalloc.start()
    try:
        detected = detect_format(padded)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert detected.kind == PDF_NON_SIGNE
    assert peak < 2 * 1024 * 1024


def test_detect_format_lot_ignores_archiver_files():
    lot = samples.zip_lot({"a.xml": samples.cii_xml(), "__MACOSX/._a.xml": b"\x00\x05\x16\x07"})

    detected = detect_format(io.BytesIO(lot))

    assert detected.entries == (("a.xml", IN_DP_E1_CII_16B),)
    assert detected.entries_syntax == IN_DP_E1_CII_16B
