"""The invoice life cycle: one declarative transition table (DOMAIN §5.9) and one function per
transition (ARCHITECTURE rule 4).

Every function locks the invoice row (`select_for_update(of=("self",))`), checks the table
and the actor's role, writes the new status and an append-only `StatusEvent`, and sends the
`invoice_status_changed` signal inside the same transaction (notifications hook there).
Automatic follow-ups (T4, T8) run after commit through Celery tasks.

The web and the API call these same functions; an illegal move raises `IllegalTransition`
(API codeRetour 20002).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from invoicing.enums import (
    CHAIN_RANK,
    OPEN_STATUSES,
    VALIDATION_FRAMES,
    ActionCode,
    ActorRole,
    InvoiceStatus,
)
from invoicing.errors import IllegalTransition, NotAllowed, ReasonRequired, StatusChangedMeanwhile
from invoicing.models import Invoice, StatusEvent

logger = logging.getLogger(__name__)
S = InvoiceStatus
R = ActorRole
NEW = "NEW"  # the "(new)" pseudo-status of the table: an unsaved or draft-less invoice
MAX_REASON = 255  # LIF-2

# Sent inside the transaction after every status change or logged action:
# sender=Invoice, invoice, event (StatusEvent), previous_status.
invoice_status_changed = Signal()


@dataclass(frozen=True)
class Transition:
    code: str
    sources: frozenset[str]
    action: str  # UI label (translated)
    actor: ActorRole
    target: str | None  # None: the target is chosen by the caller (T13 chain)
    needs_reason: bool = False
    condition: Callable[[Invoice], bool] | None = field(default=None, compare=False)
    final: bool = False

    def allows(self, invoice: Invoice, target: str | None = None) -> bool:
        source = NEW if invoice.pk is None else invoice.status
        if source not in self.sources:
            return False
        if self.condition is not None and not self.condition(invoice):
            return False
        if self.target is None:
            return target is not None and _chain_forward(source, target)
        return target is None or target == self.target


def _is_validation_frame(invoice: Invoice) -> bool:
    return invoice.frame in VALIDATION_FRAMES


def _is_direct_frame(invoice: Invoice) -> bool:
    return invoice.frame not in VALIDATION_FRAMES


def reports_payment_status(invoice: Invoice) -> bool:
    """RCV-4: the recipient reports MISE_EN_PAIEMENT (structure and service)."""
    if invoice.recipient is None or invoice.recipient.payment_status_not_reported:
        return False
    service = invoice.recipient_service
    return service is None or service.payment_status_managed


def _rank(status: str) -> int | None:
    if status in OPEN_STATUSES:
        return 0
    return CHAIN_RANK.get(status)


def _chain_forward(source: str, target: str) -> bool:
    """T13: a chain status of higher rank; steps may be skipped, never undone."""
    source_rank, target_rank = _rank(source), CHAIN_RANK.get(target)
    return source_rank is not None and target_rank is not None and target_rank > source_rank


OPEN_OR_SERVICE_FAIT = frozenset(OPEN_STATUSES | {S.SERVICE_FAIT})
CHAIN_SOURCES = frozenset(OPEN_STATUSES | set(CHAIN_RANK) - {S.MISE_EN_PAIEMENT})

TABLE: tuple[Transition, ...] = (
    Transition("T1", frozenset({NEW}), _("Enregistrer"), R.SUPPLIER, S.BROUILLON),
    Transition(
        "T2",
        frozenset({NEW, S.BROUILLON}),
        _("Valider et envoyer"),
        R.SUPPLIER,
        S.DEPOSEE,
        condition=_is_direct_frame,
    ),
    Transition(
        "T3",
        frozenset({NEW, S.BROUILLON}),
        _("Valider et envoyer"),
        R.SUPPLIER,
        S.A_VALIDER_1,
        condition=_is_validation_frame,
    ),
    Transition(
        "T4", frozenset({S.DEPOSEE}), _("Mise à disposition"), R.SYSTEM, S.MISE_A_DISPOSITION
    ),
    Transition("T5", frozenset({S.A_VALIDER_1}), _("Valider"), R.VALIDATOR, S.VALIDEE_1),
    Transition(
        "T6",
        frozenset({S.A_VALIDER_1}),
        _("Refuser"),
        R.VALIDATOR,
        S.REFUSEE_1,
        needs_reason=True,
        final=True,
    ),
    Transition(
        "T7",
        frozenset({S.A_VALIDER_1}),
        _("Absence de validation dans le délai"),
        R.SYSTEM,
        S.ABSENCE_VALIDATION_1_HORS_DELAI,
    ),
    Transition(
        "T8",
        frozenset({S.VALIDEE_1, S.ABSENCE_VALIDATION_1_HORS_DELAI}),
        _("Transmission au destinataire"),
        R.SYSTEM,
        S.DEPOSEE,
    ),
    Transition(
        "T9",
        frozenset({S.MISE_A_DISPOSITION, S.COMPLETEE}),
        _("Prendre en compte"),
        R.RECIPIENT,
        S.PRISE_EN_COMPTE_DESTINATAIRE,
    ),
    Transition(
        "T10", OPEN_OR_SERVICE_FAIT, _("Suspendre"), R.RECIPIENT, S.SUSPENDUE, needs_reason=True
    ),
    Transition("T11", OPEN_OR_SERVICE_FAIT, _("Mettre à recycler"), R.RECIPIENT, S.A_RECYCLER),
    Transition(
        "T12",
        OPEN_OR_SERVICE_FAIT,
        _("Rejeter"),
        R.RECIPIENT,
        S.REJETEE,
        needs_reason=True,
        final=True,
    ),
    Transition("T13", CHAIN_SOURCES, _("Faire avancer le traitement"), R.RECIPIENT, None),
    Transition(
        "T14",
        CHAIN_SOURCES,
        _("Mettre en paiement"),
        R.RECIPIENT,
        S.MISE_EN_PAIEMENT,
        condition=reports_payment_status,
    ),
    Transition("T15", frozenset({S.SUSPENDUE}), _("Compléter"), R.SUPPLIER, S.COMPLETEE),
    Transition("T16", frozenset({S.A_RECYCLER}), _("Recycler"), R.SUPPLIER, S.DEPOSEE),
    Transition("T17", frozenset({S.REJETEE}), _("Traiter le rejet"), R.SUPPLIER, S.REJETEE),
    # Issue 5 (product decision): a refusal because the supplier named the wrong titulaire /
    # mandataire is not a dead end: the supplier corrects the validator and sends again.
    # Only the validator fields change; the invoice keeps its number (INV-5).
    Transition(
        "T18",
        frozenset({S.REFUSEE_1}),
        _("Corriger le valideur et renvoyer"),
        R.SUPPLIER,
        S.A_VALIDER_1,
        condition=_is_validation_frame,
    ),
)
BY_CODE = {transition.code: transition for transition in TABLE}


def transitions_to(invoice: Invoice, target: str) -> list[Transition]:
    """Transitions of the table that allow `invoice` to reach `target` now."""
    found = []
    for transition in TABLE:
        if transition.code == "T13" and target == S.MISE_EN_PAIEMENT:
            continue  # MISE_EN_PAIEMENT is T14, with its own condition (RCV-4)
        if transition.allows(invoice, target):
            found.append(transition)
    return found


def is_allowed(invoice: Invoice, target: str, actor_role: ActorRole) -> bool:
    return any(t.actor == actor_role for t in transitions_to(invoice, target))


def recipient_targets(invoice: Invoice) -> list[str]:
    """Statuses a recipient may set from the current one (RCV-3, recuperer/etats/traitement)."""
    targets = []
    for status in InvoiceStatus:
        if status == invoice.status:
            continue
        if is_allowed(invoice, status, R.RECIPIENT):
            targets.append(status.value)
    return targets


# --- Who plays which role ------------------------------------------------------------


def actor_roles(user, invoice: Invoice) -> set[ActorRole]:
    """The roles `user` holds on `invoice`, in modification mode (§5.9 "Roles")."""
    from portal.areas import Mode
    from structures import access

    if user is None or not user.is_authenticated:
        return set()
    roles = set()
    if invoice.supplier_id and access.has_area(user, invoice.supplier_id, "ISSUED", Mode.CHANGE):
        roles.add(R.SUPPLIER)
    if invoice.validator_id and access.has_area(
        user, invoice.validator_id, "TO_VALIDATE", Mode.CHANGE
    ):
        roles.add(R.VALIDATOR)
    if (
        invoice.recipient_id
        and access.has_area(user, invoice.recipient_id, "RECEIVED", Mode.CHANGE)
        and access.sees_service(user, invoice.recipient_id, invoice.recipient_service_id)
    ):
        roles.add(R.RECIPIENT)
    return roles


def available_transitions(user, invoice: Invoice) -> list[Transition]:
    """What `user` may do on `invoice` now (the screens show exactly these)."""
    roles = actor_roles(user, invoice)
    result = []
    for transition in TABLE:
        if transition.actor not in roles or transition.code in ("T1",):
            continue
        if transition.target is None:
            if any(
                _chain_forward(invoice.status, s) for s in CHAIN_RANK if s != S.MISE_EN_PAIEMENT
            ):
                result.append(transition)
        elif transition.allows(invoice):
            result.append(transition)
    return result


# --- The engine ----------------------------------------------------------------------


def _lock(invoice: Invoice) -> Invoice:
    return (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("supplier", "recipient", "recipient_service", "validator")
        .get(pk=invoice.pk)
    )


def _clean_reason(reason: str | None, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ReasonRequired(field="motif")
    if len(reason) > MAX_REASON:
        raise ReasonRequired(
            _("Le motif ne peut pas dépasser 255 caractères."), field="motif", code=20005
        )
    return reason


def _record(
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
    invoice_status_changed.send(
        sender=Invoice, invoice=invoice, event=event, previous_status=previous_status
    )
    return event


def _apply(
    invoice: Invoice,
    code: str,
    *,
    actor=None,
    target: str | None = None,
    comment: str = "",
    expected_status: str | None = None,
    updates: dict | None = None,
) -> Invoice:
    """Lock, check the table and the role, write status + event. Returns the locked row."""
    transition = BY_CODE[code]
    locked = _lock(invoice)
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
    comment = _clean_reason(comment, required=transition.needs_reason)
    previous = locked.status
    now = timezone.now()
    locked.status = transition.target or target
    locked.status_changed_at = now
    if transition.actor != R.SYSTEM or comment:
        locked.status_comment = comment
    for name, value in (updates or {}).items():
        setattr(locked, name, value)
    locked.save()
    _record(
        locked,
        status=locked.status,
        transition=code,
        actor=actor,
        actor_role=transition.actor.value,
        comment=comment,
        previous_status=previous,
    )
    invoice.refresh_from_db()
    return locked


def _after_commit(task_name: str, invoice_id: int) -> None:
    """Send the follow-up task once the change is committed. A broker outage must not turn a
    committed deposit into an error page: the periodic `advance_stuck_invoices` picks the
    invoice up later (ARCHITECTURE rule 5)."""
    from kombu.exceptions import OperationalError

    from invoicing import tasks

    task = getattr(tasks, task_name)

    def send() -> None:
        try:
            task.apply_async((invoice_id,), retry=False)
        except (OperationalError, OSError):
            logger.warning(
                "Broker unavailable: %s(%s) left to the periodic sweep", task_name, invoice_id
            )

    transaction.on_commit(send)


# --- Supplier ------------------------------------------------------------------------


@transaction.atomic
def save_draft(invoice: Invoice, *, actor) -> Invoice:
    """T1: a new invoice saved as BROUILLON (portal only). Edits of a draft are plain saves."""
    if invoice.pk is not None:
        raise IllegalTransition()
    if R.SUPPLIER not in actor_roles(actor, invoice):
        raise NotAllowed()
    invoice.status = S.BROUILLON
    invoice.created_by = actor if getattr(actor, "is_authenticated", False) else None
    invoice.save()
    _record(invoice, status=S.BROUILLON, transition="T1", actor=actor, actor_role=R.SUPPLIER)
    return invoice


@transaction.atomic
def submit(invoice: Invoice, *, actor) -> Invoice:
    """T2 / T3: "Valider et envoyer". The deposit checks (§5.4) ran before, in the service."""
    is_new = invoice.pk is None
    target = S.A_VALIDER_1 if invoice.frame in VALIDATION_FRAMES else S.DEPOSEE
    code = "T3" if target == S.A_VALIDER_1 else "T2"
    if R.SUPPLIER not in actor_roles(actor, invoice):
        raise NotAllowed()
    if is_new:
        if not BY_CODE[code].allows(invoice):
            raise IllegalTransition()
        invoice.created_by = actor if getattr(actor, "is_authenticated", False) else None
        invoice.status = target
        invoice.status_changed_at = invoice.deposited_at = timezone.now()
        invoice.save()
        _record(
            invoice,
            status=target,
            transition=code,
            actor=actor,
            actor_role=R.SUPPLIER,
            previous_status=None,
        )
        locked = invoice
    else:
        locked = _apply(invoice, code, actor=actor, updates={"deposited_at": timezone.now()})
    if target == S.DEPOSEE:
        _after_commit("make_available", locked.pk)
    return locked


@transaction.atomic
def complete(invoice: Invoice, *, actor, comment: str = "", has_new_attachment: bool) -> Invoice:
    """T15: the supplier completes a suspended invoice (attachments and/or a comment)."""
    if not (comment or "").strip() and not has_new_attachment:
        raise ReasonRequired(
            _("Ajoutez au moins une pièce jointe ou un commentaire pour compléter la facture."),
            field="commentaire",
            code=20005,
        )
    return _apply(invoice, "T15", actor=actor, comment=comment, updates={"acknowledged_at": None})


@transaction.atomic
def recycle(invoice: Invoice, *, actor, routing: dict) -> Invoice:
    """T16: only recipient, recipient service and engagement number change (checked by the
    caller with INV-3/4); the deposit date becomes the recycle date (LIF-4); then T4."""
    allowed = {
        "recipient",
        "recipient_service",
        "engagement_number",
        "recipient_identifier",
        "recipient_name",
        "recipient_address",
        "recipient_service_code",
        "recipient_service_name",
    }
    extra = set(routing) - allowed
    if extra:
        raise IllegalTransition(
            _(
                "Seuls le destinataire, le code service et le numéro d'engagement peuvent être modifiés."
            ),
            code=20014,
        )
    updates = dict(routing, deposited_at=timezone.now(), downloaded_by_recipient_at=None)
    locked = _apply(invoice, "T16", actor=actor, updates=updates)
    _after_commit("make_available", locked.pk)
    return locked


@transaction.atomic
def process_rejection(invoice: Invoice, *, actor) -> Invoice:
    """T17: "Traiter le rejet": no status change, `rejetTraite` becomes true (LIF-7)."""
    locked = _lock(invoice)
    if locked.status != S.REJETEE or locked.rejection_processed:
        raise IllegalTransition()
    if R.SUPPLIER not in actor_roles(actor, locked):
        raise NotAllowed()
    locked.rejection_processed = True
    locked.acknowledged_at = locked.acknowledged_at or timezone.now()
    locked.save(update_fields=["rejection_processed", "acknowledged_at", "updated_at"])
    _record(
        locked,
        status=locked.status,
        transition="T17",
        action=ActionCode.TRAITEMENT_REJET,
        actor=actor,
        actor_role=R.SUPPLIER,
    )
    invoice.refresh_from_db()
    return locked


@transaction.atomic
def acknowledge(invoice: Invoice, *, actor) -> Invoice:
    """LIF-6: the supplier acknowledges a rejection or a suspension (no status change)."""
    locked = _lock(invoice)
    if locked.status not in (S.REJETEE, S.SUSPENDUE):
        raise IllegalTransition()
    if R.SUPPLIER not in actor_roles(actor, locked):
        raise NotAllowed()
    if locked.acknowledged_at is not None:
        return locked  # a double click acknowledges once
    locked.acknowledged_at = timezone.now()
    locked.save(update_fields=["acknowledged_at", "updated_at"])
    action = (
        ActionCode.ACQUITTEMENT_REJET
        if locked.status == S.REJETEE
        else ActionCode.ACQUITTEMENT_SUSPENSION
    )
    _record(locked, status=locked.status, action=action, actor=actor, actor_role=R.SUPPLIER)
    invoice.refresh_from_db()
    return locked


@transaction.atomic
def correct_validator(invoice: Invoice, *, actor, validator, validator_service=None) -> Invoice:
    """T18: new validator (checked by the caller with VAL-1), back to A_VALIDER_1; the
    15-day validation delay starts again from now."""
    if validator is None or validator.pk == invoice.supplier_id:
        raise IllegalTransition(
            _("La structure valideur est obligatoire et doit différer du fournisseur."),
            field="codeStructureValideur",
            code=20012,
        )
    updates = {
        "validator": validator,
        "validator_service": validator_service,
        "validator_identifier": validator.identifier,
        "validator_name": validator.company_name,
        "deposited_at": timezone.now(),
    }
    return _apply(invoice, "T18", actor=actor, updates=updates)


# --- Validator (A9 / A12) ------------------------------------------------------------


@transaction.atomic
def validate(invoice: Invoice, *, actor, message: str = "") -> Invoice:
    """T5 then, after commit, T8 and T4: the invoice goes on to the public recipient."""
    locked = _apply(invoice, "T5", actor=actor, comment=message, expected_status=S.A_VALIDER_1)
    _after_commit("forward_after_validation", locked.pk)
    return locked


@transaction.atomic
def refuse(invoice: Invoice, *, actor, reason: str) -> Invoice:
    """T6: reason mandatory; final for the supplier."""
    return _apply(invoice, "T6", actor=actor, comment=reason, expected_status=S.A_VALIDER_1)


# --- System --------------------------------------------------------------------------


@transaction.atomic
def make_available(invoice: Invoice) -> Invoice | None:
    """T4, idempotent: only a DEPOSEE invoice moves."""
    locked = _lock(invoice)
    if locked.status != S.DEPOSEE:
        return None
    return _apply(locked, "T4")


@transaction.atomic
def expire_validation(invoice: Invoice) -> Invoice | None:
    """T7 then T8 (VAL-5): tacit validation after 15 days. Idempotent."""
    locked = _lock(invoice)
    if locked.status != S.A_VALIDER_1:
        return None
    _apply(locked, "T7")
    locked = _apply(locked, "T8")
    _after_commit("make_available", locked.pk)
    return locked


@transaction.atomic
def forward_after_validation(invoice: Invoice) -> Invoice | None:
    """T8 after T5, idempotent."""
    locked = _lock(invoice)
    if locked.status != S.VALIDEE_1:
        return None
    locked = _apply(locked, "T8")
    _after_commit("make_available", locked.pk)
    return locked


# --- Recipient -----------------------------------------------------------------------


@transaction.atomic
def take_into_account(invoice: Invoice, *, actor) -> Invoice:
    return _apply(invoice, "T9", actor=actor)


@transaction.atomic
def suspend(invoice: Invoice, *, actor, reason: str) -> Invoice:
    return _apply(invoice, "T10", actor=actor, comment=reason, updates={"acknowledged_at": None})


@transaction.atomic
def send_to_recycle(invoice: Invoice, *, actor, reason: str = "") -> Invoice:
    return _apply(invoice, "T11", actor=actor, comment=reason)


@transaction.atomic
def reject(invoice: Invoice, *, actor, reason: str) -> Invoice:
    return _apply(invoice, "T12", actor=actor, comment=reason, updates={"acknowledged_at": None})


@transaction.atomic
def advance(
    invoice: Invoice, target: str, *, actor, comment: str = "", mandate_number: str = ""
) -> Invoice:
    """T13 / T14: forward along SERVICE_FAIT < MANDATEE < … < MISE_EN_PAIEMENT."""
    mandate_number = (mandate_number or "").strip()
    if len(mandate_number) > 50:
        raise ReasonRequired(
            _("Le numéro de mandat ne peut pas dépasser 50 caractères."),
            field="numeroMandat",
            code=20005,
        )
    updates = {"mandate_number": mandate_number} if target == S.MANDATEE and mandate_number else {}
    if target == S.MISE_EN_PAIEMENT:
        return _apply(invoice, "T14", actor=actor, comment=comment, updates=updates)
    return _apply(invoice, "T13", actor=actor, target=target, comment=comment, updates=updates)


RECIPIENT_ACTIONS: dict[str, Callable] = {
    S.PRISE_EN_COMPTE_DESTINATAIRE: lambda inv, actor, reason="", **kw: take_into_account(
        inv, actor=actor
    ),
    S.SUSPENDUE: lambda inv, actor, reason="", **kw: suspend(inv, actor=actor, reason=reason),
    S.A_RECYCLER: lambda inv, actor, reason="", **kw: send_to_recycle(
        inv, actor=actor, reason=reason
    ),
    S.REJETEE: lambda inv, actor, reason="", **kw: reject(inv, actor=actor, reason=reason),
}


def process_received(
    invoice: Invoice, target: str, *, actor, reason: str = "", mandate_number: str = ""
) -> Invoice:
    """One entry point for the recipient's screens and API `traiter/recue`."""
    if target in RECIPIENT_ACTIONS:
        return RECIPIENT_ACTIONS[target](invoice, actor, reason=reason)
    if target in CHAIN_RANK:
        return advance(invoice, target, actor=actor, comment=reason, mandate_number=mandate_number)
    raise IllegalTransition()


@transaction.atomic
def mark_downloaded(invoice: Invoice, *, actor) -> None:
    """RCV-6: downloading marks the invoice and logs TELECHARGEMENT_FACTURE."""
    locked = _lock(invoice)
    if R.RECIPIENT not in actor_roles(actor, locked) and not _recipient_viewer(actor, locked):
        raise NotAllowed()
    if locked.downloaded_by_recipient_at is None:
        locked.downloaded_by_recipient_at = timezone.now()
        locked.save(update_fields=["downloaded_by_recipient_at", "updated_at"])
    _record(
        locked,
        status=locked.status,
        action=ActionCode.TELECHARGEMENT_FACTURE,
        actor=actor,
        actor_role=R.RECIPIENT,
    )


def _recipient_viewer(user, invoice: Invoice) -> bool:
    from structures import access

    return (
        bool(invoice.recipient_id)
        and access.has_area(user, invoice.recipient_id, "RECEIVED")
        and access.sees_service(user, invoice.recipient_id, invoice.recipient_service_id)
    )
