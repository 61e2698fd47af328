"""Attachment rows: the one place that stores a file of a dossier and records it, and the one
computation of a dossier's size (ATT-4)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from invoicing.documents.files import (
    StoredFile,
    delete_stored,
    store_upload,
    validate_attachment,
)
from invoicing.enums import AttachmentType
from invoicing.models import Attachment, Invoice
from invoicing.rules import fields
from portal.params import CONTROL_MESSAGE, has_control_characters

T = TypeVar("T")


def store_recorded(uploaded_file, *, subdir: str, record: Callable[[StoredFile], T]) -> T:
    """Store `uploaded_file` under MEDIA_ROOT/`subdir`, then `record` it (write its row);
    the stored file goes if the row cannot be written."""
    stored = store_upload(uploaded_file, subdir=subdir)
    try:
        return record(stored)
    except BaseException:
        (Path(settings.MEDIA_ROOT) / stored.path).unlink(missing_ok=True)
        raise


def store_attachment(uploaded_file, *, subdir: str, **row) -> Attachment:
    """Store `uploaded_file` under MEDIA_ROOT/`subdir` and record it: `row` is
    `attachment_row`'s arguments (unlinked when `invoice` is None, ATT-7; `name` overrides
    the sanitised client name). The stored file goes if the row cannot be written."""

    def record(stored: StoredFile) -> Attachment:
        attachment = attachment_row(stored, **row)
        attachment.save(force_insert=True)
        return attachment

    return store_recorded(uploaded_file, subdir=subdir, record=record)


def attachment_row(
    stored: StoredFile,
    *,
    invoice: Invoice | None,
    actor,
    content_type: str,
    is_main: bool = False,
    name: str | None = None,
    designation: str = "",
    attachment_type: str = "",
) -> Attachment:
    """The (unsaved) row of a stored file: `store_attachment` saves it at once, a flow's
    lot writes its rows together (`bulk_create`)."""
    return Attachment(
        invoice=invoice,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        path=stored.path,
        original_name=(name or stored.original_name)[:50],
        size=stored.size,
        sha256=stored.sha256,
        content_type=content_type,
        is_main=is_main,
        designation=designation,
        attachment_type=attachment_type,
    )


def dossier_size(attachments: Iterable[Attachment | None]) -> int:
    """ATT-4: the size of a dossier, the main file included."""
    return sum(attachment.size for attachment in attachments if attachment is not None)


def stored_dossier_size(invoice: Invoice) -> int:
    """The size of the dossier already linked to `invoice` (one query)."""
    return dossier_size(invoice.attachments.only("size"))


def description_errors(designation: str, attachment_type: str) -> dict[str, str]:
    """ATT-6: a designation (≤ 100 characters, one line) and a type from the reference list;
    {field: message} for what is wrong."""
    errors = {}
    if not designation:
        errors["designation"] = _("La désignation de la pièce jointe est obligatoire.")
    elif len(designation) > fields.ATTACHMENT_DESIGNATION_MAX:
        errors["designation"] = _("La désignation ne peut pas dépasser %(max)d caractères.") % {
            "max": fields.ATTACHMENT_DESIGNATION_MAX
        }
    elif has_control_characters(designation, multiline=False):
        errors["designation"] = str(CONTROL_MESSAGE)
    if attachment_type not in AttachmentType.values:
        errors["attachment_type"] = _("Choisissez le type de la pièce jointe.")
    return errors


def store_described(uploaded_file, *, subdir: str, designation: str, attachment_type: str, create):
    """A described file kept outside an invoice dossier (ACC-8, EJ-1): ATT-1 to ATT-6 checked
    (no dossier, so ATT-4 does not apply), then stored and recorded by `create(**columns)`.
    Raises ValidationError({field: message}); nothing is stored then."""
    designation = (designation or "").strip()
    errors = description_errors(designation, attachment_type)
    if uploaded_file is None:
        errors["file"] = _("Choisissez un fichier.")
    if errors:
        raise ValidationError(errors)
    try:
        checked = validate_attachment(uploaded_file)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages[0]}, code=exc.code) from exc
    return store_recorded(
        uploaded_file,
        subdir=subdir,
        record=lambda stored: create(
            path=stored.path,
            original_name=checked.name[:50],
            size=stored.size,
            sha256=stored.sha256,
            content_type=checked.content_type,
            designation=designation,
            attachment_type=attachment_type,
        ),
    )


def delete_file_on_commit(path: str) -> None:
    """The stored file goes once the row's deletion is committed (never before: a rollback
    would leave a row without its file)."""
    transaction.on_commit(lambda: delete_stored(path))
