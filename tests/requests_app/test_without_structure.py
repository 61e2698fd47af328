"""AREA-1 / STR-9 / SOL-3: REQUESTS_SENT is every user's, so a user attached to no structure
writes to the support desk (e.g. to have a public structure created, of which he becomes the
main manager); an invoice follow-up still needs a structure of his."""

from __future__ import annotations

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications import digest
from notifications.models import ActivityEvent, Email
from requests_app import queries, services
from requests_app.models import Sollicitation
from structures.enums import Role, StructureKind
from structures.models import Membership, Structure
from tests.factories.accounts import UserFactory

CREATION = {
    "legal_status": "Commune",
    "siret": "21750001600019",
    "company_name": "Commune Nouvelle",
    "street": "1 place de la Mairie",
    "postcode": "75001",
    "city": "Paris",
    "country": "FR",
}


@pytest.fixture
def newcomer(db):
    return UserFactory(email="newcomer@example.test", notify_activity=True)


def _post(client, **data):
    return client.post(
        reverse("requests_app:create"),
        {
            "structure": "",
            "category": "GESTION_STRUCTURES_UTILISATEURS",
            "subcategory": "CREATION_STRUCTURE_PUBLIQUE",
            "subject": "Création de notre commune",
            "message": "Merci de créer la structure.",
            **CREATION,
            **data,
        },
    )


def test_a_user_without_structure_sees_the_tab_and_the_form(client, world, newcomer):
    client.force_login(newcomer)
    home = client.get(reverse("requests_app:sent"))
    assert home.status_code == 200
    assert reverse("requests_app:sent") in client.get("/").content.decode()
    page = client.get(reverse("requests_app:create"))
    assert page.status_code == 200
    assert "Aucune (demande au support)" in html.unescape(page.content.decode())


def test_he_asks_the_support_for_a_public_structure_and_becomes_its_main_manager(
    client, world, newcomer
):
    client.force_login(newcomer)
    response = _post(client)

    sollicitation = Sollicitation.objects.get()
    assert response["Location"] == reverse("requests_app:sent_detail", args=[sollicitation.pk])
    assert sollicitation.sender_structure is None and sollicitation.at_support
    assert list(queries.sent(newcomer)) == [sollicitation]
    assert list(queries.support_queue(world.support)) == [sollicitation]
    detail = client.get(response["Location"]).content.decode()
    assert "newcomer@example.test" in detail
    event = ActivityEvent.objects.get(area="SUPPORT")
    assert event.structure is None and event.params["sender"] == newcomer.get_full_name()

    client.force_login(world.support)
    assert client.get(reverse("requests_app:support")).status_code == 200
    client.post(reverse("requests_app:support_carry_out", args=[sollicitation.pk]))

    created = Structure.objects.get(identifier="21750001600019")
    assert created.kind == StructureKind.PUBLIQUE
    assert Membership.objects.get(structure=created).user == newcomer
    assert Membership.objects.get(structure=created).role == Role.MAIN_MANAGER
    answered = ActivityEvent.objects.get(kind="SOLLICITATION_ANSWERED")
    assert (answered.structure, answered.user) == (None, newcomer)


def test_his_digest_reports_the_answer_and_the_support_reads_the_request(world, newcomer):
    world.support.notify_activity = True
    world.support.save(update_fields=["notify_activity"])
    sollicitation = services.create(
        actor=newcomer,
        sender_structure=None,
        category="PROBLEME_TECHNIQUE",
        subject="Pas de structure",
        message="Comment faire ?",
    )
    services.answer(sollicitation, actor=world.support, message="Demandez une création")
    digest.send_digests(digest.DAILY, now=timezone.now() + datetime.timedelta(days=1))
    mails = {m.user.email: m for m in Email.objects.filter(template="activity_digest")}

    mine = mails[newcomer.email].body_text
    assert "== Vos sollicitations ==" in mine
    assert f"Réponse à votre sollicitation {sollicitation.number} : Pas de structure" in mine
    assert f"/sollicitations/emises/{sollicitation.pk}/" in mine
    support = mails[world.support.email].body_text
    assert f"Nouvelle sollicitation {sollicitation.number} de " in support
    for user in (world.supplier_user, world.public_main):
        assert user.email not in mails or sollicitation.number not in mails[user.email].body_text


def test_an_invoice_follow_up_still_needs_a_structure(client, world, newcomer):
    with pytest.raises(services.SollicitationError) as refused:
        services.create(
            actor=newcomer,
            sender_structure=None,
            category="SUIVI_FACTURE",
            invoice=world.invoice,
            subject="Ma facture",
            message="?",
        )
    assert "structure" in refused.value.message_dict
    client.force_login(newcomer)
    response = _post(client, category="SUIVI_FACTURE", subcategory="", invoice_number="FAC-SOL-1")
    assert response.status_code == 200
    assert not Sollicitation.objects.exists()


def test_another_users_structureless_request_stays_his(client, world, newcomer):
    sollicitation = services.create(
        actor=newcomer,
        sender_structure=None,
        category="PROBLEME_TECHNIQUE",
        subject="Aide",
        message="?",
    )
    other = UserFactory(email="other-newcomer@example.test")
    assert not queries.sent(other).exists()
    client.force_login(other)
    url = reverse("requests_app:sent_detail", args=[sollicitation.pk])
    assert client.get(url).status_code == 404
