"""Use cases of the A9 / A12 validation circuit (DOMAIN §6): the validator's lists, the
decision (validate, VAL-3; refuse, VAL-4) with an optional document (VAL-6), and tacit
validation after 15 days (VAL-5).

Status changes go through `invoicing.workflow` (T5, T6, T7 + T8), which locks the row and
checks the transition table and the validator's rights (TO_VALIDATE in modification on the
validator structure, VAL-7).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Prefetch, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from invoicing import queries, tallies, workflow
from invoicing.documents import files
from invoicing.documents.attachments import store_attachment, stored_dossier_size
from invoicing.enums import AttachmentType, Frame, InvoiceStatus
from invoicing.errors import InvoiceError, ReasonRequired, ReturnCode
from invoicing.models import Attachment, Invoice, StatusEvent
from portal.areas import AreaCode, Mode
from structures import access
from validation.enums import RefusalReason

logger = logging.getLogger(__name__)

S = InvoiceStatus
VALIDATION_DELAY = timedelta(days=15)  # §5.10: 15 × 24 h after the deposit
DECISION_TRANSITIONS = ("T5", "T6", "T7")
VALIDATOR_DOCUMENT_DESIGNATION = _("Pièce jointe du valideur")


class ConfirmationRequired(InvoiceError):
    code = ReturnCode.FORMAT
    default_message = _("Cochez la case pour confirmer votre qualité de titulaire / mandataire.")


def confirmation_label(invoice: Invoice) -> str:
    """VAL-3: the box the validator ticks, by frame."""
    if invoice.frame == Frame.A12:
        return str(_("Vous êtes mandataire"))
    return str(_("Vous êtes titulaire"))


# The columns the list rows show (`validation.rows`), the only ones the list reads.
HISTORY_ROW_COLUMNS = ("pk", "number", "supplier_name", "amount_ttc", "currency", "status")
PENDING_ROW_COLUMNS = (
    *HISTORY_ROW_COLUMNS,
    "frame",
    "supplier_identifier",
    "recipient_name",
    "recipient_identifier",
    "deposited_at",
)


def _with_deadline(queryset: QuerySet[Invoice]) -> QuerySet[Invoice]:
    return queryset.annotate(
        deadline=ExpressionWrapper(
            F("deposited_at") + Value(VALIDATION_DELAY), output_field=DateTimeField()
        )
    )


def pending(user) -> QuerySet[Invoice]:
    """A_VALIDER_1 invoices waiting for the user's validator structures, nearest deadline first."""
    return _with_deadline(
        queries.invoices_to_validate(user)
        .filter(status=S.A_VALIDER_1)
        .select_related("validator")
        .order_by("deposited_at", "id")
    )


def decided(user) -> QuerySet[Invoice]:
    """The invoices already decided (validated, refused, tacitly validated), latest first,
    each with its decision event in `decisions` (one extra query for the whole page)."""
    decisions = StatusEvent.objects.filter(transition__in=DECISION_TRANSITIONS).select_related(
        "actor"
    )
    return (
        queries.invoices_to_validate(user)
        .exclude(status=S.A_VALIDER_1)
        .select_related("validator")
        .prefetch_related(Prefetch("events", queryset=decisions, to_attr="decisions"))
        .order_by("-status_changed_at", "-id")
    )


def counts(user) -> dict[str, int]:
    """How many invoices `pending` and `decided` list, from the validator side of the
    status counters (`invoicing.tallies`, exact, one query: issue 10, a contractor with
    tens of thousands of subcontracted invoices)."""
    ids = access.structure_ids_with_area(user, AreaCode.TO_VALIDATE, Mode.VIEW)
    by_status = tallies.validated(ids)
    return {
        "pending": by_status.get(S.A_VALIDER_1, 0),
        "decided": sum(
            n for status, n in by_status.items() if status not in (S.A_VALIDER_1, S.BROUILLON)
        ),
    }


def detail_queryset(user, mode: Mode | str = Mode.VIEW) -> QuerySet[Invoice]:
    return _with_deadline(
        queries.invoices_to_validate(user, mode).select_related(
            "validator", "recipient", "supplier"
        )
    )


def can_decide(user, invoice: Invoice) -> bool:
    return invoice.status == S.A_VALIDER_1 and workflow.ActorRole.VALIDATOR in workflow.actor_roles(
        user, invoice
    )


def _check_document(invoice: Invoice, document):
    """VAL-6: the validator's document follows the attachment rules (ATT-1 to ATT-5)."""
    if document is None:
        return None
    try:
        return files.validate_attachment(
            document, current_dossier_size=stored_dossier_size(invoice)
        )
    except ValidationError as error:
        raise InvoiceError(error.messages[0], field="document") from error


def _attach_document(invoice: Invoice, document, checked, *, actor) -> Attachment:
    """The document joins the invoice dossier, designated as the validator's."""
    return store_attachment(
        document,
        subdir=f"invoices/{invoice.pk}",
        invoice=invoice,
        actor=actor,
        content_type=checked.content_type,
        name=checked.name,
        designation=str(VALIDATOR_DOCUMENT_DESIGNATION),
        attachment_type=AttachmentType.AUTRE,
    )


@transaction.atomic
def validate_invoice(
    invoice: Invoice, *, actor, confirmed: bool, message: str, document=None
) -> Invoice:
    """VAL-3 (portal): the box « Vous êtes titulaire / mandataire » and the « Complément
    d'information » message are required; then T5, and after commit T8 and T4."""
    if not confirmed:
        raise ConfirmationRequired(field="confirmed")
    if not (message or "").strip():
        raise ReasonRequired(
            _("Le complément d'information est obligatoire."),
            field="message",
            code=ReturnCode.REASON_REQUIRED,
        )
    checked = _check_document(invoice, document)
    locked = workflow.validate(invoice, actor=actor, message=message)
    if checked is not None:
        _attach_document(locked, document, checked, actor=actor)
    return locked


@transaction.atomic
def decide_prepared(
    invoice: Invoice, *, actor, accept: bool, reason: str = "", message: str = "", document_id=None
) -> Invoice:
    """API `traiter/factureAValider` (VAL-3, VAL-4, VAL-6): the message is optional, the
    reason of a refusal is a code of the list or free text, and the document is a file
    uploaded before with `ajouter/fichier` by the same caller."""
    document = None
    if document_id is not None:
        document = Attachment.objects.filter(
            pk=document_id, invoice__isnull=True, uploaded_by=actor
        ).first()
        if document is None:
            raise InvoiceError(
                _("La pièce jointe %(id)s est inconnue.") % {"id": document_id},
                field="idPieceJointe",
                code=ReturnCode.UNKNOWN_ATTACHMENT,
            )
    if accept:
        locked = workflow.validate(invoice, actor=actor, message=(message or "").strip())
    else:
        code = (reason or "").strip()
        text = refusal_text(code) if code in RefusalReason.values else code
        locked = workflow.refuse(invoice, actor=actor, reason=text)
    if document is not None:
        document.invoice = locked
        document.designation = str(VALIDATOR_DOCUMENT_DESIGNATION)
        document.attachment_type = AttachmentType.AUTRE
        document.save(update_fields=["invoice", "designation", "attachment_type"])
    return locked


def refusal_text(reason: str, details: str = "") -> str:
    """The comment the supplier reads: the reason's label, then the free text."""
    try:
        label = str(RefusalReason(reason).label)
    except ValueError:
        label = ""
    details = (details or "").strip()
    if label and details:
        return f"{label} : {details}"
    return label or details


@transaction.atomic
def refuse_invoice(
    invoice: Invoice, *, actor, reason: str, details: str = "", document=None
) -> Invoice:
    """VAL-4: a reason from the list (free text required for "Autre"); T6, final."""
    if reason == RefusalReason.OTHER and not (details or "").strip():
        raise ReasonRequired(
            _("Précisez le motif du refus."), field="details", code=ReturnCode.REASON_REQUIRED
        )
    checked = _check_document(invoice, document)
    locked = workflow.refuse(invoice, actor=actor, reason=refusal_text(reason, details))
    if checked is not None:
        _attach_document(locked, document, checked, actor=actor)
    return locked


# --- Tacit validation (VAL-5) -----------------------------------------------------------


def expired_ids(now=None) -> list[int]:
    now = now or timezone.now()
    return list(
        Invoice.objects.filter(status=S.A_VALIDER_1, deposited_at__lte=now - VALIDATION_DELAY)
        # Oldest first, from the small `inv_val_pending` index (issue 10): with the model's
        # default order (latest change first) PostgreSQL read the pending invoices through
        # the status index to skip a sort, 60 ms to 1.2 s on the 2,000,000-invoice bench.
        .order_by("deposited_at")
        .values_list("pk", flat=True)
    )


def expire_pending_validations(now=None) -> int:
    """T7 then T8 (and T4 after commit) for every invoice left 15 days in A_VALIDER_1,
    each in its own transaction. Idempotent: `workflow.expire_validation` moves only an
    invoice still in A_VALIDER_1 (row locked), so a second run moves nothing.

    Runs whether or not anybody holds TO_VALIDATE on the validator structure (VAL-7).
    Returns how many invoices moved.
    """
    moved = 0
    for invoice_id in expired_ids(now):
        invoice = Invoice.objects.filter(pk=invoice_id).first()
        if invoice is None:
            continue
        try:
            if workflow.expire_validation(invoice) is not None:
                moved += 1
        except InvoiceError:
            logger.exception("Tacit validation of invoice %s failed", invoice_id)
    return moved
