"""The transition table of DOMAIN §5.9, checked exhaustively: every allowed move, and every
other (from, to, actor) combination refused."""

from __future__ import annotations

import itertools

import pytest

from invoicing import workflow
from invoicing.enums import ActorRole, Frame, InvoiceStatus
from invoicing.models import Invoice
from structures.models import Service, Structure

S = InvoiceStatus
SUP, VAL, REC, SYS = (
    ActorRole.SUPPLIER,
    ActorRole.VALIDATOR,
    ActorRole.RECIPIENT,
    ActorRole.SYSTEM,
)
OPEN = [S.MISE_A_DISPOSITION, S.COMPLETEE, S.PRISE_EN_COMPTE_DESTINATAIRE]
CHAIN = [S.SERVICE_FAIT, S.MANDATEE, S.MISE_A_DISPOSITION_COMPTABLE, S.COMPTABILISEE]


def expected_moves(frame: str, reports_payment: bool) -> set[tuple[str, str, ActorRole]]:
    """Written from the DOMAIN table, independently of workflow.TABLE."""
    moves: set[tuple[str, str, ActorRole]] = set()
    send_target = S.A_VALIDER_1 if frame in (Frame.A9, Frame.A12) else S.DEPOSEE
    moves.add((S.BROUILLON, send_target, SUP))  # T2 / T3 from a draft
    moves.add((S.DEPOSEE, S.MISE_A_DISPOSITION, SYS))  # T4
    moves.add((S.A_VALIDER_1, S.VALIDEE_1, VAL))  # T5
    moves.add((S.A_VALIDER_1, S.REFUSEE_1, VAL))  # T6
    moves.add((S.A_VALIDER_1, S.ABSENCE_VALIDATION_1_HORS_DELAI, SYS))  # T7
    moves.add((S.VALIDEE_1, S.DEPOSEE, SYS))  # T8
    moves.add((S.ABSENCE_VALIDATION_1_HORS_DELAI, S.DEPOSEE, SYS))  # T8
    moves.add((S.MISE_A_DISPOSITION, S.PRISE_EN_COMPTE_DESTINATAIRE, REC))  # T9
    moves.add((S.COMPLETEE, S.PRISE_EN_COMPTE_DESTINATAIRE, REC))  # T9
    for source in [*OPEN, S.SERVICE_FAIT]:  # T10, T11, T12
        for target in (S.SUSPENDUE, S.A_RECYCLER, S.REJETEE):
            moves.add((source, target, REC))
    ranks = {status: rank for rank, status in enumerate(CHAIN, start=1)}
    ranks[S.MISE_EN_PAIEMENT] = 5
    for source in OPEN + CHAIN:  # T13, T14
        source_rank = ranks.get(source, 0)
        for target, rank in ranks.items():
            if rank > source_rank and (target != S.MISE_EN_PAIEMENT or reports_payment):
                moves.add((source, target, REC))
    moves.add((S.SUSPENDUE, S.COMPLETEE, SUP))  # T15
    moves.add((S.A_RECYCLER, S.DEPOSEE, SUP))  # T16
    moves.add((S.REJETEE, S.REJETEE, SUP))  # T17 (no status change)
    if frame in (Frame.A9, Frame.A12):
        moves.add((S.REFUSEE_1, S.A_VALIDER_1, SUP))  # T18 (issue 5: corrected validator)
    return moves


def unsaved_invoice(status: str, frame: str, reports_payment: bool) -> Invoice:
    recipient = Structure(payment_status_not_reported=not reports_payment)
    invoice = Invoice(pk=1, status=status, frame=frame, recipient=recipient)
    return invoice


@pytest.mark.parametrize("frame", [Frame.A1, Frame.A2, Frame.A9, Frame.A12])
@pytest.mark.parametrize("reports_payment", [True, False])
def test_transition_table_matches_domain_exhaustively(frame, reports_payment):
    expected = expected_moves(frame, reports_payment)
    actual = set()
    for source, target, role in itertools.product(
        InvoiceStatus, InvoiceStatus, [SUP, VAL, REC, SYS]
    ):
        invoice = unsaved_invoice(source, frame, reports_payment)
        if workflow.is_allowed(invoice, target, role):
            actual.add((source.value, target.value, role))
    expected = {(s.value if hasattr(s, "value") else s, t, r) for s, t, r in expected}
    expected = {(s, t.value if hasattr(t, "value") else t, r) for s, t, r in expected}
    assert actual - expected == set(), "moves allowed that DOMAIN §5.9 does not list"
    assert expected - actual == set(), "moves of DOMAIN §5.9 that the table refuses"


@pytest.mark.parametrize("frame", [Frame.A1, Frame.A9])
def test_new_invoice_can_only_be_saved_or_sent(frame):
    invoice = Invoice(status=S.BROUILLON, frame=frame)  # unsaved: the "(new)" pseudo-status
    allowed = {t.code for t in workflow.TABLE if t.allows(invoice)}
    assert allowed == {"T1", "T3" if frame == Frame.A9 else "T2"}


def test_payment_status_service_flag_disables_mise_en_paiement():
    service = Service(payment_status_managed=False)
    invoice = Invoice(
        pk=1,
        status=S.SERVICE_FAIT,
        frame=Frame.A1,
        recipient=Structure(payment_status_not_reported=False),
        recipient_service=service,
    )
    assert not workflow.is_allowed(invoice, S.MISE_EN_PAIEMENT, REC)
    assert workflow.is_allowed(invoice, S.COMPTABILISEE, REC)


def test_recipient_targets_from_service_fait_lists_forward_and_exit_statuses():
    invoice = unsaved_invoice(S.SERVICE_FAIT, Frame.A1, reports_payment=True)
    assert set(workflow.recipient_targets(invoice)) == {
        S.SUSPENDUE,
        S.A_RECYCLER,
        S.REJETEE,
        S.MANDATEE,
        S.MISE_A_DISPOSITION_COMPTABLE,
        S.COMPTABILISEE,
        S.MISE_EN_PAIEMENT,
    }


@pytest.mark.parametrize("final", [S.REJETEE, S.REFUSEE_1, S.MISE_EN_PAIEMENT])  # for recipients
def test_final_statuses_offer_nothing_to_the_recipient(final):
    invoice = unsaved_invoice(final, Frame.A1, reports_payment=True)
    assert workflow.recipient_targets(invoice) == []
