"""The attachments of a legal commitment (EJ-1): added and deleted by the publishing
structure in modification mode, seen and downloaded by whoever sees the commitment
(`services.commitments_visible_to`: its publisher and its supplier)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from commitments import services
from commitments.models import Commitment, CommitmentAttachment
from invoicing.documents.attachments import store_described


def attachments_visible_to(user) -> QuerySet[CommitmentAttachment]:
    return CommitmentAttachment.objects.filter(commitment__in=services.commitments_visible_to(user))


@transaction.atomic
def add_attachment(
    commitment: Commitment, uploaded_file, *, actor, designation: str, attachment_type: str
) -> CommitmentAttachment:
    """ATT-1 to ATT-6 (no dossier: ATT-4 does not apply). PermissionDenied for anyone but
    the publisher in modification mode; ValidationError({field: message}) for a refused
    file, and nothing is stored."""
    services._require_manage(actor, commitment.recipient)
    return store_described(
        uploaded_file,
        subdir=f"commitments/{timezone.localdate():%Y/%m}",
        designation=designation,
        attachment_type=attachment_type,
        create=lambda **columns: CommitmentAttachment.objects.create(
            commitment=commitment, uploaded_by=actor, **columns
        ),
    )


@transaction.atomic
def delete_attachment(attachment: CommitmentAttachment, *, actor) -> None:
    """The stored file goes after the commit (signal), as with a deleted commitment."""
    services._require_manage(actor, attachment.commitment.recipient)
    attachment.delete()
