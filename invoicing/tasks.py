"""Thin, idempotent Celery wrappers over the system steps (ARCHITECTURE rule 5).

A leaf: the workflow imports these tasks and sends them after commit; the tasks call
`invoicing.steps`, which imports no task."""

from contextlib import suppress
from datetime import timedelta

from celery import shared_task
from django.db import connection
from django.utils import timezone

from invoicing import steps, tallies
from invoicing.documents import files, invoice_pdf
from invoicing.enums import InvoiceStatus
from invoicing.models import Attachment, Invoice

UNLINKED_UPLOAD_TTL = timedelta(hours=24)  # ATT-7
# Automatic steps (T4, T8) normally run right after commit; past this delay the sweep does them.
STUCK_AFTER = timedelta(minutes=2)

beat_schedule = {
    "invoicing-purge-unlinked-uploads": {
        "task": "invoicing.tasks.purge_unlinked_uploads",
        "schedule": 3600.0,
    },
    "invoicing-advance-stuck-invoices": {
        "task": "invoicing.tasks.advance_stuck_invoices",
        "schedule": 300.0,
    },
    "invoicing-compact-status-counts": {
        "task": "invoicing.tasks.compact_status_counts",
        "schedule": 60.0,
    },
}


@shared_task
def compact_status_counts() -> int:
    """Folds the status counters' delta rows (`invoicing.tallies.compact`)."""
    return tallies.compact(connection)


@shared_task
def make_available(invoice_id: int) -> None:
    """T4, right after the deposit is committed (the row is read once, by its lock)."""
    with suppress(Invoice.DoesNotExist):  # deleted meanwhile (a test database, a purge)
        steps.make_available(Invoice(pk=invoice_id))


@shared_task
def make_available_many(invoice_ids: list[int]) -> int:
    """T4 of the invoices of a flow's batch, right after their deposit is committed."""
    return len(steps.make_available_many(invoice_ids))


@shared_task
def forward_after_validation(invoice_id: int) -> None:
    """T8 (then T4) after the validator's decision is committed."""
    invoice = Invoice.objects.filter(pk=invoice_id).first()
    if invoice is not None:
        _forward(invoice)


@shared_task
def purge_unlinked_uploads() -> int:
    """ATT-7: files uploaded but not linked to an invoice within 24 hours are purged (the
    row and the stored file). Idempotent; returns how many were purged."""
    cutoff = timezone.now() - UNLINKED_UPLOAD_TTL
    purged = 0
    for attachment in Attachment.objects.filter(invoice__isnull=True, created_at__lt=cutoff):
        files.delete_stored(attachment.path)
        attachment.delete()
        purged += 1
    return purged


@shared_task
def advance_stuck_invoices() -> int:
    """Run the automatic steps that did not run after commit (a broker outage): DEPOSEE →
    MISE_A_DISPOSITION (T4) and VALIDEE_1 → DEPOSEE → … (T8), and the PDF of an invoice
    entered on the portal. Idempotent."""
    cutoff = timezone.now() - STUCK_AFTER
    moved = 0
    stuck = Invoice.objects.filter(
        status__in=[InvoiceStatus.DEPOSEE, InvoiceStatus.VALIDEE_1], status_changed_at__lt=cutoff
    )
    for invoice in stuck.only("pk", "status"):
        if invoice.status == InvoiceStatus.DEPOSEE:
            moved += steps.make_available(invoice) is not None
        else:
            moved += _forward(invoice) is not None
    late = invoice_pdf.missing_entry_pdfs().filter(deposited_at__lt=cutoff)
    for invoice_id in late.values_list("pk", flat=True):
        invoice_pdf.store_entry_invoice_pdf(invoice_id)
    return moved


@shared_task
def render_entry_invoice_pdf(invoice_id: int) -> None:
    """The PDF of an invoice entered on the portal, after its deposit is committed."""
    invoice_pdf.store_entry_invoice_pdf(invoice_id)


def _forward(invoice: Invoice) -> Invoice | None:
    """T8, then T4 after commit."""
    locked = steps.forward(invoice)
    if locked is not None:
        steps.after_commit(make_available, locked.pk)
    return locked
