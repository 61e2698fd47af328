"""SOL-2 / SOL-5: the transition table, walked exhaustively (every action × side × status)."""

from __future__ import annotations

import itertools

import pytest

from requests_app import services, transitions
from requests_app.enums import Action, Side, SolStatus
from requests_app.models import Sollicitation

S = SolStatus
A = Action
# The rule, written out independently of the table: (action, side) -> (sources, target).
EXPECTED = {
    (A.OPEN, Side.ADDRESSEE): ({S.NOUVELLE}, S.EN_COURS),
    (A.ASK_INFO, Side.ADDRESSEE): ({S.NOUVELLE, S.EN_COURS, S.RELANCEE}, S.EN_ATTENTE_COMPLEMENT),
    (A.REPLY, Side.SENDER): ({S.EN_ATTENTE_COMPLEMENT}, S.EN_COURS),
    (A.ANSWER, Side.ADDRESSEE): ({S.NOUVELLE, S.EN_COURS, S.RELANCEE}, S.REPONDUE),
    (A.RELAUNCH, Side.SENDER): ({S.REPONDUE}, S.RELANCEE),
    (A.TRANSFER, Side.ADDRESSEE): ({S.NOUVELLE, S.EN_COURS, S.RELANCEE}, S.NOUVELLE),
    (A.CLOSE, Side.SENDER): (set(S) - {S.CLOTUREE}, S.CLOTUREE),
    (A.CLOSE, Side.ADDRESSEE): ({S.REPONDUE}, S.CLOTUREE),
}
CASES = list(itertools.product([a for a in A if a != A.CREATE], list(Side), list(S)))


@pytest.mark.parametrize(("action", "side", "status"), CASES)
def test_table_matches_the_rule(action, side, status):
    sources, target = EXPECTED.get((action, side), (set(), None))
    assert transitions.allowed(action, side, status) == (status in sources)
    if status in sources:
        assert transitions.find(action, side).target == target


def _actor(world, side):
    return world.supplier_user if side == Side.SENDER else world.public_main


@pytest.mark.parametrize(("action", "side", "status"), CASES)
def test_service_applies_the_table(world, action, side, status):
    """Through `services.act`: allowed moves land on the target with a history entry by
    their author; refused ones change nothing."""
    sollicitation = world.follow_up()
    Sollicitation.objects.filter(pk=sollicitation.pk).update(status=status)
    sollicitation.refresh_from_db()
    actor = _actor(world, side)
    sources, target = EXPECTED.get((action, side), (set(), None))
    entries = sollicitation.entries.count()
    if status in sources:
        services.act(sollicitation, action, actor=actor, message="Un message")
        sollicitation.refresh_from_db()
        assert sollicitation.status == target
        last = sollicitation.entries.last()
        assert (last.action, last.author, last.previous_status, last.status) == (
            action,
            actor,
            status,
            target,
        )
        assert sollicitation.at_support == (action == A.TRANSFER)
    else:
        with pytest.raises(services.SollicitationError):
            services.act(sollicitation, action, actor=actor, message="Un message")
        sollicitation.refresh_from_db()
        assert sollicitation.status == status
        assert sollicitation.entries.count() == entries


def test_support_cannot_transfer_to_itself(world):
    sollicitation = world.follow_up()
    services.transfer(sollicitation, actor=world.public_main)
    with pytest.raises(services.SollicitationError):
        services.transfer(sollicitation, actor=world.support)
    services.open_(sollicitation, actor=world.support)
    sollicitation.refresh_from_db()
    assert sollicitation.status == S.EN_COURS
    # The structure no longer handles it.
    with pytest.raises(services.PermissionDenied):
        services.answer(sollicitation, actor=world.public_main, message="x")


@pytest.mark.parametrize("action", [A.ASK_INFO, A.ANSWER, A.RELAUNCH, A.REPLY])
def test_message_required(world, action):
    sollicitation = world.follow_up()
    status = {A.RELAUNCH: S.REPONDUE, A.REPLY: S.EN_ATTENTE_COMPLEMENT}.get(action, S.EN_COURS)
    Sollicitation.objects.filter(pk=sollicitation.pk).update(status=status)
    side = transitions.find(action, Side.SENDER) and Side.SENDER or Side.ADDRESSEE
    with pytest.raises(services.SollicitationError, match="Le message est obligatoire"):
        services.act(sollicitation, action, actor=_actor(world, side), message="  ")
