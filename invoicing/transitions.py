"""The invoice life cycle as data: one declarative transition table (DOMAIN §5.9) and who
plays which role on an invoice. `invoicing/workflow.py` runs it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from invoicing.enums import CHAIN_RANK, OPEN_STATUSES, VALIDATION_FRAMES, ActorRole, InvoiceStatus
from invoicing.models import Invoice
from portal.areas import AreaCode, Mode
from structures import access

S = InvoiceStatus
R = ActorRole
NEW = "NEW"  # the "(new)" pseudo-status of the table: an unsaved or draft-less invoice


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
    # Product decision: a refusal because the supplier named the wrong titulaire /
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
    if user is None or not user.is_authenticated:
        return set()
    roles = set()
    if invoice.supplier_id and access.has_area(
        user, invoice.supplier_id, AreaCode.ISSUED, Mode.CHANGE
    ):
        roles.add(R.SUPPLIER)
    if invoice.validator_id and access.has_area(
        user, invoice.validator_id, AreaCode.TO_VALIDATE, Mode.CHANGE
    ):
        roles.add(R.VALIDATOR)
    if (
        invoice.recipient_id
        and access.has_area(user, invoice.recipient_id, AreaCode.RECEIVED, Mode.CHANGE)
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


def recipient_viewer(user, invoice: Invoice) -> bool:
    return (
        bool(invoice.recipient_id)
        and access.has_area(user, invoice.recipient_id, AreaCode.RECEIVED)
        and access.sees_service(user, invoice.recipient_id, invoice.recipient_service_id)
    )
