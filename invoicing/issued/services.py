"""Use cases of the Issued invoices area (supplier side): the Synthèse, the search, the
supplier's actions on an invoice, and the acknowledgement pop-up (LIF-6).

Status changes go through `invoicing.workflow` only; this module adds what the screens need
around them: the status the user saw (a double click or a colleague acting first is told,
nothing happens twice), the routing re-check of a recycled invoice (T16: INV-3/4), the
validator check of T18 (VAL-1) and the files added when completing a suspended invoice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from commitments import rules as commitment_rules
from invoicing import queries, tallies, workflow
from invoicing.documents.attachments import store_attachment
from invoicing.enums import ActorRole, InvoiceStatus
from invoicing.errors import (
    IllegalTransition,
    InvoiceValidationError,
    StatusChangedMeanwhile,
)
from invoicing.indexes import NEEDING_SUPPLIER
from invoicing.issued.acknowledgements import ACKNOWLEDGEABLE
from invoicing.models import Attachment, Invoice
from invoicing.parties import recipient_snapshot
from invoicing.rules import routing as routing_rules

logger = logging.getLogger(__name__)

S = InvoiceStatus
SUPPLIER_TRANSITIONS = ("T15", "T16", "T17", "T18")
# The Synthèse shows the most recent, a list page's worth (issue 10: it showed a hundred,
# the page's main cost); it says so when there are more, and Rechercher has them all.
MAX_NEEDING_ATTENTION = 25
# What the Synthèse's rows show (`invoicing.issued.rows`): not 60 columns each, read as
# named tuples (no model instance per row: issue 10).
ATTENTION_COLUMNS = (
    "pk",
    "number",
    "recipient_name",
    "amount_ttc",
    "currency",
    "status",
    "status_changed_at",
    "status_comment",
    "rejection_processed",
    "supplier__company_name",
)


# --- Synthèse ------------------------------------------------------------------------


@dataclass
class Synthesis:
    counts: list[tuple[str, str, int]]  # (status code, label, count), table order
    total: int
    suspended: list[Invoice] = field(default_factory=list)
    to_recycle: list[Invoice] = field(default_factory=list)
    rejected: list[Invoice] = field(default_factory=list)
    refused: list[Invoice] = field(default_factory=list)
    drafts: list[Invoice] = field(default_factory=list)
    more: bool = False  # more wait than the MAX_NEEDING_ATTENTION shown

    @property
    def needs_attention(self) -> int:
        return sum(
            len(group) for group in (self.suspended, self.to_recycle, self.rejected, self.refused)
        )


def needing_supplier_q() -> Q:
    """What waits for the supplier: suspended, to recycle, rejected and not yet processed
    (LIF-7: acknowledging does not remove it, "Traiter le rejet" does), refused by the
    validator (T18), and drafts. The condition of the partial index that serves the
    Synthèse's list (`indexes.inv_iss_attention`), word for word."""
    return NEEDING_SUPPLIER


def synthesis(invoices: QuerySet[Invoice], supplier_ids) -> Synthesis:
    """Counts by status of the `supplier_ids` structures, read from the status counters
    (`invoicing.tallies`: a handful of rows, not the supplier's invoices, issue 10), and the
    invoices that need the supplier (one query) among `invoices` (the same structures)."""
    raw = tallies.issued(supplier_ids)
    counts = [(s.value, s.label, raw[s.value]) for s in InvoiceStatus if raw.get(s.value)]
    result = Synthesis(counts=counts, total=sum(raw.values()))
    rows = (
        invoices.filter(needing_supplier_q())
        .order_by("-status_changed_at", "-id")
        .values_list(*ATTENTION_COLUMNS, named=True)[: MAX_NEEDING_ATTENTION + 1]
    )
    groups = {
        S.SUSPENDUE: result.suspended,
        S.A_RECYCLER: result.to_recycle,
        S.REJETEE: result.rejected,
        S.REFUSEE_1: result.refused,
        S.BROUILLON: result.drafts,
    }
    rows = list(rows)
    result.more = len(rows) > MAX_NEEDING_ATTENTION
    for invoice in rows[:MAX_NEEDING_ATTENTION]:
        groups[invoice.status].append(invoice)
    return result


# --- Rechercher ----------------------------------------------------------------------

SORT_FIELDS = {
    "status_changed_at": "status_changed_at",
    "invoice_date": "invoice_date",
    "deposited_at": "deposited_at",
    "number": "number",
    "amount_ttc": "amount_ttc",
    "status": "status",
}
DEFAULT_SORT = "status_changed_at"


# What a Rechercher row shows (`invoicing.issued.rows.search_rows`), the only columns read.
SEARCH_ROW_COLUMNS = (
    "pk",
    "number",
    "invoice_date",
    "supplier_id",
    "supplier__company_name",
    "recipient_name",
    "recipient_identifier",
    "frame",
    "amount_ttc",
    "currency",
    "status",
    "status_changed_at",
)


def searches_a_part(criteria: dict) -> bool:
    """A number or recipient-name part: a filter no index narrows within the supplier's
    invoices (the list then counts up to `pagination.NAME_PART_CAP` only, issue 10)."""
    recipient = (criteria.get("recipient") or "").strip()
    if recipient and not queries.is_identifier_start(recipient):
        return True
    return bool(criteria.get("number"))


def search(invoices: QuerySet[Invoice], criteria: dict) -> QuerySet[Invoice]:
    """Filters of the Rechercher tab; criteria come from `IssuedSearchForm.cleaned_data`."""
    qs = invoices
    if criteria.get("structure"):
        qs = qs.filter(supplier_id=criteria["structure"])
    if criteria.get("number"):
        qs = qs.filter(number__icontains=criteria["number"])
    if criteria.get("status"):
        qs = qs.filter(status=criteria["status"])
    if criteria.get("recipient"):
        qs = qs.filter(queries.party_search("recipient", criteria["recipient"]))
    if criteria.get("frame"):
        qs = qs.filter(frame=criteria["frame"])
    if criteria.get("invoice_date_from"):
        qs = qs.filter(invoice_date__gte=criteria["invoice_date_from"])
    if criteria.get("invoice_date_to"):
        qs = qs.filter(invoice_date__lte=criteria["invoice_date_to"])
    if criteria.get("deposit_date_from"):
        qs = qs.filter(queries.on_or_after("deposited_at", criteria["deposit_date_from"]))
    if criteria.get("deposit_date_to"):
        qs = qs.filter(queries.on_or_before("deposited_at", criteria["deposit_date_to"]))
    if criteria.get("amount_min") is not None:
        qs = qs.filter(amount_ttc__gte=criteria["amount_min"])
    if criteria.get("amount_max") is not None:
        qs = qs.filter(amount_ttc__lte=criteria["amount_max"])
    sort = SORT_FIELDS.get(criteria.get("sort") or DEFAULT_SORT, DEFAULT_SORT)
    descending = (criteria.get("direction") or "desc") == "desc"
    prefix = "-" if descending else ""
    return qs.select_related("supplier").order_by(f"{prefix}{sort}", f"{prefix}id")


# --- The invoice page ----------------------------------------------------------------


def supplier_actions(user, invoice: Invoice) -> dict[str, bool]:
    """The supplier's actions the page offers now (modification mode only; the table of
    `workflow.available_transitions` decides, plus the acknowledgement of LIF-6)."""
    codes = {
        t.code
        for t in workflow.available_transitions(user, invoice)
        if t.actor == ActorRole.SUPPLIER
    }
    is_supplier = ActorRole.SUPPLIER in workflow.actor_roles(user, invoice)
    return {
        "complete": "T15" in codes,
        "recycle": "T16" in codes,
        "process_rejection": "T17" in codes and not invoice.rejection_processed,
        "correct_validator": "T18" in codes,
        "acknowledge": is_supplier
        and invoice.status in ACKNOWLEDGEABLE
        and invoice.acknowledged_at is None,
    }


def _check_expected(invoice: Invoice, expected_status: str | None) -> None:
    """The page was shown for `expected_status`: if the invoice moved since (a double click,
    a colleague, the recipient), say so and do nothing."""
    if expected_status and invoice.status != expected_status:
        raise StatusChangedMeanwhile()


@dataclass
class NewAttachment:
    uploaded_file: object  # an UploadedFile
    designation: str
    attachment_type: str
    content_type: str = ""


def _media_path(relative: str) -> Path:
    return Path(settings.MEDIA_ROOT) / relative


@transaction.atomic
def complete_suspended(
    invoice: Invoice,
    *,
    actor,
    comment: str = "",
    attachments: list[NewAttachment] | None = None,
    expected_status: str | None = S.SUSPENDUE,
) -> Invoice:
    """T15: attachments and/or a comment complete a SUSPENDUE invoice (→ COMPLETEE).

    The transition runs first (row lock, role and table checks), then the files are
    stored and linked in the same transaction; a failure removes the files already written.
    """

    attachments = attachments or []
    _check_expected(invoice, expected_status)
    locked = workflow.complete(
        invoice, actor=actor, comment=comment, has_new_attachment=bool(attachments)
    )
    stored: list[Attachment] = []
    try:
        for item in attachments:
            stored.append(
                store_attachment(
                    item.uploaded_file,
                    subdir=f"invoices/{locked.pk}",
                    invoice=locked,
                    actor=actor,
                    content_type=item.content_type,
                    designation=item.designation,
                    attachment_type=item.attachment_type,
                )
            )
    except Exception:
        for attachment in stored:
            _media_path(attachment.path).unlink(missing_ok=True)
        raise
    return locked


@transaction.atomic
def recycle_invoice(
    invoice: Invoice,
    *,
    actor,
    recipient_identifier: str,
    service_code: str,
    engagement_number: str,
    expected_status: str | None = S.A_RECYCLER,
) -> Invoice:
    """T16: only the recipient SIRET, service code and engagement number change; INV-3/4
    are checked again (`routing_rules.check_routing`), then the invoice is deposited again at the
    new recipient (the deposit date becomes the recycle date, LIF-4) and made available."""

    _check_expected(invoice, expected_status)
    engagement_number = (engagement_number or "").strip()
    routing = routing_rules.check_routing(
        supplier=invoice.supplier,
        recipient_identifier=(recipient_identifier or "").strip(),
        service_code=(service_code or "").strip(),
        engagement_number=engagement_number,
    )
    updates = recipient_snapshot(routing.recipient, routing.recipient_service)
    updates["engagement_number"] = engagement_number
    locked = workflow.recycle(invoice, actor=actor, routing=updates)
    # EJ-4: the commitment link follows the new routing (or goes).
    commitment_rules.link_invoice(locked)
    return locked


@transaction.atomic
def process_rejection(invoice: Invoice, *, actor, reason: str = "", details: str = "") -> Invoice:
    """T17 "Traiter le rejet", idempotent: a second click finds it done and does nothing.
    The optional reason and details are stored as the API's `traiterRejet` stores them."""
    if invoice.status == S.REJETEE and invoice.rejection_processed:
        return invoice
    try:
        return workflow.process_rejection(invoice, actor=actor, reason=reason, details=details)
    except IllegalTransition:
        invoice.refresh_from_db()
        if invoice.status == S.REJETEE and invoice.rejection_processed:
            return invoice
        raise


def acknowledge(invoice: Invoice, *, actor) -> Invoice:
    """LIF-6 for one invoice (idempotent in the workflow)."""
    return workflow.acknowledge(invoice, actor=actor)


def find_validator(identifier: str, *, supplier_id: int):
    """VAL-1: the validator is an active structure other than the supplier."""

    identifier = "".join((identifier or "").split())
    if not identifier:
        raise InvoiceValidationError(
            {"validator_identifier": [_("Saisissez le SIRET du titulaire ou du mandataire.")]}
        )
    validator = routing_rules.find_active_structure(identifier)
    if validator is None:
        raise InvoiceValidationError(
            {
                "validator_identifier": [
                    _("Aucune structure active ne porte cet identifiant dans Chorus Pro.")
                ]
            }
        )
    if validator.pk == supplier_id:
        raise InvoiceValidationError(
            {
                "validator_identifier": [
                    _("Le valideur doit être une structure différente du fournisseur.")
                ]
            }
        )
    return validator


@transaction.atomic
def correct_validator(
    invoice: Invoice,
    *,
    actor,
    validator_identifier: str,
    expected_status: str | None = S.REFUSEE_1,
) -> Invoice:
    """T18: a refused A9/A12 invoice goes to a corrected validator (back to A_VALIDER_1)."""
    _check_expected(invoice, expected_status)
    validator = find_validator(validator_identifier, supplier_id=invoice.supplier_id)
    return workflow.correct_validator(invoice, actor=actor, validator=validator)
