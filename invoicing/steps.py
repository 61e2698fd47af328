"""The engine of the invoice life cycle (ARCHITECTURE rule 4) and the automatic system steps.

`apply` locks the invoice row (`select_for_update(of=("self",))`), checks the table and the
actor's role, writes the new status and an append-only `StatusEvent`, and sends the
`invoice_status_changed` signal inside the same transaction (commitments listen to it).
This module imports no task: the tasks run its system steps (T4, T8) and `workflow` sends them.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError

from invoicing import activity
from invoicing.errors import (
    IllegalTransition,
    NotAllowed,
    ReasonRequired,
    ReturnCode,
    StatusChangedMeanwhile,
)
from invoicing.models import Invoice, StatusEvent
from invoicing.transitions import BY_CODE, R, S, actor_roles
from notifications.models import ActivityEvent

logger = logging.getLogger(__name__)
MAX_REASON = 255  # LIF-2

# Sent inside the transaction after every status change or logged action:
# sender=Invoice, invoice, event (StatusEvent), previous_status.
invoice_status_changed = Signal()


def lock(invoice: Invoice) -> Invoice:
    return (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("supplier", "recipient", "recipient_service", "validator")
        .get(pk=invoice.pk)
    )


def clean_reason(reason: str | None, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ReasonRequired(field="motif")
    if len(reason) > MAX_REASON:
        raise ReasonRequired(
            _("Le motif ne peut pas dépasser 255 caractères."),
            field="motif",
            code=ReturnCode.FORMAT,
        )
    return reason


def record(
    invoice: Invoice,
    *,
    status: str,
    transition: str = "",
    action: str = "",
    actor=None,
    actor_role: str = "",
    comment: str = "",
    previous_status: str | None = None,
) -> StatusEvent:
    event = StatusEvent.objects.create(
        invoice=invoice,
        status=status,
        transition=transition,
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_role=actor_role,
        comment=comment,
    )
    activity.status_event(invoice, event)  # NOT-3, in this transaction
    invoice_status_changed.send(
        sender=Invoice, invoice=invoice, event=event, previous_status=previous_status
    )
    return event


def record_many(
    invoices: list[Invoice],
    *,
    status: str,
    transition: str,
    actor=None,
    actor_role: str = "",
    previous_status: str | None = None,
) -> list[StatusEvent]:
    """`record` of the same change on many invoices (a flow's lot): the history rows and
    their activity events in one INSERT each, the signal sent for each invoice."""
    actor = actor if getattr(actor, "is_authenticated", False) else None
    events = StatusEvent.objects.bulk_create(
        [
            StatusEvent(
                invoice=invoice,
                status=status,
                transition=transition,
                actor=actor,
                actor_role=actor_role,
            )
            for invoice in invoices
        ]
    )
    rows = []
    for invoice, event in zip(invoices, events, strict=True):
        rows += activity.activity_events(invoice, event)  # NOT-3, in this transaction
    ActivityEvent.objects.bulk_create(rows)
    for invoice, event in zip(invoices, events, strict=True):
        invoice_status_changed.send(
            sender=Invoice, invoice=invoice, event=event, previous_status=previous_status
        )
    return events


def apply(
    invoice: Invoice,
    code: str,
    *,
    actor=None,
    target: str | None = None,
    comment: str = "",
    expected_status: str | None = None,
    updates: dict | None = None,
    is_locked: bool = False,
) -> Invoice:
    """Lock, check the table and the role, write status + event. Returns the locked row.
    `is_locked`: `invoice` is the row this transaction has just locked (not read again)."""
    transition = BY_CODE[code]
    locked = invoice if is_locked else lock(invoice)
    if expected_status is not None and locked.status != expected_status:
        raise StatusChangedMeanwhile()
    if not transition.allows(locked, target if transition.target is None else None):
        if invoice.status != locked.status:
            raise StatusChangedMeanwhile()
        raise IllegalTransition()
    if transition.actor != R.SYSTEM and transition.actor not in actor_roles(actor, locked):
        raise NotAllowed()
    if code == "T13" and target == S.MISE_EN_PAIEMENT:
        raise IllegalTransition()
    comment = clean_reason(comment, required=transition.needs_reason)
    previous = locked.status
    now = timezone.now()
    locked.status = transition.target or target
    locked.status_changed_at = now
    if transition.actor != R.SYSTEM or comment:
        locked.status_comment = comment
    for name, value in (updates or {}).items():
        setattr(locked, name, value)
    locked.save()
    record(
        locked,
        status=locked.status,
        transition=code,
        actor=actor,
        actor_role=transition.actor.value,
        comment=comment,
        previous_status=previous,
    )
    if not is_locked:
        invoice.refresh_from_db()  # the caller's copy
    return locked


def after_commit(task, invoice_id: int | list[int]) -> None:
    """Send the follow-up `task` once the change is committed (of one invoice, or of a
    flow's batch for `make_available_many`). A broker outage must not turn a
    committed deposit into an error page: the periodic `advance_stuck_invoices` picks the
    invoice up later (ARCHITECTURE rule 5)."""

    def send() -> None:
        try:
            task.apply_async((invoice_id,), retry=False)
        except (OperationalError, OSError):
            logger.warning(
                "Broker unavailable: %s(%s) left to the periodic sweep", task.name, invoice_id
            )

    transaction.on_commit(send)


@transaction.atomic
def make_available(invoice: Invoice) -> Invoice | None:
    """T4, idempotent: only a DEPOSEE invoice moves. The row is read once, locked, with the
    columns T4 needs (issue 10: the whole row and its parties were read and written back
    after every deposit)."""
    moved = _make_available([invoice.pk])
    return moved[0] if moved else None


# What T4 and its activity events read of an invoice (`make_available_many`).
T4_COLUMNS = (
    "status",
    "number",
    "frame",
    "supplier_name",
    "supplier_id",
    "recipient_id",
    "recipient_service_id",
    "validator_id",
)


@transaction.atomic
def make_available_many(invoice_ids) -> list[Invoice]:
    """T4 of many invoices deposited together (a flow's lot), idempotent: the DEPOSEE ones
    move, in one UPDATE, with their history and activity rows written in bulk."""
    return _make_available(invoice_ids)


def _make_available(invoice_ids) -> list[Invoice]:
    """T4 of `invoice_ids` in the caller's transaction (no savepoint of its own)."""
    transition = BY_CODE["T4"]
    locked = [
        invoice
        for invoice in Invoice.objects.select_for_update(of=("self",))
        .only(*T4_COLUMNS)
        .filter(pk__in=list(invoice_ids), status=S.DEPOSEE)
        .order_by("pk")
        if transition.allows(invoice)
    ]
    if not locked:
        return []
    now = timezone.now()
    Invoice.objects.filter(pk__in=[invoice.pk for invoice in locked]).update(
        status=transition.target, status_changed_at=now, updated_at=now
    )
    for invoice in locked:
        invoice.status, invoice.status_changed_at, invoice.updated_at = transition.target, now, now
    record_many(
        locked,
        status=transition.target,
        transition=transition.code,
        actor_role=transition.actor.value,
        previous_status=S.DEPOSEE,
    )
    return locked


@transaction.atomic
def forward(invoice: Invoice) -> Invoice | None:
    """T8 after T5, idempotent. The caller sends T4 after commit."""
    locked = lock(invoice)
    if locked.status != S.VALIDEE_1:
        return None
    return apply(locked, "T8", is_locked=True)
