"""Use cases of the Received invoices area (DOMAIN §7): the lists a public reviewer works
from, the actions offered on one invoice, bulk processing, and the dossier download.

Every invoice is fetched through `queries.received_invoices` (RECEIVED structures, service
scope SRV-3, RCV-2 hidden statuses); every status change goes through
`workflow.process_received`, which locks the row and checks the transition table.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import (
    BooleanField,
    Case,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from invoicing import detail_reads, queries, tallies, workflow
from invoicing.documents import files
from invoicing.documents.attachments import dossier_size
from invoicing.enums import RECIPIENT_TO_PROCESS, InvoiceStatus
from invoicing.errors import InvoiceError, NotFound, ReturnCode
from invoicing.models import Invoice
from portal.areas import AreaCode, Mode
from structures import access

S = InvoiceStatus

# The recipient's actions, in the order of the life cycle, with their UI label (§5.9).
ACTION_LABELS: dict[str, object] = {
    S.PRISE_EN_COMPTE_DESTINATAIRE: _("Prendre en compte"),
    S.SUSPENDUE: _("Suspendre"),
    S.A_RECYCLER: _("Mettre à recycler"),
    S.REJETEE: _("Rejeter"),
    S.SERVICE_FAIT: _("Service fait"),
    S.MANDATEE: _("Mandatée"),
    S.MISE_A_DISPOSITION_COMPTABLE: _("Mise à disposition du comptable"),
    S.COMPTABILISEE: _("Comptabilisée"),
    S.MISE_EN_PAIEMENT: _("Mise en paiement"),
}
# What the choice says beside the label (T10, T11, T12, LIF-2).
ACTION_HINTS: dict[str, object] = {
    S.SUSPENDUE: _("motif obligatoire"),
    S.A_RECYCLER: _("motif facultatif, le fournisseur pourra corriger l'adressage"),
    S.REJETEE: _("motif obligatoire, définitif"),
    S.MANDATEE: _("numéro de mandat facultatif"),
}
REASON_REQUIRED = frozenset({S.SUSPENDUE, S.REJETEE})  # T10, T12
CONFIRMATION_REQUIRED = frozenset({S.REJETEE})  # final (LIF-5)
# "Synthèse": what still waits for the reviewer (open statuses and the chain before payment).
TO_PROCESS = tuple(sorted(RECIPIENT_TO_PROCESS))  # sorted: the partial index, word for word
DEFAULT_PAYMENT_DELAY = 30


def action_label(target: str) -> str:
    return str(ACTION_LABELS.get(target, target))


def _choice_label(target: str) -> str:
    hint = ACTION_HINTS.get(target)
    return f"{action_label(target)} ({hint})" if hint else action_label(target)


def action_choices(invoice: Invoice) -> list[tuple[str, str]]:
    """Exactly the statuses the transition table allows from the current one (RCV-3);
    MISE_EN_PAIEMENT only when the recipient reports payment status (RCV-4)."""
    allowed = set(workflow.recipient_targets(invoice))
    return [(target, _choice_label(target)) for target in ACTION_LABELS if target in allowed]


def bulk_choices() -> list[tuple[str, str]]:
    return [(target, _choice_label(target)) for target in ACTION_LABELS]


def can_process(user, invoice: Invoice) -> bool:
    """Modification mode on the recipient structure, within the user's services."""
    return workflow.ActorRole.RECIPIENT in workflow.actor_roles(user, invoice)


def can_process_any(user) -> bool:
    return bool(access.structure_ids_with_area(user, AreaCode.RECEIVED, Mode.CHANGE))


# --- Lists ----------------------------------------------------------------------------


def with_due_dates(queryset: QuerySet[Invoice], user=None) -> QuerySet[Invoice]:
    """Annotates `due_at` (the stored due date, DOMAIN §5.10) and `is_overdue` (an invoice
    still to process whose due date is past, in the portal's time zone)."""
    today = timezone.localdate()
    return queryset.annotate(
        due_at=F("due_date"),
        is_overdue=Case(
            When(Q(due_date__lt=today) & Q(status__in=TO_PROCESS), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def is_overdue(invoice, today) -> bool:
    """`with_due_dates`' `is_overdue`, on an invoice or a row read without it."""
    return (
        invoice.due_date is not None and invoice.due_date < today and invoice.status in TO_PROCESS
    )


def list_queryset(
    user, mode: Mode | str = Mode.VIEW, scope: dict | None = None
) -> QuerySet[Invoice]:
    """Received invoices with what a list row shows, in a constant number of queries.
    `scope`: the user's `scope` (VIEW mode) when the caller already read it."""
    invoices = (
        queries.received_invoices(user, mode) if scope is None else queries.received_in_scope(scope)
    )
    return with_due_dates(invoices.select_related("recipient", "recipient_service"), user)


# What a list row shows (`invoicing.received.rows`): a row reads these columns only (issue
# 10: 25 rows of 108 columns, invoice, recipient and service, cost more to load than to show).
ROW_COLUMNS = (
    "pk",
    "number",
    "downloaded_by_recipient_at",
    "recipient_id",
    "recipient__company_name",
    "due_date",
    "supplier_name",
    "supplier_identifier",
    "recipient_service_code",
    "deposited_at",
    "amount_ttc",
    "currency",
    "status",
)


def for_rows(queryset: QuerySet[Invoice]) -> QuerySet:
    """`queryset` (of `list_queryset` / `to_process`) reading only what a list row shows,
    as named tuples of `ROW_COLUMNS` (the recipient's name joined, the due-date annotations
    left to `is_overdue`): no model instance is built for a row."""
    return queryset.select_related(None).values_list(*ROW_COLUMNS, named=True)


def scope(user) -> dict[int, set[int] | None]:
    """The user's RECEIVED structures and services (`queries.received_scope`), read once by
    the Synthèse for its list and its counts."""
    return queries.received_scope(user)


def to_process(user, scope: dict | None = None) -> QuerySet[Invoice]:
    """The "Synthèse": invoices waiting for the reviewer, overdue (earliest due) first."""
    invoices = (
        list_queryset(user)
        if scope is None
        else with_due_dates(
            queries.received_in_scope(scope).select_related("recipient", "recipient_service")
        )
    )
    return invoices.filter(status__in=TO_PROCESS).order_by(F("due_date").asc(nulls_last=True), "id")


def scope_count(scope: dict[int, set[int] | None], status: str | None = None) -> int:
    """How many invoices `queries.received_in_scope(scope)` holds (in `status`), from the
    status counters: one read of a few rows, exact, whatever the recipient's size."""
    by_status = tallies.received(scope)
    return by_status.get(status, 0) if status else sum(by_status.values())


def synthesis_counts(user, scope: dict | None = None) -> dict[str, int | bool]:
    """How many invoices wait, how many of them are overdue, how many are suspended, exact,
    from the status counters (`invoicing.tallies`: the "R" keys by status, the "D" keys by
    due date) in one read of a few rows whatever the recipient's size (issue 10: counting
    a big recipient's waiting invoices by due date read 20,000 index entries per page)."""
    if scope is None:
        scope = queries.received_scope(user)
    by_status, not_due = tallies.received_and_due(scope, timezone.localdate())
    waiting = sum(by_status.get(status, 0) for status in TO_PROCESS)
    return {
        "waiting": waiting,
        "overdue": max(0, waiting - not_due),  # one snapshot: never negative, belt and braces
        "suspended": by_status.get(S.SUSPENDUE, 0),
    }


DETAIL_RELATED = ("recipient", "recipient_service", "supplier", "validator")


def visible_invoice(user, pk: int, related: tuple[str, ...] = DETAIL_RELATED) -> Invoice | None:
    """`detail_queryset(user).get(pk=pk)`, or None, with its attachments, lines and VAT
    lines read: primary-key reads prepared once per connection (`detail_reads`), then the
    user's scope checked on the row (`queries.in_received_scope`)."""
    invoice = detail_reads.invoice(pk, related)
    if invoice is None or not queries.in_received_scope(queries.received_scope(user), invoice):
        return None
    invoice.due_at = invoice.due_date
    invoice.is_overdue = is_overdue(invoice, timezone.localdate())
    detail_reads.load_children(invoice)
    return invoice


def detail_queryset(
    user, mode: Mode | str = Mode.VIEW, related: tuple[str, ...] = DETAIL_RELATED
) -> QuerySet[Invoice]:
    return with_due_dates(queries.received_invoices(user, mode).select_related(*related), user)


# --- Processing -----------------------------------------------------------------------


def process_one(
    invoice: Invoice,
    target: str,
    *,
    actor,
    reason: str = "",
    mandate_number: str = "",
) -> Invoice:
    """One recipient action; the workflow locks the row and raises a domain error
    (IllegalTransition, StatusChangedMeanwhile, ReasonRequired, NotAllowed)."""
    if target != S.MANDATEE:
        mandate_number = ""
    return workflow.process_received(
        invoice, target, actor=actor, reason=reason, mandate_number=mandate_number
    )


@dataclass(frozen=True)
class BulkResult:
    invoice_id: int
    number: str
    done: bool
    message: str = ""


def process_many(
    invoice_ids: Iterable[int],
    target: str,
    *,
    actor,
    reason: str = "",
    mandate_number: str = "",
) -> list[BulkResult]:
    """Several invoices at once, each in its own transaction: one refusal (an illegal
    transition from its status, a status changed meanwhile) leaves the others done.

    Scoped by `received_invoices(actor, "change")`: an id out of the actor's scope is
    reported as unknown, never processed, and nothing about it is revealed.
    """
    wanted = []
    for raw in invoice_ids:
        try:
            value = int(raw)
        except (TypeError, ValueError):
            continue
        if value not in wanted:
            wanted.append(value)
    found = {
        invoice.pk: invoice
        for invoice in queries.received_invoices(actor, Mode.CHANGE).filter(pk__in=wanted)
    }
    results = []
    for invoice_id in wanted:
        invoice = found.get(invoice_id)
        if invoice is None:
            results.append(BulkResult(invoice_id, "", False, str(NotFound.default_message)))
            continue
        try:
            with transaction.atomic():
                process_one(
                    invoice, target, actor=actor, reason=reason, mandate_number=mandate_number
                )
        except InvoiceError as error:
            results.append(BulkResult(invoice_id, invoice.number, False, str(error.message)))
        else:
            results.append(BulkResult(invoice_id, invoice.number, True))
    return results


# --- Download (RCV-6) -----------------------------------------------------------------


class DossierTooLarge(InvoiceError):
    code = ReturnCode.FORMAT
    default_message = _("Le dossier dépasse 120 Mo : téléchargez les pièces une par une.")


class NothingToDownload(InvoiceError):
    code = ReturnCode.NOT_FOUND
    default_message = _("Aucun fichier n'est attaché à cette facture.")


MISSING_NOTE_NAME = "FICHIERS-MANQUANTS.txt"


def _missing_note(names: list[str]) -> str:
    lines = [str(_("Ces fichiers du dossier sont introuvables sur le serveur :")), *names]
    return "\n".join(lines) + "\n"


def dossier_file(invoice: Invoice, *, actor):
    """The invoice's files in one zip (the main file first), as an open temporary file.

    Marks the invoice "téléchargée par le destinataire" and logs TELECHARGEMENT_FACTURE
    (RCV-6); a dossier above 120 MB is refused.
    """
    attachments = list(invoice.attachments.all())
    if not attachments:
        raise NothingToDownload()
    if dossier_size(attachments) > files.MAX_DOSSIER_SIZE:
        raise DossierTooLarge()
    archive = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    used: set[str] = set()
    missing: list[str] = []
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for attachment in attachments:
            name = files.sanitize_filename(attachment.original_name)
            stem, dot, extension = name.rpartition(".")
            candidate, counter = name, 1
            while candidate in used:
                counter += 1
                candidate = f"{stem}-{counter}.{extension}" if dot else f"{name}-{counter}"
            used.add(candidate)
            try:
                zipped.write(files.resolve_stored_path(attachment.path), arcname=candidate)
            except OSError:
                # Issue 9: a stored file gone from the disk is skipped and named in a note,
                # the others are still delivered (closing the archive here broke the zip).
                missing.append(candidate)
        if missing and len(missing) < len(attachments):
            zipped.writestr(MISSING_NOTE_NAME, _missing_note(missing))
    if missing and len(missing) == len(attachments):
        archive.close()
        raise NothingToDownload()
    archive.seek(0)
    workflow.mark_downloaded(invoice, actor=actor)
    return archive
