"""AREA-7: the Commitments area opens on a private supplier the first time one of its
invoices reaches MISE_EN_PAIEMENT; its managers then hold it (ROL-5) and its users can ask
for it (AREA-4). The tab appears at their next page (AREA-8)."""

from __future__ import annotations

from django.db.models.signals import post_delete
from django.dispatch import receiver

from commitments.models import CommitmentAttachment
from invoicing.documents.attachments import delete_file_on_commit
from invoicing.enums import InvoiceStatus
from invoicing.models import StatusEvent
from invoicing.workflow import invoice_status_changed
from portal.areas import AreaCode
from structures import access
from structures.enums import ManagerActionCode
from structures.history import log_action

AREA = AreaCode.COMMITMENTS


@receiver(invoice_status_changed, dispatch_uid="commitments_open_on_payment")
def open_commitments_on_payment(sender, invoice, event, previous_status=None, **kwargs) -> None:
    if event.status != InvoiceStatus.MISE_EN_PAIEMENT or previous_status == event.status:
        return
    supplier = invoice.supplier
    if supplier.is_public or access.is_area_open(supplier, AREA):
        return
    # Only the first payment opens it: a manager who closed the area afterwards keeps it closed.
    earlier = StatusEvent.objects.filter(
        invoice__supplier=supplier, status=InvoiceStatus.MISE_EN_PAIEMENT
    ).exclude(pk=event.pk)
    if earlier.exists():
        return
    access.open_area(supplier, AREA, actor=None)
    log_action(supplier, actor=None, action=ManagerActionCode.AREA_OPENED, details=AREA)


@receiver(post_delete, sender=CommitmentAttachment, dispatch_uid="commitments_attachment_file")
def delete_attachment_file(sender, instance, **kwargs) -> None:
    """EJ-1: a deleted attachment (or a deleted commitment's) leaves the disk after commit."""
    delete_file_on_commit(instance.path)
