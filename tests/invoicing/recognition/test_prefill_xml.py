"""Structured invoices pre-fill every field (FMT-0, FLW-7): Factur-X, UBL 2.1, CII D16B."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from lxml import etree

from invoicing.recognition import UnreadableFile, prefill
from invoicing.recognition.structured import frame_of, parse_invoice_xml
from invoicing.recognition.xmlsafe import hardened_parser
from tests.invoicing import samples


def test_prefill_facturx_from_embedded_cii(tmp_path):
    path = tmp_path / "facture.pdf"
    path.write_bytes(samples.facturx_pdf())

    data = prefill(path)

    assert data.source == "xml"
    assert data.invoice_number == "FX-2024-001"  # BT-1
    assert data.invoice_date == datetime.date(2024, 3, 12)  # BT-2
    assert data.invoice_type == "FACTURE"  # BT-3 380
    assert data.currency == "EUR"  # BT-5
    assert data.service_code == "SERVICE_FIN"  # BT-10
    assert data.market_number == "MARCHE-2024-07"  # BT-12
    assert data.engagement_number == "1300012345"  # BT-13
    assert data.frame == "A1_FACTURE_FOURNISSEUR"  # BT-23
    assert data.supplier_siret == samples.SUPPLIER_SIRET  # BT-30
    assert data.recipient_siret == samples.RECIPIENT_SIRET  # BT-47
    assert data.recipient_name == "Ministère de l'Intérieur"
    assert data.supplier_iban == samples.IBAN
    assert (data.amount_ht, data.amount_tva, data.amount_ttc, data.amount_to_pay) == (
        Decimal("1000.00"),
        Decimal("200.00"),
        Decimal("1200.00"),
        Decimal("1100.00"),
    )  # BT-109, BT-110, BT-112, BT-115
    assert data.lines == [
        {
            "line_id": "1",
            "designation": "Prestation de conseil",
            "quantity": Decimal("2"),
            "unit": "DAY",
            "unit_price": Decimal("500.00"),
            "vat_category": "S",
            "vat_rate": Decimal("20.00"),
            "amount": Decimal("1000.00"),
        }
    ]
    assert data.vat_lines == [
        {
            "category": "S",
            "rate": Decimal("20.00"),
            "base": Decimal("1000.00"),
            "amount": Decimal("200.00"),
            "exemption_reason": None,
        }
    ]


def test_prefill_cii_credit_note_with_original_invoice():
    xml = samples.cii_xml(type_code="381", original="FA-2023-0999", process="A12")

    data = prefill(io.BytesIO(xml))

    assert data.invoice_type == "AVOIR"
    assert data.original_invoice_number == "FA-2023-0999"  # BT-25
    assert data.frame == "A12_FACTURE_COTRAITANT"


def test_prefill_ubl_invoice_every_field(tmp_path):
    path = tmp_path / "facture.xml"
    path.write_bytes(samples.ubl_xml())

    data = prefill(path)

    assert data.source == "xml"
    assert data.invoice_number == "UBL-2024-042"
    assert data.invoice_date == datetime.date(2024, 3, 15)
    assert data.invoice_type == "FACTURE"
    assert data.currency == "EUR"
    assert data.service_code == "SERVICE_ACHATS"
    assert data.market_number == "MARCHE-UBL-1"
    assert data.engagement_number == "EJ-2024-0099"
    assert data.frame == "A9_FACTURE_SOUSTRAITANT"
    assert data.original_invoice_number == "FA-2023-0999"
    assert data.supplier_siret == samples.SUPPLIER_SIRET
    assert data.supplier_name == "Sous-traitant SAS"
    assert data.recipient_siret == samples.RECIPIENT_SIRET
    assert data.supplier_iban == samples.IBAN
    assert (data.amount_ht, data.amount_tva, data.amount_ttc, data.amount_to_pay) == (
        Decimal("600.00"),
        Decimal("55.00"),
        Decimal("655.00"),
        Decimal("655.00"),
    )
    assert [(line["designation"], line["quantity"], line["unit"]) for line in data.lines] == [
        ("Maintenance", Decimal("10"), "HUR"),
        ("Manuels", Decimal("4"), "C62"),
    ]
    assert [(vat["rate"], vat["base"], vat["amount"]) for vat in data.vat_lines] == [
        (Decimal("10"), Decimal("500.00"), Decimal("50.00")),
        (Decimal("5"), Decimal("100.00"), Decimal("5.00")),
    ]


def test_prefill_ubl_credit_note_is_an_avoir():
    data = prefill(io.BytesIO(samples.ubl_xml(credit_note=True)))

    assert data.invoice_type == "AVOIR"
    assert len(data.lines) == 2


def test_prefill_xml_siret_only_from_scheme_0009():
    xml = samples.ubl_xml().replace(
        b'schemeID="0009">' + samples.SUPPLIER_SIRET.encode(), b'schemeID="0002">442293775'
    )

    assert prefill(io.BytesIO(xml)).supplier_siret is None


@pytest.mark.parametrize(
    ("value", "frame"),
    [
        (None, "A1_FACTURE_FOURNISSEUR"),
        ("A2", "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE"),
        ("a9", "A9_FACTURE_SOUSTRAITANT"),
        ("A12_FACTURE_COTRAITANT", "A12_FACTURE_COTRAITANT"),
        ("urn:fdc:peppol.eu:2017:poacc:billing:01:1.0", "A1_FACTURE_FOURNISSEUR"),
    ],
)
def test_frame_of_bt_23_defaults_to_a1(value, frame):
    assert frame_of(value) == frame


def test_xxe_is_refused_and_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    xml = samples.xxe_xml(secret.as_uri())

    with pytest.raises(UnreadableFile) as refused:
        parse_invoice_xml(xml)
    assert refused.value.code == "xml_forbidden"
    with pytest.raises(UnreadableFile):
        prefill(io.BytesIO(xml))
    # and the parser itself never substitutes the entity, DTD check or not
    root = etree.fromstring(xml, hardened_parser())
    assert "TOP-SECRET" not in etree.tostring(root, encoding="unicode")


def test_billion_laughs_is_refused():
    with pytest.raises(UnreadableFile):
        parse_invoice_xml(samples.billion_laughs_xml())


def test_parse_invoice_xml_refuses_malformed_xml():
    with pytest.raises(UnreadableFile) as refused:
        parse_invoice_xml(samples.ubl_xml()[:-20])

    assert refused.value.code == "xml_invalid"
