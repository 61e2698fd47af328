"""The invoice life cycle: one function per transition (ARCHITECTURE rule 4), driven by the
declarative table of `invoicing/transitions.py` and the engine of `invoicing/steps.py`.
Automatic follow-ups (T4, T8) run after commit through Celery tasks. The web and the API
call these same functions; an illegal move raises `IllegalTransition` (API codeRetour
`ReturnCode.ILLEGAL_TRANSITION`).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from invoicing import steps, tasks
from invoicing.enums import CHAIN_RANK, VALIDATION_FRAMES, ActionCode, ActorRole
from invoicing.errors import IllegalTransition, NotAllowed, ReasonRequired, ReturnCode
from invoicing.models import Invoice
from invoicing.rules.fields import MANDATE_MAX
from invoicing.steps import MAX_REASON, invoice_status_changed, make_available
from invoicing.transitions import (
    BY_CODE,
    CHAIN_SOURCES,
    TABLE,
    R,
    S,
    Transition,
    actor_roles,
    available_transitions,
    is_allowed,
    recipient_targets,
    recipient_viewer,
    reports_payment_status,
    transitions_to,
)

__all__ = [  # the table and the engine are read through this module too
    "MAX_REASON",
    "TABLE",
    "ActorRole",
    "Transition",
    "available_transitions",
    "invoice_status_changed",
    "is_allowed",
    "make_available",
    "recipient_targets",
    "transitions_to",
]


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
    steps.record(invoice, status=S.BROUILLON, transition="T1", actor=actor, actor_role=R.SUPPLIER)
    return invoice


def submit_in_transaction(invoice: Invoice, *, actor) -> Invoice:
    """T2 / T3: "Valider et envoyer" (the checks of §5.4 ran before, in the service), with no
    savepoint (issue 10): an error fails the caller's block. `submit` is its own block."""
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
        steps.record(
            invoice,
            status=target,
            transition=code,
            actor=actor,
            actor_role=R.SUPPLIER,
            previous_status=None,
        )
        locked = invoice
    else:
        locked = steps.apply(invoice, code, actor=actor, updates={"deposited_at": timezone.now()})
    if target == S.DEPOSEE:
        steps.after_commit(tasks.make_available, locked.pk)
    return locked


submit = transaction.atomic(submit_in_transaction)


@transaction.atomic
def submit_many(invoices: list[Invoice], *, actor) -> list[Invoice]:
    """T2 / T3 of new invoices sent together (a flow's lot), as `submit` does each: one
    INSERT for the rows, one for their history, then T4 of the DEPOSEE ones after commit."""
    now = timezone.now()
    codes = {}
    for invoice in invoices:
        target = S.A_VALIDER_1 if invoice.frame in VALIDATION_FRAMES else S.DEPOSEE
        codes.setdefault(target, ("T3" if target == S.A_VALIDER_1 else "T2", []))
        if R.SUPPLIER not in actor_roles(actor, invoice):
            raise NotAllowed()
        if invoice.pk is not None or not BY_CODE[codes[target][0]].allows(invoice):
            raise IllegalTransition()
        invoice.created_by = actor if getattr(actor, "is_authenticated", False) else None
        invoice.status = target
        invoice.status_changed_at = invoice.deposited_at = now
        invoice.prepare_save()
        codes[target][1].append(invoice)
    Invoice.objects.bulk_create(invoices)
    for target, (code, group) in codes.items():
        steps.record_many(group, status=target, transition=code, actor=actor, actor_role=R.SUPPLIER)
    deposited = [invoice.pk for invoice in codes.get(S.DEPOSEE, ("", []))[1]]
    if deposited:
        steps.after_commit(tasks.make_available_many, deposited)
    return invoices


@transaction.atomic
def complete(invoice: Invoice, *, actor, comment: str = "", has_new_attachment: bool) -> Invoice:
    """T15: the supplier completes a suspended invoice (attachments and/or a comment)."""
    if not (comment or "").strip() and not has_new_attachment:
        raise ReasonRequired(
            _("Ajoutez au moins une pièce jointe ou un commentaire pour compléter la facture."),
            field="commentaire",
            code=ReturnCode.FORMAT,
        )
    return steps.apply(
        invoice, "T15", actor=actor, comment=comment, updates={"acknowledged_at": None}
    )


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
            code=ReturnCode.RECYCLE_FIELDS,
        )
    updates = dict(routing, deposited_at=timezone.now(), downloaded_by_recipient_at=None)
    locked = steps.apply(invoice, "T16", actor=actor, updates=updates)
    steps.after_commit(tasks.make_available, locked.pk)
    return locked


def rejection_processing_comment(reason: str | None = "", details: str | None = "") -> str:
    """T17's comment, the same on the portal and through the API (`motifRejet`,
    `cpltInfos`, API.md §6.13): "<motif> : <informations complémentaires>", each optional,
    at most 255 characters each; the stored comment keeps its first 255 characters."""
    parts = []
    for value in (reason, details):
        value = (value or "").strip()
        if len(value) > MAX_REASON:
            raise ReasonRequired(
                _("Le motif ne peut pas dépasser 255 caractères."),
                field="motif",
                code=ReturnCode.FORMAT,
            )
        if value:
            parts.append(value)
    return " : ".join(parts)[:MAX_REASON]


@transaction.atomic
def process_rejection(
    invoice: Invoice, *, actor, comment: str = "", reason: str = "", details: str = ""
) -> Invoice:
    """T17: "Traiter le rejet": no status change, `rejetTraite` becomes true (LIF-7);
    TRAITEMENT_REJET is logged with the optional comment (`reason` and `details` composed
    by `rejection_processing_comment`), after ACQUITTEMENT_REJET when the rejection was not
    acknowledged yet (API.md §6.13)."""
    if reason or details:
        comment = rejection_processing_comment(reason, details)
    locked = steps.lock(invoice)
    if locked.status != S.REJETEE or locked.rejection_processed:
        raise IllegalTransition()
    if R.SUPPLIER not in actor_roles(actor, locked):
        raise NotAllowed()
    comment = steps.clean_reason(comment, required=False)
    if locked.acknowledged_at is None:
        steps.record(
            locked,
            status=locked.status,
            action=ActionCode.ACQUITTEMENT_REJET,
            actor=actor,
            actor_role=R.SUPPLIER,
        )
    locked.rejection_processed = True
    locked.acknowledged_at = locked.acknowledged_at or timezone.now()
    locked.save(update_fields=["rejection_processed", "acknowledged_at", "updated_at"])
    steps.record(
        locked,
        status=locked.status,
        transition="T17",
        action=ActionCode.TRAITEMENT_REJET,
        actor=actor,
        actor_role=R.SUPPLIER,
        comment=comment,
    )
    invoice.refresh_from_db()
    return locked


@transaction.atomic
def acknowledge(invoice: Invoice, *, actor) -> Invoice:
    """LIF-6: the supplier acknowledges a rejection or a suspension (no status change)."""
    locked = steps.lock(invoice)
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
    steps.record(locked, status=locked.status, action=action, actor=actor, actor_role=R.SUPPLIER)
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
            code=ReturnCode.VALIDATOR,
        )
    updates = {
        "validator": validator,
        "validator_service": validator_service,
        "validator_identifier": validator.identifier,
        "validator_name": validator.company_name,
        "deposited_at": timezone.now(),
    }
    return steps.apply(invoice, "T18", actor=actor, updates=updates)


# --- Validator (A9 / A12) ------------------------------------------------------------


@transaction.atomic
def validate(invoice: Invoice, *, actor, message: str = "") -> Invoice:
    """T5 then, after commit, T8 and T4: the invoice goes on to the public recipient."""
    locked = steps.apply(invoice, "T5", actor=actor, comment=message, expected_status=S.A_VALIDER_1)
    steps.after_commit(tasks.forward_after_validation, locked.pk)
    return locked


@transaction.atomic
def refuse(invoice: Invoice, *, actor, reason: str) -> Invoice:
    """T6: reason mandatory; final for the supplier."""
    return steps.apply(invoice, "T6", actor=actor, comment=reason, expected_status=S.A_VALIDER_1)


# --- System --------------------------------------------------------------------------


@transaction.atomic
def expire_validation(invoice: Invoice) -> Invoice | None:
    """T7 then T8 (VAL-5): tacit validation after 15 days. Idempotent."""
    locked = steps.lock(invoice)
    if locked.status != S.A_VALIDER_1:
        return None
    steps.apply(locked, "T7")
    locked = steps.apply(locked, "T8")
    steps.after_commit(tasks.make_available, locked.pk)
    return locked


@transaction.atomic
def forward_after_validation(invoice: Invoice) -> Invoice | None:
    """T8 after T5, idempotent; then T4 after commit."""
    locked = steps.forward(invoice)
    if locked is not None:
        steps.after_commit(tasks.make_available, locked.pk)
    return locked


# --- Recipient -----------------------------------------------------------------------


@transaction.atomic
def take_into_account(invoice: Invoice, *, actor) -> Invoice:
    return steps.apply(invoice, "T9", actor=actor)


@transaction.atomic
def suspend(invoice: Invoice, *, actor, reason: str) -> Invoice:
    return steps.apply(
        invoice, "T10", actor=actor, comment=reason, updates={"acknowledged_at": None}
    )


@transaction.atomic
def send_to_recycle(invoice: Invoice, *, actor, reason: str = "") -> Invoice:
    return steps.apply(invoice, "T11", actor=actor, comment=reason)


@transaction.atomic
def reject(invoice: Invoice, *, actor, reason: str) -> Invoice:
    return steps.apply(
        invoice, "T12", actor=actor, comment=reason, updates={"acknowledged_at": None}
    )


@transaction.atomic
def advance(
    invoice: Invoice, target: str, *, actor, comment: str = "", mandate_number: str = ""
) -> Invoice:
    """T13 / T14: forward along SERVICE_FAIT < MANDATEE < … < MISE_EN_PAIEMENT."""
    mandate_number = (mandate_number or "").strip()
    if len(mandate_number) > MANDATE_MAX:
        raise ReasonRequired(
            _("Le numéro de mandat ne peut pas dépasser %(max)d caractères.")
            % {"max": MANDATE_MAX},
            field="numeroMandat",
            code=ReturnCode.FORMAT,
        )
    updates = {"mandate_number": mandate_number} if target == S.MANDATEE and mandate_number else {}
    if target == S.MISE_EN_PAIEMENT:
        if invoice.status in CHAIN_SOURCES and not reports_payment_status(invoice):
            # RCV-4, said as the API says it (API.md §6.9).
            raise IllegalTransition(_("Le destinataire ne gère pas le statut mise en paiement."))
        return steps.apply(invoice, "T14", actor=actor, comment=comment, updates=updates)
    return steps.apply(invoice, "T13", actor=actor, target=target, comment=comment, updates=updates)


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
    locked = steps.lock(invoice)
    if R.RECIPIENT not in actor_roles(actor, locked) and not recipient_viewer(actor, locked):
        raise NotAllowed()
    if locked.downloaded_by_recipient_at is None:
        locked.downloaded_by_recipient_at = timezone.now()
        locked.save(update_fields=["downloaded_by_recipient_at", "updated_at"])
    steps.record(
        locked,
        status=locked.status,
        action=ActionCode.TELECHARGEMENT_FACTURE,
        actor=actor,
        actor_role=R.RECIPIENT,
    )
