"""Sollicitation use cases (SOL-1 to SOL-7): plain functions, one transaction each,
keyword-only `actor`. The web views call these; nothing else changes a sollicitation.

Every change writes its history entry (author, date) and, in the same transaction, the
activity event of NOT-3 (`notifications.activity`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.documents.files import delete_stored, store_upload, validate_attachment
from notifications import activity
from notifications.models import EventKind
from portal.areas import AreaCode
from requests_app import guided, queries, transitions
from requests_app.enums import SUBCATEGORIES, Action, Category, Side, SolStatus
from requests_app.models import Counter, Entry, EntryFile, Sollicitation
from structures import access

MAX_SUBJECT = 200
MAX_MESSAGE = 5000
MAX_FILES = 5
MAX_TOTAL_SIZE = 120 * 1024 * 1024  # ATT-4, as for a portal entry
OPEN_STATUSES = (
    SolStatus.NOUVELLE,
    SolStatus.EN_COURS,
    SolStatus.EN_ATTENTE_COMPLEMENT,
    SolStatus.RELANCEE,
)


class SollicitationError(ValidationError):
    """A refused input or action: its message is shown to the user, nothing changed."""


# --- Numbering (SOL-7) -----------------------------------------------------------------


def next_number(year: int) -> str:
    """`SOL-<year>-<sequence>`: the year's counter row is locked until the caller's
    transaction ends, so two creations never share a number and a rollback leaves no gap."""
    counter = Counter.objects.select_for_update().filter(year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                Counter.objects.create(year=year, last=0)
        except IntegrityError:  # another transaction created it first
            pass
        counter = Counter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"SOL-{year}-{counter.last:06d}"


# --- Inputs ------------------------------------------------------------------------------


def _clean_text(value: str, *, field: str, label: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise SollicitationError({field: _("%(label)s est obligatoire.") % {"label": label}})
    if len(value) > limit:
        raise SollicitationError(
            {
                field: _("%(label)s ne peut pas dépasser %(max)d caractères.")
                % {"label": label, "max": limit}
            }
        )
    return value


def _check_files(files: Sequence) -> list:
    """§5.5 on every file before anything is stored (ATT-1..ATT-5, dossier total ATT-4)."""
    files = [f for f in files if f]
    if len(files) > MAX_FILES:
        raise SollicitationError(
            {"files": _("Vous pouvez joindre au plus %(max)d fichiers.") % {"max": MAX_FILES}}
        )
    total = 0
    checked = []
    for uploaded in files:
        try:
            item = validate_attachment(uploaded, current_dossier_size=total)
        except ValidationError as exc:
            raise SollicitationError({"files": exc.messages[0]}) from exc
        total += item.size
        if total > MAX_TOTAL_SIZE:
            raise SollicitationError({"files": _("L'ensemble des pièces jointes dépasse 120 Mo.")})
        checked.append((uploaded, item))
    return checked


def _store_files(entry: Entry, checked: list) -> None:
    stored_paths: list[str] = []
    try:
        for uploaded, item in checked:
            stored = store_upload(uploaded, subdir=f"sollicitations/{timezone.localdate():%Y/%m}")
            stored_paths.append(stored.path)
            EntryFile.objects.create(
                entry=entry,
                file_path=stored.path,
                original_name=item.name,
                size=stored.size,
                sha256=stored.sha256,
                content_type=item.content_type,
            )
    except BaseException:
        for path in stored_paths:
            delete_stored(path)
        raise


# --- Routing (§9 table) ------------------------------------------------------------------


def route(category: str, invoice) -> dict:
    """SUIVI_FACTURE: the invoice's recipient service, else the recipient structure; the
    other categories: the support desk."""
    if category == Category.SUIVI_FACTURE:
        return {
            "addressee_structure": getattr(invoice, "recipient", None),
            "addressee_service": getattr(invoice, "recipient_service", None),
            "at_support": False,
        }
    return {"addressee_structure": None, "addressee_service": None, "at_support": True}


# --- Events (NOT-3) -----------------------------------------------------------------------


def _notify(sollicitation: Sollicitation, kind: str, *, to_sender: bool, actor) -> None:
    params = {"number": sollicitation.number, "subject": sollicitation.subject}
    if to_sender:
        activity.record(
            kind,
            structure=sollicitation.sender_structure,
            area=AreaCode.REQUESTS_SENT,
            user=sollicitation.sender,
            link=("requests_app:sent_detail", sollicitation.pk),
            params=params,
            actor=actor,
        )
    elif sollicitation.at_support:  # the support desk's queue (SOL-6)
        activity.record(
            kind,
            structure=sollicitation.sender_structure,
            area=AreaCode.SUPPORT,
            link=("requests_app:support_detail", sollicitation.pk),
            params={**params, "sender": _sender_name(sollicitation)},
            actor=actor,
        )
    elif sollicitation.addressee_structure_id:
        activity.record(
            kind,
            structure=sollicitation.addressee_structure,
            area=AreaCode.REQUESTS_RECEIVED,
            service=sollicitation.addressee_service,
            link=("requests_app:received_detail", sollicitation.pk),
            params=params,
            actor=actor,
        )


def _sender_name(sollicitation: Sollicitation) -> str:
    if sollicitation.sender_structure_id:
        return sollicitation.sender_structure.company_name
    return sollicitation.sender.get_full_name() or sollicitation.sender.email


EVENTS = {  # action -> (event kind, to the sender?)
    Action.CREATE: (EventKind.SOLLICITATION_CREATED, False),
    Action.ANSWER: (EventKind.SOLLICITATION_ANSWERED, True),
    Action.ASK_INFO: (EventKind.SOLLICITATION_INFO_REQUESTED, True),
    Action.RELAUNCH: (EventKind.SOLLICITATION_RELAUNCHED, False),
    Action.TRANSFER: (EventKind.SOLLICITATION_CREATED, False),
}


def _entry(sollicitation, action, side, *, previous, actor, message="", files=()) -> Entry:
    entry = Entry.objects.create(
        sollicitation=sollicitation,
        action=action,
        side=side,
        previous_status=previous or "",
        status=sollicitation.status,
        author=actor,
        message=message,
    )
    if files:
        _store_files(entry, list(files))
    if action in EVENTS:
        kind, to_sender = EVENTS[action]
        _notify(sollicitation, kind, to_sender=to_sender, actor=actor)
    return entry


# --- Use cases ----------------------------------------------------------------------------


@transaction.atomic
def create(
    *,
    actor,
    sender_structure,
    category: str,
    subject: str,
    message: str,
    subcategory: str = "",
    invoice=None,
    files: Iterable = (),
    details: dict | None = None,
) -> Sollicitation:
    """SOL-1: a new sollicitation (NOUVELLE), routed by its category (§9)."""
    if sender_structure is not None and (
        access.area_mode(actor, sender_structure, AreaCode.REQUESTS_SENT) is None
    ):
        raise PermissionDenied(_("Vous n'êtes pas rattaché à cette structure."))
    if category not in Category.values:
        raise SollicitationError({"category": _("Choisissez une catégorie.")})
    if sender_structure is None and not route(category, None)["at_support"]:
        # AREA-1: every user writes to the support desk, even attached to no structure.
        raise SollicitationError(
            {"structure": _("Choisissez la structure émettrice de cette sollicitation.")}
        )
    allowed = SUBCATEGORIES[category]
    subcategory = subcategory or ""
    if allowed and subcategory not in allowed:
        raise SollicitationError({"subcategory": _("Choisissez une sous-catégorie.")})
    if not allowed and subcategory:
        raise SollicitationError({"subcategory": _("Cette catégorie n'a pas de sous-catégorie.")})
    if category == Category.SUIVI_FACTURE:
        if invoice is None:
            raise SollicitationError({"invoice": _("Choisissez la facture concernée.")})
        if invoice.supplier_id != sender_structure.pk:
            raise SollicitationError(
                {"invoice": _("Cette facture n'a pas été émise par la structure émettrice.")}
            )
        if not queries.invoices_for_follow_up(actor).filter(pk=invoice.pk).exists():
            raise SollicitationError(
                {"invoice": _("Cette facture n'est pas une facture de vos structures.")}
            )
    else:
        invoice = None
    try:
        details = guided.clean_details(subcategory, details)
    except ValidationError as exc:
        raise SollicitationError(exc.message_dict) from None
    subject = _clean_text(subject, field="subject", label=_("L'objet"), limit=MAX_SUBJECT)
    message = _clean_text(message, field="message", label=_("Le message"), limit=MAX_MESSAGE)
    checked = _check_files(list(files))
    return open_new(
        actor=actor,
        sender_structure=sender_structure,
        category=category,
        subcategory=subcategory,
        subject=subject,
        message=message,
        invoice=invoice,
        details=details,
        checked=checked,
    )


def open_new(
    *, actor, sender_structure, category, subcategory, subject, message, invoice, details, checked
):
    """Store a checked new sollicitation (NOUVELLE), its first entry and its event."""
    now = timezone.now()
    sollicitation = Sollicitation.objects.create(
        number=next_number(timezone.localdate(now).year),
        category=category,
        subcategory=subcategory,
        subject=subject,
        sender=actor,
        sender_structure=sender_structure,
        invoice=invoice,
        details=details,
        created_at=now,
        status_changed_at=now,
        **route(category, invoice),
    )
    _entry(
        sollicitation,
        Action.CREATE,
        Side.SENDER,
        previous=None,
        actor=actor,
        message=message,
        files=checked,
    )
    return sollicitation


def side_of(actor, sollicitation: Sollicitation) -> str | None:
    """The side `actor` acts on, or None: the sender; the addressee's users within their
    services (like received invoices); the support desk for what is at the support."""
    if sollicitation.sender_id == actor.pk:
        return Side.SENDER
    if sollicitation.at_support:
        return Side.ADDRESSEE if access.is_support(actor) else None
    if queries.received(actor).filter(pk=sollicitation.pk).exists():
        return Side.ADDRESSEE
    return None


@transaction.atomic
def act(
    sollicitation: Sollicitation, action: str, *, actor, message: str = "", files: Iterable = ()
) -> Sollicitation:
    """Every move after creation, through the table of `requests_app.transitions`."""
    locked = Sollicitation.objects.select_for_update().get(pk=sollicitation.pk)
    side = side_of(actor, locked)
    if side is None:
        raise PermissionDenied(_("Vous ne pouvez pas agir sur cette sollicitation."))
    if not transitions.allowed(action, side, locked.status, at_support=locked.at_support):
        raise SollicitationError(
            _("Cette action n'est pas possible pour une sollicitation au statut « %(status)s ».")
            % {"status": locked.get_status_display()}
        )
    transition = transitions.find(action, side)
    if transition.needs_message:
        message = _clean_text(message, field="message", label=_("Le message"), limit=MAX_MESSAGE)
    else:
        message = (message or "").strip()[:MAX_MESSAGE]
    checked = _check_files(list(files))
    previous = locked.status
    locked.status = transition.target
    locked.status_changed_at = timezone.now()
    if action == Action.TRANSFER:  # SOL-5: NOUVELLE again, at the support desk
        locked.at_support = True
    locked.save(update_fields=["status", "status_changed_at", "at_support"])
    _entry(locked, action, side, previous=previous, actor=actor, message=message, files=checked)
    return locked


@transaction.atomic
def carry_out(sollicitation: Sollicitation, *, actor) -> Sollicitation:
    """SOL-3 / SOL-6: the support desk does what a guided request asks (creates the public
    structure, appoints the main manager), then answers it (REPONDUE) saying so."""
    locked = Sollicitation.objects.select_for_update().get(pk=sollicitation.pk)
    if not (locked.at_support and access.is_support(actor)):
        raise PermissionDenied(_("Seul le support peut réaliser cette demande."))
    if not guided.can_carry_out(locked) or not transitions.allowed(
        Action.ANSWER, Side.ADDRESSEE, locked.status
    ):
        raise SollicitationError(_("Cette demande ne peut pas être réalisée."))
    try:
        message = guided.carry_out(locked, actor=actor)
    except ValidationError as exc:
        raise SollicitationError(exc.messages) from None
    return act(locked, Action.ANSWER, actor=actor, message=message)


def open_(sollicitation, *, actor) -> Sollicitation:
    return act(sollicitation, Action.OPEN, actor=actor)


def ask_info(sollicitation, *, actor, message: str, files: Iterable = ()) -> Sollicitation:
    return act(sollicitation, Action.ASK_INFO, actor=actor, message=message, files=files)


def reply(sollicitation, *, actor, message: str, files: Iterable = ()) -> Sollicitation:
    return act(sollicitation, Action.REPLY, actor=actor, message=message, files=files)


def answer(sollicitation, *, actor, message: str, files: Iterable = ()) -> Sollicitation:
    return act(sollicitation, Action.ANSWER, actor=actor, message=message, files=files)


def relaunch(sollicitation, *, actor, message: str, files: Iterable = ()) -> Sollicitation:
    return act(sollicitation, Action.RELAUNCH, actor=actor, message=message, files=files)


def transfer(sollicitation, *, actor, message: str = "") -> Sollicitation:
    return act(sollicitation, Action.TRANSFER, actor=actor, message=message)


def close(sollicitation, *, actor, message: str = "") -> Sollicitation:
    return act(sollicitation, Action.CLOSE, actor=actor, message=message)
