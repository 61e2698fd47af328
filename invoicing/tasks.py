"""Thin, idempotent Celery wrappers over workflow functions (ARCHITECTURE rule 5)."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from invoicing import workflow
from invoicing.models import Attachment, Invoice

UNLINKED_UPLOAD_TTL = timedelta(hours=24)  # ATT-7

beat_schedule = {
    "invoicing-purge-unlinked-uploads": {
        "task": "invoicing.tasks.purge_unlinked_uploads",
        "schedule": 3600.0,
    },
}


@shared_task
def make_available(invoice_id: int) -> None:
    """T4, right after the deposit is committed."""
    invoice = Invoice.objects.filter(pk=invoice_id).first()
    if invoice is not None:
        workflow.make_available(invoice)


@shared_task
def forward_after_validation(invoice_id: int) -> None:
    """T8 (then T4) after the validator's decision is committed."""
    invoice = Invoice.objects.filter(pk=invoice_id).first()
    if invoice is not None:
        workflow.forward_after_validation(invoice)


@shared_task
def purge_unlinked_uploads() -> int:
    """ATT-7: files uploaded but not linked to an invoice within 24 hours are purged (the
    row and the stored file). Idempotent; returns how many were purged."""
    from invoicing import files

    cutoff = timezone.now() - UNLINKED_UPLOAD_TTL
    purged = 0
    for attachment in Attachment.objects.filter(invoice__isnull=True, created_at__lt=cutoff):
        files.delete_stored(attachment.path)
        attachment.delete()
        purged += 1
    return purged
