"""Deposits prepared by software (API.md §5.2, §6.1, §6.2): files are uploaded ahead
(`ajouter/fichier`, `deposer/pdf`), then named in `soumettre`.

    upload_file(file, actor=)                 a loose file, checked (ATT-1..ATT-5), unlinked
    send_prepared(data, actor=, main_id=, attachments=, is_entry_mode=)
                                              the API's "Confirmer et envoyer": the main
                                              file, the attachments' designations and types,
                                              then `send_invoice` on the API channel

Everything of `send_prepared` runs in one transaction: on any error nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.deposit.drafts import API
from invoicing.deposit.services import send_invoice
from invoicing.deposit.uploads import (
    _checked_upload,
    _store,
    detect_stored,
    field_error,
    stored_prefill,
)
from invoicing.documents.attachments import stored_dossier_size
from invoicing.documents.files import MAX_DOSSIER_SIZE
from invoicing.enums import AttachmentType
from invoicing.errors import ReturnCode
from invoicing.models import Attachment, Invoice
from invoicing.recognition import PDF_KINDS
from invoicing.rules import fields

# API `typespj` codes (API.md §5.6) and the portal's attachment types.
API_ATTACHMENT_TYPES = {
    "BON_COMMANDE": AttachmentType.BON_DE_COMMANDE,
    "BON_LIVRAISON": AttachmentType.BON_DE_LIVRAISON,
    "CONTRAT": AttachmentType.CONTRAT,
    "DEVIS": AttachmentType.DEVIS,
    "PV_RECEPTION": AttachmentType.PROCES_VERBAL,
    "RIB": AttachmentType.RIB,
    "AUTRE": AttachmentType.AUTRE,
}
GENERATED_NUMBER = re.compile(r"^(\d{4})-(\d{6})$")


@dataclass(frozen=True)
class Described:
    """A complementary attachment named in `soumettre` or `completer`."""

    pk: int
    designation: str
    attachment_type: str


def upload_file(uploaded_file, *, actor) -> Attachment:
    """`ajouter/fichier`: a file for later use, by the same caller (ATT-7)."""
    checked = _checked_upload(uploaded_file, field="file")
    return _store(uploaded_file, checked, actor=actor, is_main=False)


def attachment_type_of(code: str) -> str | None:
    code = (code or "").strip()
    if code in API_ATTACHMENT_TYPES:
        return API_ATTACHMENT_TYPES[code]
    return code if code in AttachmentType.values else None


def _unknown(pk) -> str:
    return _("La pièce jointe %(id)s est inconnue.") % {"id": pk}


def _main_file(actor, pk: int) -> Attachment:
    """The invoice file: an unlinked PDF of the actor (from `deposer/pdf` or
    `ajouter/fichier`)."""
    attachment = (
        Attachment.objects.select_for_update()
        .filter(pk=pk, invoice__isnull=True, uploaded_by=actor)
        .first()
    )
    if attachment is None:
        raise field_error("main_file", _unknown(pk), ReturnCode.UNKNOWN_ATTACHMENT)
    if not attachment.is_main:
        detected = detect_stored(attachment)
        if detected is None or detected.kind not in PDF_KINDS:
            raise field_error(
                "main_file",
                _("La pièce jointe principale doit être un fichier PDF."),
                ReturnCode.FILE_REFUSED,
            )
        attachment.is_main = True
        attachment.save(update_fields=["is_main"])
    return attachment


def describe(actor, items: list[Described]) -> list[int]:
    """ATT-6: each complementary attachment gets its designation and type."""
    errors = fields.FieldErrors()
    for item in items:
        if not item.designation:
            errors.add("attachments", _("La désignation de la pièce jointe est obligatoire."))
        elif len(item.designation) > fields.ATTACHMENT_DESIGNATION_MAX:
            errors.add(
                "attachments",
                _("La désignation ne peut pas dépasser %(max)d caractères.")
                % {"max": fields.ATTACHMENT_DESIGNATION_MAX},
            )
        if attachment_type_of(item.attachment_type) is None:
            errors.add(
                "attachments",
                _("Le type de pièce jointe %(code)s est inconnu.") % {"code": item.attachment_type},
                ReturnCode.REFERENCE,
            )
    errors.raise_if_any()
    wanted = {item.pk: item for item in items}
    found = {
        a.pk: a
        for a in Attachment.objects.select_for_update().filter(
            pk__in=wanted, invoice__isnull=True, uploaded_by=actor, is_main=False
        )
    }
    for pk, item in wanted.items():
        attachment = found.get(pk)
        if attachment is None:
            raise field_error("attachments", _unknown(pk), ReturnCode.UNKNOWN_ATTACHMENT)
        attachment.designation = item.designation
        attachment.attachment_type = attachment_type_of(item.attachment_type)
        attachment.save(update_fields=["designation", "attachment_type"])
    return list(wanted)


def next_number(supplier, year: int) -> str:
    """§6.2: `SAISIE_API` without a number gets `<year>-<6-digit sequence>` per supplier."""
    used = (
        Invoice.objects.filter(supplier=supplier, number__startswith=f"{year}-")
        .order_by("-number")
        .values_list("number", flat=True)[:20]
    )
    highest = next((int(m.group(2)) for m in map(GENERATED_NUMBER.match, used) if m is not None), 0)
    return f"{year}-{highest + 1:06d}"


@transaction.atomic
def send_prepared(
    data: Mapping[str, Any],
    *,
    actor,
    main_id: int | None,
    attachments: list[Described],
    is_entry_mode: bool,
) -> Invoice:
    data = dict(data)
    main = None
    if not is_entry_mode:
        if main_id is None:
            raise field_error(
                "main_file",
                _("La pièce jointe principale est obligatoire pour un dépôt PDF."),
                ReturnCode.FORMAT,
            )
        recognised = Attachment.objects.filter(pk=main_id, is_main=True).exists()
        main = _main_file(actor, main_id)
        if not data.get("invoice_date"):
            # §6.2: the date recognised by `deposer/pdf` (already read), else today.
            found = stored_prefill(main).invoice_date if recognised else None
            data["invoice_date"] = found or timezone.localdate()
    ids = describe(actor, attachments)
    data.setdefault("invoice_date", None)
    data["invoice_date"] = data["invoice_date"] or timezone.localdate()
    if is_entry_mode and not data.get("number") and data.get("supplier") is not None:
        year = (data.get("invoice_date") or timezone.localdate()).year
        data["number"] = next_number(data["supplier"], year)
    return send_invoice(
        data,
        actor=actor,
        main_attachment_id=main.pk if main else None,
        attachment_ids=ids,
        is_entry_mode=is_entry_mode,
        channel=API,
    )


def link_prepared(invoice: Invoice, items: list[Described], *, actor) -> None:
    """Complementary files prepared by the actor join a sent invoice's dossier (T15)."""
    ids = describe(actor, items)
    Attachment.objects.filter(pk__in=ids).update(invoice=invoice)


@transaction.atomic
def complete_prepared(
    invoice: Invoice, *, actor, comment: str, attachments: list[Described]
) -> Invoice:
    """API `completer` (T15): a comment and/or files uploaded with `ajouter/fichier`."""
    from invoicing import workflow

    locked = workflow.complete(
        invoice, actor=actor, comment=comment, has_new_attachment=bool(attachments)
    )
    if attachments:
        link_prepared(locked, attachments, actor=actor)
        if stored_dossier_size(locked) > MAX_DOSSIER_SIZE:  # ATT-4: the whole dossier
            raise field_error(
                "attachments",
                _("Le dossier de facturation dépasse la taille maximale de 120 Mo."),
                ReturnCode.TOO_LARGE,
            )
    return locked


@transaction.atomic
def process_rejections(
    invoices: list[Invoice], *, actor, reason: str = "", details: str = ""
) -> None:
    """API `traiterRejet` (T17), all or nothing: one invoice that cannot be treated
    leaves every other unchanged; `motifRejet` and `cpltInfos` are stored with each action
    as the portal's "Traiter le rejet" stores its two fields."""
    from invoicing import workflow

    for invoice in invoices:
        workflow.process_rejection(invoice, actor=actor, reason=reason, details=details)
