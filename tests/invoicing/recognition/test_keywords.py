"""The keyword rules of REC-5 / REC-6 on text (what pypdf extracts), value formats included."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from invoicing.recognition.folding import fold
from invoicing.recognition.pdftext import recognise


def one(text: str, field: str):
    return recognise([text]).get(field)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Total HT : 1 000,00 €", "1000.00"),
        ("Total HT 1\u00a0000,00", "1000.00"),
        ("Total HT 1\u202f000,00 €", "1000.00"),
        ("Total HT : 1.000,00", "1000.00"),
        ("Total HT : 1000.50", "1000.50"),
        ("Total HT : 1000,5", "1000.5"),
        ("Total HT : 12 345 678,90", "12345678.90"),
        ("Total HT : € 250", "250"),
        ("Total HT (€) : 99,99", "99.99"),
        ("Total HT : 1 000.00 EUR", "1000.00"),
        ("Montant HT : 10,00", "10.00"),
        ("TOTAL H.T. 10,00", "10.00"),
        ("Total HT : -150,00", "-150.00"),
    ],
)
def test_recognise_amount_formats(text, expected):
    assert one(text, "amount_ht") == Decimal(expected)


def test_recognise_amounts_each_keyword():
    data = recognise(
        ["Total HT : 1 000,00\nTotal TVA : 200,00\nTotal TTC : 1 200,00\nNet à payer : 1 100,00"]
    )

    assert (data["amount_ht"], data["amount_tva"], data["amount_ttc"], data["amount_to_pay"]) == (
        Decimal("1000.00"),
        Decimal("200.00"),
        Decimal("1200.00"),
        Decimal("1100.00"),
    )


def test_recognise_tva_skips_the_rate_and_the_vat_number():
    data = recognise(["N° TVA intracommunautaire : FR32442293775\nTVA (20 %) : 200,00"])

    assert data["amount_tva"] == Decimal("200.00")


def test_recognise_montant_tva_keyword():
    assert one("Montant TVA : 19,60", "amount_tva") == Decimal("19.60")


def test_recognise_value_on_the_next_line_when_the_line_ends():
    data = recognise(["Net à payer\n1 234,56 €\nSIRET client :\n110 002 011 00044"])

    assert data["amount_to_pay"] == Decimal("1234.56")
    assert data["recipient_siret"] == "11000201100044"


def test_recognise_does_not_look_past_a_page():
    assert "amount_to_pay" not in recognise(["Net à payer", "1 234,56 €"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Date de facture : 12/03/2024", datetime.date(2024, 3, 12)),
        ("Date de facture : 2024-03-12", datetime.date(2024, 3, 12)),
        ("Date de facture : 12 mars 2024", datetime.date(2024, 3, 12)),
        ("Date de facture : 1er août 2024", datetime.date(2024, 8, 1)),
        ("Date : 05/12/2023", datetime.date(2023, 12, 5)),
        ("DATE DE FACTURATION le 3 décembre 2023", datetime.date(2023, 12, 3)),
        ("Date de facture : 31/02/2024", None),  # not a date
    ],
)
def test_recognise_date_formats(text, expected):
    assert one(text, "invoice_date") == expected


def test_recognise_date_prefers_the_invoice_date_keyword_over_other_dates():
    text = "Date d'échéance : 11/04/2024\nDate : 01/01/2024\nDate de facture : 12/03/2024"

    assert one(text, "invoice_date") == datetime.date(2024, 3, 12)


def test_recognise_first_match_in_page_order_wins_rec_6():
    pages = ["Facture n° FIRST-1\nSIRET client : 110 002 011 00044", "Facture n° SECOND-2"]
    pages.append("SIRET client : 999 999 999 99999")

    data = recognise(pages)

    assert data["invoice_number"] == "FIRST-1"
    assert data["recipient_siret"] == "11000201100044"


@pytest.mark.parametrize(
    "text",
    [
        "SIRET CLIENT : 110 002 011 00044",
        "Siret dest 11000201100044",
        "SIRET destinataire : 110 002 011 00044",
        "MINISTÈRE DE L'INTÉRIEUR — SIRET 110 002 011 00044",
        "Ministere des armees\nSIRET : 110 002 011 00044",
    ],
)
def test_recognise_recipient_siret_keywords_case_and_accent_insensitive(text):
    assert one(text, "recipient_siret") == "11000201100044"


def test_recognise_recipient_siret_needs_14_digits():
    assert one("SIRET client : 110 002 011 0004", "recipient_siret") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Numéro d'engagement : 1300012345", "1300012345"),
        ("Engagement juridique (EJ) : 2100004567", "2100004567"),
        ("EJ : EJ-2024-77", "EJ-2024-77"),
        ("EJ 2100009999", "2100009999"),
        ("Bon de commande n° BC/2024/15", "BC/2024/15"),
        ("N° de commande : 4500012", "4500012"),
    ],
)
def test_recognise_engagement_keywords(text, expected):
    assert one(text, "engagement_number") == expected


@pytest.mark.parametrize(
    "text",
    [
        "Date de commande : 01/03/2024",  # a date is not an engagement
        "Rejected by the project",  # "ej" inside a word
        "Votre commande habituelle",
    ],
)
def test_recognise_engagement_not_found(text):
    assert one(text, "engagement_number") is None


@pytest.mark.parametrize(
    ("text", "number", "kind"),
    [
        ("Facture n° FA-2024-001", "FA-2024-001", "FACTURE"),
        ("FACTURE N°2024/17", "2024/17", "FACTURE"),
        ("N° de facture : 12345", "12345", "FACTURE"),
        ("Numéro de facture : F_99", "F_99", "FACTURE"),
        ("Avoir n° AV-2024-3", "AV-2024-3", "AVOIR"),
    ],
)
def test_recognise_invoice_number_keywords(text, number, kind):
    data = recognise([text])

    assert (data.get("invoice_number"), data.get("invoice_type")) == (number, kind)


def test_recognise_original_invoice_number_is_not_the_invoice_number():
    data = recognise(["N° de facture d'origine : FA-2023-9\nAvoir n° AV-1"])

    assert data["original_invoice_number"] == "FA-2023-9"
    assert data["invoice_number"] == "AV-1"
    assert data["invoice_type"] == "AVOIR"


def test_recognise_supplier_siret_is_not_the_recipient():
    text = "SIRET client : 110 002 011 00044\nSIRET : 110 002 011 00044\nSIRET : 442 293 775 00031"

    data = recognise([text])

    assert data["recipient_siret"] == "11000201100044"
    assert data["supplier_siret"] == "44229377500031"


def test_recognise_supplier_siret_keyword():
    assert one("Notre SIRET : 442 293 775 00031", "supplier_siret") == "44229377500031"


def test_recognise_iban_validated_and_compacted():
    data = recognise(["IBAN : FR76 3000 6000 0112 3456 7890 189 BIC SOGEFRPP"])

    assert data["supplier_iban"] == "FR7630006000011234567890189"


def test_recognise_invalid_iban_is_ignored():
    assert one("IBAN : FR76 3000 6000 0112 3456 7890 188", "supplier_iban") is None


def test_recognise_service_code():
    assert one("Code service : SCE-FIN_01", "service_code") == "SCE-FIN_01"


def test_fold_keeps_length_and_drops_case_and_accents():
    text = "Ministère ÉLYSÉE N° \u00a0ﬁn"

    folded = fold(text)

    assert len(folded) == len(text)
    assert folded.startswith("ministere elysee n°  ")
