"""Attachment rows: the one place that stores a file of a dossier and records it, and the one
computation of a dossier's size (ATT-4)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

from invoicing.documents.files import store_upload
from invoicing.models import Attachment, Invoice


def store_attachment(
    uploaded_file,
    *,
    subdir: str,
    invoice: Invoice | None,
    actor,
    content_type: str,
    is_main: bool = False,
    name: str | None = None,
    designation: str = "",
    attachment_type: str = "",
) -> Attachment:
    """Store `uploaded_file` under MEDIA_ROOT/`subdir` and record it (unlinked when `invoice`
    is None, ATT-7). `name` overrides the sanitised client name. The stored file goes if the
    row cannot be written."""
    stored = store_upload(uploaded_file, subdir=subdir)
    try:
        return Attachment.objects.create(
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
    except BaseException:
        (Path(settings.MEDIA_ROOT) / stored.path).unlink(missing_ok=True)
        raise


def dossier_size(attachments: Iterable[Attachment | None]) -> int:
    """ATT-4: the size of a dossier, the main file included."""
    return sum(attachment.size for attachment in attachments if attachment is not None)


def stored_dossier_size(invoice: Invoice) -> int:
    """The size of the dossier already linked to `invoice` (one query)."""
    return dossier_size(invoice.attachments.only("size"))
