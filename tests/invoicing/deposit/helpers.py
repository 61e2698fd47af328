"""Helpers of the deposit tests: uploads, generated PDFs, a valid payload to break one rule
at a time, and the send shortcut."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from invoicing.deposit import services, uploads
from tests.invoicing import samples


def pdf_upload(content: bytes | None = None, name: str = "facture.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, content if content is not None else samples.plain_text_pdf(), "application/pdf"
    )


def invoice_pdf(recipient_siret: str, number: str = "FA-2024-0042") -> bytes:
    """A native PDF with the keywords of REC-5 for this recipient."""
    return samples.pdf_from_pages(
        samples.lines(
            "FACTURE",
            f"Facture n° {number}",
            "Date de facture : 12/03/2024",
            f"SIRET client : {recipient_siret}",
            "Total HT : 1 000,00 €",
            "TVA : 200,00 €",
            "Total TTC : 1 200,00 €",
        )
    )


def valid_data(supplier, recipient, /, **overrides) -> dict:
    """Cleaned data of a valid A1 PDF deposit (the service layer's `data`)."""
    data = {
        "supplier": supplier,
        "supplier_service": None,
        "bank_account": None,
        "frame": "A1_FACTURE_FOURNISSEUR",
        "recipient_identifier": recipient.identifier,
        "recipient_service_code": "",
        "validator_identifier": "",
        "validator_service_code": "",
        "invoice_type": "FACTURE",
        "original_invoice_number": "",
        "currency": "EUR",
        "vat_type": "TVA_SUR_DEBIT",
        "vat_exemption_reason": "",
        "payment_mode": "VIREMENT",
        "engagement_number": "",
        "market_number": "",
        "number": "FA-2024-0042",
        "invoice_date": timezone.localdate() - datetime.timedelta(days=2),
        "amount_ht": Decimal("1000.00"),
        "amount_tva": Decimal("200.00"),
        "amount_ttc": Decimal("1200.00"),
        "global_discount": None,
        "global_discount_reason": "",
        "amount_to_pay": Decimal("1200.00"),
        "comment": "",
    }
    data.update(overrides)
    return data


def form_payload(supplier, recipient, /, **overrides) -> dict:
    """The POST body of the deposit form for the same valid invoice."""
    payload = {
        name: "" if value is None else str(value)
        for name, value in valid_data(supplier, recipient).items()
    }
    payload.update(supplier=str(supplier.pk), token="tok-1")
    payload["invoice_date"] = valid_data(supplier, recipient)["invoice_date"].isoformat()
    payload.update(overrides)
    return payload


def upload_main(actor, content: bytes | None = None, name: str = "facture.pdf"):
    return uploads.upload_main_file(pdf_upload(content, name), actor=actor).attachment


def send(actor, data, *, main=None, attachments=(), **kwargs):
    if main is None and not kwargs.get("is_entry_mode"):
        main = upload_main(actor)
    return services.send_invoice(
        data,
        actor=actor,
        main_attachment_id=main.pk if main else None,
        attachment_ids=[a.pk for a in attachments],
        **kwargs,
    )


def lines_payload(*lines) -> dict:
    payload = {
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
    }
    for index, (designation, quantity, unit_price, rate) in enumerate(lines):
        payload.update(
            {
                f"lines-{index}-designation": designation,
                f"lines-{index}-quantity": quantity,
                f"lines-{index}-unit": "jour",
                f"lines-{index}-unit_price": unit_price,
                f"lines-{index}-discount": "",
                f"lines-{index}-vat_rate": rate,
            }
        )
    return payload


def entry_payload(supplier, recipient, action, **overrides):
    payload = form_payload(supplier, recipient, number="SA-2024-1", token="entry-1", **overrides)
    for name in ("amount_ht", "amount_tva", "amount_ttc", "amount_to_pay"):
        payload.pop(name)
    payload.update(lines_payload(("Conseil", "2", "500", "20"), ("Livres", "3", "10.55", "5.5")))
    payload["action"] = action
    return payload
