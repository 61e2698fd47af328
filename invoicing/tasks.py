"""Thin, idempotent Celery wrappers over workflow functions (ARCHITECTURE rule 5)."""

from celery import shared_task

from invoicing import workflow
from invoicing.models import Invoice


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
