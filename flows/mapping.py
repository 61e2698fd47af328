"""FLW-7: the values read from a UBL or CII invoice as the deposit checks take them (the
portal form's cleaned data), and FLW-8's embedded files."""

from __future__ import annotations

import base64
import binascii
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from invoicing import parties
from invoicing.enums import InvoiceType, PaymentMode, VatExemptionReason, VatType
from invoicing.recognition.structured import NS
from invoicing.rules import memo
from invoicing.rules.fields import COMMENT_MAX
from structures.models import BankAccount

# UNTDID 4461 payment means (BT-81) → modePaiement.
PAYMENT_MEANS = {
    "10": PaymentMode.ESPECE,
    "20": PaymentMode.CHEQUE,
    "30": PaymentMode.VIREMENT,
    "31": PaymentMode.VIREMENT,
    "42": PaymentMode.VIREMENT,
    "49": PaymentMode.PRELEVEMENT,
    "57": PaymentMode.VIREMENT,
    "58": PaymentMode.VIREMENT,
    "59": PaymentMode.PRELEVEMENT,
    "97": PaymentMode.REPORT,
}
# VAT categories (BT-118) without tax → the exemption reason of §5.3.
EXEMPTIONS = {
    "E": VatExemptionReason.ART_261,
    "AE": VatExemptionReason.ART_283,
    "K": VatExemptionReason.ART_262_TER,
    "G": VatExemptionReason.ART_262,
}
_SPACES = re.compile(r"\s+")


def vat_type_of(values: dict[str, Any]) -> tuple[str, str]:
    """(typeTva, motif): exempt when every VAT line is of an exempt category."""
    categories = {(line.get("category") or "").upper() for line in values.get("vat_lines") or []}
    categories |= {(line.get("vat_category") or "").upper() for line in values.get("lines") or []}
    categories.discard("")
    if categories and categories <= {"O"}:
        return VatType.SANS_TVA, ""
    if categories and categories <= set(EXEMPTIONS) | {"O"}:
        first = sorted(categories - {"O"})[0]
        return VatType.EXONERATION, EXEMPTIONS[first]
    return VatType.TVA_SUR_DEBIT, ""


def bank_account_of(supplier, iban: str | None):
    if not iban or supplier is None:
        return None
    wanted = _SPACES.sub("", iban).upper()
    accounts = memo.remember(
        ("active bank accounts", supplier.pk),
        lambda: list(BankAccount.objects.filter(structure=supplier, is_active=True)),
    )
    for account in accounts:
        if _SPACES.sub("", account.iban).upper() == wanted:
            return account
    return None


def validator_identifier(values: dict[str, Any]) -> str:
    siret, siren = values.get("validator_siret"), values.get("validator_siren")
    if siret:
        return siret
    if siren:
        return parties.resolve_siren(siren, active_structures()) or siren
    return ""


def active_structures():
    from structures.models import Structure

    return Structure.objects.filter(is_active=True)


def deposit_data(values: dict[str, Any], supplier) -> dict[str, Any]:
    """The `data` of `invoicing.deposit.services.send_invoice` for this invoice."""
    vat_type, reason = vat_type_of(values)
    invoice_type = values.get("invoice_type") or InvoiceType.FACTURE
    payment = PAYMENT_MEANS.get((values.get("payment_means") or "").strip(), PaymentMode.VIREMENT)
    comment = values.get("comment") or ""
    return {
        "supplier": supplier,
        "supplier_service": None,
        "bank_account": bank_account_of(supplier, values.get("supplier_iban")),
        "frame": values.get("frame"),
        "recipient_identifier": parties.recipient_siret(
            values.get("recipient_siret"), values.get("recipient_siren")
        )
        or values.get("recipient_siren")
        or "",
        "recipient_service_code": values.get("service_code") or "",
        # VAL-1: an A9 / A12 invoice goes to the validator the file names, exactly as the
        # portal's and the API's deposits do (a SIREN only when one active structure has it).
        "validator_identifier": validator_identifier(values),
        "validator_service_code": "",
        "invoice_type": invoice_type,
        "original_invoice_number": values.get("original_invoice_number") or "",
        "currency": values.get("currency") or "",
        "vat_type": vat_type,
        "vat_exemption_reason": reason,
        "payment_mode": "" if invoice_type == InvoiceType.AVOIR else payment,
        "engagement_number": values.get("engagement_number") or "",
        "market_number": values.get("market_number") or "",
        "number": values.get("invoice_number") or "",
        "invoice_date": values.get("invoice_date"),
        "amount_ht": values.get("amount_ht"),
        "amount_tva": values.get("amount_tva"),
        "amount_ttc": values.get("amount_ttc"),
        "global_discount": None,
        "global_discount_reason": "",
        "amount_to_pay": values.get("amount_to_pay")
        if values.get("amount_to_pay") is not None
        else values.get("amount_ttc"),
        # The XML keeps the whole note; the invoice keeps what its column holds.
        "comment": comment[:COMMENT_MAX],
    }


@dataclass
class Embedded:
    name: str
    data: bytes
    description: str = ""


def xml_attachments(root) -> Iterable[Embedded]:
    """Supporting documents embedded in base64 in the XML (BG-24): CII
    AdditionalReferencedDocument/AttachmentBinaryObject, UBL
    AdditionalDocumentReference/Attachment/EmbeddedDocumentBinaryObject."""
    paths = (
        (
            ".//ram:AdditionalReferencedDocument",
            "ram:AttachmentBinaryObject",
            "ram:Name",
        ),
        (
            ".//cac:AdditionalDocumentReference",
            "cac:Attachment/cbc:EmbeddedDocumentBinaryObject",
            "cbc:DocumentDescription",
        ),
    )
    for container_path, object_path, description_path in paths:
        for container in root.iterfind(container_path, NS):
            node = container.find(object_path, NS)
            if node is None or not (node.text or "").strip():
                continue
            try:
                data = base64.b64decode("".join(node.text.split()), validate=True)
            except (binascii.Error, ValueError):
                continue
            described = container.find(description_path, NS)
            yield Embedded(
                name=(node.get("filename") or "piece-jointe").strip(),
                data=data,
                description="".join(described.itertext()).strip() if described is not None else "",
            )


def pdf_attachments(pdf: bytes, xml_name: str | None) -> Iterable[Embedded]:
    """A Factur-X's embedded files other than its XML (FLW-8)."""
    from pypdf import PdfReader

    from invoicing.recognition.detect import bounded_pypdf

    with bounded_pypdf():
        try:
            attachments = list(PdfReader(io.BytesIO(pdf), strict=False).attachment_list)
        except Exception:  # noqa: BLE001 - a broken name tree: no attachment
            return
        for attachment in attachments:
            name = (attachment.name or "").strip()
            if not name or name == xml_name:
                continue
            try:
                content = attachment.content
            except Exception:  # noqa: BLE001, S112 - an unreadable stream is skipped
                continue
            if content:
                yield Embedded(name=name, data=content)
