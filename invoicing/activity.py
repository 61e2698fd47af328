"""NOT-3 for invoices: which activity events a status change writes, and for whom.

Called once per status event by `invoicing.steps.record`, inside the transaction of the
change (NOT-5): the supplier's ISSUED users learn every status change; the recipient's
RECEIVED users (within the invoice's service) a new invoice made available; the validator's
TO_VALIDATE users an invoice to validate. Logged actions that change no status write none.
"""

from __future__ import annotations

from invoicing.enums import InvoiceStatus
from notifications import activity
from notifications.models import EventKind
from portal.areas import AreaCode

S = InvoiceStatus


def status_event(invoice, event) -> None:
    for row in activity_events(invoice, event):
        row.save(force_insert=True)


def activity_events(invoice, event) -> list:
    """The unsaved activity events of one status event (a lot writes many at once)."""
    if not event.transition or event.status == S.BROUILLON:
        return []
    params = {"number": invoice.number, "status": event.status}
    actor = event.actor
    rows = [
        activity.activity_event(
            EventKind.INVOICE_STATUS,
            structure=invoice.supplier_id,
            area=AreaCode.ISSUED,
            link=("invoicing:issued_detail", invoice.pk),
            params=params,
            actor=actor,
        )
    ]
    if event.status == S.MISE_A_DISPOSITION and invoice.recipient_id:
        rows.append(
            activity.activity_event(
                EventKind.INVOICE_RECEIVED,
                structure=invoice.recipient_id,
                area=AreaCode.RECEIVED,
                service=invoice.recipient_service_id,
                link=("invoicing:received_detail", invoice.pk),
                params={**params, "supplier": invoice.supplier_name},
                actor=actor,
            )
        )
    if event.status == S.A_VALIDER_1 and invoice.validator_id:
        rows.append(
            activity.activity_event(
                EventKind.INVOICE_TO_VALIDATE,
                structure=invoice.validator_id,
                area=AreaCode.TO_VALIDATE,
                link=("validation:detail", invoice.pk),
                params={**params, "supplier": invoice.supplier_name},
                actor=actor,
            )
        )
    return rows
