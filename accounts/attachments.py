"""The "Pièces jointes" block of My account (ACC-8): files kept on the user's account,
under the attachment rules (§5.5, ATT-1 to ATT-6). Only the owner sees, downloads and
deletes them: every look-up goes through `attachments_of(actor)`."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import AccountAttachment
from invoicing.documents.attachments import store_described


def attachments_of(actor) -> QuerySet[AccountAttachment]:
    """The actor's own files, newest first (index account_attachment_owner)."""
    if not getattr(actor, "is_authenticated", False):
        return AccountAttachment.objects.none()
    return AccountAttachment.objects.filter(owner=actor).order_by("-created_at", "-id")


@transaction.atomic
def add_attachment(
    uploaded_file, *, actor, designation: str, attachment_type: str
) -> AccountAttachment:
    """ATT-1 to ATT-6; a refused file raises ValidationError({field: message}) and nothing
    is stored."""
    return store_described(
        uploaded_file,
        subdir=f"accounts/{timezone.localdate():%Y/%m}",
        designation=designation,
        attachment_type=attachment_type,
        create=lambda **columns: AccountAttachment.objects.create(owner=actor, **columns),
    )


@transaction.atomic
def delete_attachment(attachment_id: int, *, actor) -> None:
    """Another user's file is not found (AccountAttachment.DoesNotExist, a 404 in views);
    the stored file goes after the commit (signal)."""
    attachments_of(actor).select_for_update().get(pk=attachment_id).delete()
