"""THE sollicitation transition table (SOL-2, SOL-5): the only place that says which action
moves a sollicitation from which status to which, and who may do it.

`services.act` reads it; `tests/requests_app/test_transitions.py` walks it exhaustively.
"""

from __future__ import annotations

from dataclasses import dataclass

from requests_app.enums import Action, Side, SolStatus

S = SolStatus
OPEN_STATUSES = frozenset(status for status in S if status != S.CLOTUREE)


@dataclass(frozen=True)
class Transition:
    action: Action
    side: Side
    sources: frozenset[str]
    target: str
    needs_message: bool = False
    # SOL-5: only a structure's users transfer, the support desk does not transfer to itself.
    structure_only: bool = False


TABLE: tuple[Transition, ...] = (
    Transition(Action.OPEN, Side.ADDRESSEE, frozenset({S.NOUVELLE}), S.EN_COURS),
    Transition(
        Action.ASK_INFO,
        Side.ADDRESSEE,
        frozenset({S.NOUVELLE, S.EN_COURS, S.RELANCEE}),
        S.EN_ATTENTE_COMPLEMENT,
        needs_message=True,
    ),
    Transition(Action.REPLY, Side.SENDER, frozenset({S.EN_ATTENTE_COMPLEMENT}), S.EN_COURS, True),
    Transition(
        Action.ANSWER,
        Side.ADDRESSEE,
        frozenset({S.NOUVELLE, S.EN_COURS, S.RELANCEE}),
        S.REPONDUE,
        needs_message=True,
    ),
    Transition(Action.RELAUNCH, Side.SENDER, frozenset({S.REPONDUE}), S.RELANCEE, True),
    Transition(
        Action.TRANSFER,
        Side.ADDRESSEE,
        frozenset({S.NOUVELLE, S.EN_COURS, S.RELANCEE}),
        S.NOUVELLE,
        structure_only=True,
    ),
    Transition(Action.CLOSE, Side.SENDER, OPEN_STATUSES, S.CLOTUREE),
    Transition(Action.CLOSE, Side.ADDRESSEE, frozenset({S.REPONDUE}), S.CLOTUREE),
)


def find(action: str, side: str) -> Transition | None:
    for transition in TABLE:
        if transition.action == action and transition.side == side:
            return transition
    return None


def allowed(action: str, side: str, status: str, *, at_support: bool = False) -> bool:
    transition = find(action, side)
    if transition is None or status not in transition.sources:
        return False
    return not (transition.structure_only and at_support)


def available(side: str, status: str, *, at_support: bool = False) -> list[Transition]:
    """The actions `side` may take from `status`, in table order (buttons of the detail)."""
    return [
        t
        for t in TABLE
        if t.side == side and allowed(t.action, side, status, at_support=at_support)
    ]
