"""SOL-5 / SOL-6 / NOT-3: what reaches the support desk's queue is an activity event, and
the support staff (the "Support" group) read it in their digest; nobody else does."""

from __future__ import annotations

import datetime

from django.utils import timezone

from notifications import digest
from notifications.models import ActivityEvent, Email, EventKind
from requests_app import services


def _digests():
    digest.send_digests(digest.DAILY, now=timezone.now() + datetime.timedelta(days=1))
    return {m.user.email: m for m in Email.objects.filter(template="activity_digest")}


def _tick(*users):
    for user in users:
        user.notify_activity = True
        user.save(update_fields=["notify_activity"])


def _support_events():
    return list(ActivityEvent.objects.filter(area="SUPPORT").order_by("id"))


def test_a_transfer_to_the_support_desk_is_an_event_of_its_queue(world):
    sollicitation = world.follow_up()
    services.transfer(sollicitation, actor=world.service_reviewer, message="Pour le support")

    [event] = _support_events()
    assert (event.kind, event.structure, event.user, event.actor) == (
        EventKind.SOLLICITATION_CREATED,
        world.supplier,
        None,
        world.service_reviewer,
    )
    assert event.link == f"/sollicitations/support/{sollicitation.pk}/"
    assert event.params["sender"] == "Fournisseur Sollicitant"


def test_support_requests_created_and_relaunched_are_events_of_the_queue(world):
    sollicitation = services.create(
        actor=world.supplier_user,
        sender_structure=world.supplier,
        category="PROBLEME_TECHNIQUE",
        subject="Écran blanc",
        message="Bonjour",
    )
    services.answer(sollicitation, actor=world.support, message="Videz le cache")
    services.relaunch(sollicitation, actor=world.supplier_user, message="Toujours blanc")

    assert [e.kind for e in _support_events()] == [
        EventKind.SOLLICITATION_CREATED,
        EventKind.SOLLICITATION_RELAUNCHED,
    ]
    # The answer still goes to the sender, not to the queue.
    assert ActivityEvent.objects.get(kind=EventKind.SOLLICITATION_ANSWERED).user == (
        world.supplier_user
    )


def test_support_staff_get_the_queue_in_their_digest_and_nobody_else(world):
    _tick(
        world.support,
        world.supplier_user,
        world.public_main,
        world.service_reviewer,
        world.other_public_main,
    )
    sollicitation = world.follow_up(subject="Facture bloquée")
    services.transfer(sollicitation, actor=world.service_reviewer)

    mails = _digests()

    body = mails[world.support.email].body_text
    assert "== Support : file des sollicitations ==" in body
    assert (
        f"Nouvelle sollicitation {sollicitation.number} de Fournisseur Sollicitant : "
        "Facture bloquée" in body
    )
    assert f"/sollicitations/support/{sollicitation.pk}/" in body
    assert f"/sollicitations/support/{sollicitation.pk}/" in mails[world.support.email].body_html
    for user in (world.supplier_user, world.public_main, world.other_public_main):
        mail = mails.get(user.email)
        assert mail is None or "/sollicitations/support/" not in mail.body_text


def test_a_support_user_is_not_told_of_his_own_action(world):
    _tick(world.support)
    sollicitation = world.follow_up()
    services.transfer(sollicitation, actor=world.service_reviewer)
    services.open_(sollicitation, actor=world.support)
    services.answer(sollicitation, actor=world.support, message="Réglé")
    services.relaunch(sollicitation, actor=world.supplier_user, message="Non")

    body = _digests()[world.support.email].body_text
    assert f"Sollicitation {sollicitation.number} de Fournisseur Sollicitant relancée" in body
    assert body.count(sollicitation.number) == 2  # the transfer and the relaunch
