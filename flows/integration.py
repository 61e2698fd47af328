"""FLW-3..FLW-8: a flow's integration, exactly once.

    integrate_flow(flow_id)   claim → read → validate → integrate each invoice → final state

Exactly once even if two workers receive the task: the claim takes the row lock and moves
IN_RECU to IN_EN_COURS_TRAITEMENT_CPP with a timestamp; a second worker finds the flow
claimed and returns. An attempt that crashes releases its claim, and the task retries; the
third failure ends in IN_REJETE "Erreur interne de traitement". Invoices are integrated
in batches, one transaction each (`flows.batch`), and recorded with their rank in the
flow, so a retry skips those already integrated instead of depositing them twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from flows import batch, notices
from flows.enums import FINAL_STATES, ErrorNature, FlowState
from flows.models import Flow, FlowInvoice
from flows.reading import FlowFileError, detect_flow, read_items
from invoicing.rules import memo

MAX_ATTEMPTS = 3  # FLW-3
# Invoices per batch: one transaction each, of a few bulk INSERTs (the invoices are read,
# checked against the lot's files and stored before it opens), so SQLite's single writer
# still lets the web in; large enough to make the per-batch queries negligible.
BATCH = 200
LEASE = timedelta(minutes=15)  # a claim older than this is a dead worker's
INTERNAL_ERROR = "Erreur interne de traitement"
S = FlowState


@dataclass
class Outcome:
    invoice_count: int = 0
    integrated: int = 0
    invoice_errors: list = field(default_factory=list)
    technical_errors: list = field(default_factory=list)

    @property
    def state(self) -> str:
        if self.technical_errors or not self.integrated:
            return S.IN_REJETE
        return S.IN_INTEGRE if self.integrated == self.invoice_count else S.IN_INTEGRE_PARTIEL


def technical_error(code: str, message: str, nature: str = ErrorNature.FICHIER) -> dict:
    return {"codeErreur": code, "libelleErreur": str(message), "natureErreur": str(nature)}


def integrate_flow(flow_id: int) -> Flow | None:
    """The task's body; returns the flow in its final state, or None when there was
    nothing to do (gone, final, or claimed by another worker). Re-raises a crash after
    releasing the claim (the task retries)."""
    flow = _claim(flow_id)
    if flow is None:
        return None
    try:
        with translation.override(settings.LANGUAGE_CODE):
            outcome = _process(flow)
    except Exception:
        _release(flow_id)
        raise
    return _finish(flow_id, outcome)


@transaction.atomic
def _claim(flow_id: int) -> Flow | None:
    flow = Flow.objects.select_for_update(of=("self",)).filter(pk=flow_id).first()
    if flow is None or flow.state in FINAL_STATES:
        return None
    now = timezone.now()
    if flow.claimed_at is not None and now - flow.claimed_at < LEASE:
        return None  # another worker holds it
    if flow.attempts >= MAX_ATTEMPTS:
        _reject_internal(flow)
        return None
    flow.attempts += 1
    flow.claimed_at = now
    if flow.state != S.IN_EN_COURS_TRAITEMENT_CPP:
        flow.state = S.IN_EN_COURS_TRAITEMENT_CPP
        flow.state_changed_at = now
    flow.save(update_fields=["attempts", "claimed_at", "state", "state_changed_at"])
    return flow


@transaction.atomic
def _release(flow_id: int) -> None:
    flow = Flow.objects.select_for_update(of=("self",)).get(pk=flow_id)
    flow.claimed_at = None
    flow.save(update_fields=["claimed_at"])
    if flow.attempts >= MAX_ATTEMPTS and flow.state not in FINAL_STATES:
        _reject_internal(flow)


def _reject_internal(flow: Flow) -> None:
    """FLW-3: the third failed attempt."""
    flow.state = S.IN_REJETE
    flow.state_changed_at = timezone.now()
    flow.claimed_at = None
    flow.technical_errors = [
        *flow.technical_errors,
        technical_error("ERREUR_INTERNE", INTERNAL_ERROR, ErrorNature.TRAITEMENT),
    ]
    flow.integrated_count = FlowInvoice.objects.filter(flow=flow).count()
    flow.save()
    notices.notify_outcome(flow)


@transaction.atomic
def _finish(flow_id: int, outcome: Outcome) -> Flow | None:
    flow = Flow.objects.select_for_update(of=("self",)).get(pk=flow_id)
    if flow.state in FINAL_STATES:
        return None
    flow.state = outcome.state
    flow.state_changed_at = timezone.now()
    flow.claimed_at = None
    flow.invoice_count = outcome.invoice_count
    flow.integrated_count = outcome.integrated
    flow.invoice_errors = outcome.invoice_errors
    flow.technical_errors = outcome.technical_errors
    flow.save()
    notices.notify_outcome(flow)
    return flow


def _process(flow: Flow) -> Outcome:
    outcome = Outcome()
    path = Path(settings.MEDIA_ROOT) / flow.path
    done = set(FlowInvoice.objects.filter(flow=flow).values_list("position", flat=True))
    try:
        # FLW-4 first, over the whole file: a lot with one unreadable entry or an entry
        # of another syntax is rejected before any of its invoices is integrated.
        # The file's detection (for a lot, a scan of every entry) is done once.
        # An XML entry's detection (a whole scan) is kept for the second reading. A
        # Factur-X's is not: keeping it let a lot of large PDFs grow the worker by 25 MB
        # more (measured), for 3 ms an invoice.
        known, rank = {}, 0
        with open(path, "rb") as fh:
            detected = detect_flow(fh)
            for rank, item in enumerate(
                read_items(fh, file_name=flow.file_name, syntax=flow.syntax, detected=detected), 1
            ):
                if item.pdf is None:
                    known[rank] = item.detected
            item = None  # the last entry is not held during the integration
            outcome.invoice_count = rank
        with open(path, "rb") as fh:
            items = enumerate(
                read_items(
                    fh, file_name=flow.file_name, syntax=flow.syntax, detected=detected, known=known
                ),
                1,
            )
            # The lot's reference data (supplier, its bank accounts, recipients and their
            # services) is read once for the whole lot.
            with memo.batch():
                while _integrate_batch(flow, items, done, outcome):
                    pass
    except FlowFileError as exc:
        outcome.technical_errors.append(technical_error(exc.code, exc.message, exc.nature))
    except OSError:
        outcome.technical_errors.append(
            technical_error("fichier_absent", _("Le fichier du flux est introuvable."))
        )
    return outcome


def _integrate_batch(flow: Flow, items, done: set, outcome: Outcome) -> bool:
    """Up to BATCH invoices, written in one transaction (`flows.batch`). False once the
    items are exhausted. A crash loses the batch's invoices whole, and the retry
    integrates them again; those of earlier batches are skipped."""
    state = {"more": True}

    def todo():
        # One item at a time: a lot of large Factur-X files is never held whole.
        for _count in range(BATCH):
            position_item = next(items, None)
            if position_item is None:
                state["more"] = False
                return
            if position_item[0] in done:
                outcome.integrated += 1
            else:
                yield position_item
            position_item = None  # not held while the next entry is read

    results = batch.integrate_batch(flow, todo())
    for position in sorted(results):
        errors = results[position]
        outcome.invoice_errors.extend(errors)  # in the lot's order
        outcome.integrated += not errors
    return state["more"]
