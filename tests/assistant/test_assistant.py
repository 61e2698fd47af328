"""ASS-1 to ASS-6: the guided dialogue, within the user's rights, and the public re-send."""

from __future__ import annotations

import html

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from assistant import services
from invoicing.enums import ActorRole, InvoiceStatus
from invoicing.models import StatusEvent
from notifications.models import Email
from structures.enums import Role
from tests.factories.accounts import UserFactory
from tests.factories.invoicing import InvoiceFactory
from tests.factories.structures import PublicStructureFactory, StructureFactory, attach

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def scene(db):
    supplier = StructureFactory(company_name="Fournisseur Assisté")
    other = StructureFactory(company_name="Autre Fournisseur")
    public = PublicStructureFactory(company_name="Ministère Assisté")
    user = UserFactory(email="ass-supplier@example.test")
    attach(user, supplier, Role.USER, {"ISSUED": "change"})
    reviewer = UserFactory(email="ass-reviewer@example.test")
    attach(reviewer, public, Role.USER)
    mine = InvoiceFactory(
        supplier=supplier, recipient=public, number="ASS-1", status=InvoiceStatus.REJETEE
    )
    StatusEvent.objects.create(
        invoice=mine,
        status="REJETEE",
        transition="T11",
        actor_role=ActorRole.RECIPIENT,
        comment="Bon de commande manquant",
    )
    theirs = InvoiceFactory(supplier=other, recipient=public, number="ASS-1")
    hidden = InvoiceFactory(supplier=other, number="ASS-2")
    return {"user": user, "reviewer": reviewer, "mine": mine, "theirs": theirs, "hidden": hidden}


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_avatar_on_every_logged_in_page_and_the_guided_path(client, scene):
    client.force_login(scene["user"])
    home = _text(client.get(reverse("home")))
    assert 'id="assistant-avatar"' in home
    assert "Je veux des informations sur une facture ou un virement reçu" in home
    menu = _text(client.get(reverse("assistant:invoice_menu"), **HX))
    assert "le suivi d'une facture, d'un mémoire ou d'une demande de remboursement TIC" in menu
    assert "<html" not in menu  # a fragment for htmx
    form = _text(client.get(reverse("assistant:tracking"), **HX))
    assert 'name="number"' in form
    answer = _text(client.post(reverse("assistant:search"), {"number": "ASS-1"}, **HX))
    assert "Ministère Assisté" in answer
    assert "Rejetée" in answer
    assert f"?facture={scene['mine'].pk}" in answer  # contact the recipient service
    assert f"/factures/emises/{scene['mine'].pk}/" in answer
    comment = _text(client.get(reverse("assistant:comment", args=[scene["mine"].pk]), **HX))
    assert "« Bon de commande manquant »" in comment


def test_status_label_in_the_users_language(client, scene):
    scene["user"].language = "en"
    scene["user"].save()
    client.force_login(scene["user"])
    answer = _text(client.post(reverse("assistant:search"), {"number": "ASS-1"}, **HX))
    assert "Rejected" in answer and "Rejetée" not in answer


def test_only_invoices_the_user_may_see(client, scene):
    client.force_login(scene["user"])
    none = _text(client.post(reverse("assistant:search"), {"number": "ASS-2"}, **HX))
    assert "Je ne trouve aucune facture de vos structures" in none
    assert (
        client.get(reverse("assistant:invoice", args=[scene["hidden"].pk]), **HX).status_code == 404
    )
    assert client.get(reverse("assistant:comment", args=[scene["theirs"].pk])).status_code == 404


def test_several_matches_are_listed(client, scene):
    """The recipient sees both ASS-1 invoices (received): he picks one; no contact button."""
    client.force_login(scene["reviewer"])
    listing = _text(client.post(reverse("assistant:search"), {"number": "ASS-1"}, **HX))
    assert listing.count('hx-get="/assistant/factures/') == 2
    answer = _text(client.get(reverse("assistant:invoice", args=[scene["theirs"].pk]), **HX))
    assert "Contacter le service destinataire" not in answer
    assert f"/factures/recues/{scene['theirs'].pk}/" in answer


def test_without_htmx_a_full_page(client, scene):
    client.force_login(scene["user"])
    page = _text(client.get(reverse("assistant:tracking")))
    assert "<html" in page and 'id="assistant-number-form"' in page
    assert 'id="assistant-avatar"' not in page  # one dialogue per page


@pytest.mark.parametrize(
    "phrase",
    [
        "je ne trouve pas le mail avec le lien pour activer mon compte",
        "Je n'ai jamais reçu le courriel d'activation",
        "lien du compte introuvable",
    ],
)
def test_activation_phrases_are_recognised(phrase):
    assert services.is_activation_question(phrase)


def test_other_phrases_are_not():
    assert not services.is_activation_question("quel temps fait-il ?")


def test_public_resend_same_answer_whether_account_exists(client, db):
    pending = UserFactory(email="pending@example.test", verified=False)
    EmailAddress.objects.create(user=pending, email=pending.email, verified=False, primary=True)
    home = _text(client.get(reverse("account_login")))
    assert "Je ne trouve pas le mail pour activer mon compte" in home
    asked = _text(
        client.post(
            reverse("assistant:question"),
            {"question": "je ne trouve pas le mail avec le lien pour activer mon compte"},
            **HX,
        )
    )
    assert 'id="assistant-activation-form"' in asked
    known = client.post(reverse("assistant:activation"), {"email": "pending@example.test"}, **HX)
    unknown = client.post(reverse("assistant:activation"), {"email": "nobody@example.test"}, **HX)
    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content
    assert Email.objects.filter(to="pending@example.test").count() == 1
    assert not Email.objects.filter(to="nobody@example.test").exists()


def test_public_resend_is_rate_limited(client, db):
    for _ in range(services.RESEND_LIMIT):
        assert (
            client.post(reverse("assistant:activation"), {"email": "x@example.test"}).status_code
            == 200
        )
    refused = client.post(reverse("assistant:activation"), {"email": "x@example.test"}, **HX)
    assert refused.status_code == 429
    assert "trop de liens" in _text(refused)


def test_no_contact_before_the_recipient_sees_the_invoice(client, scene):
    scene["mine"].status = InvoiceStatus.DEPOSEE
    scene["mine"].save()
    client.force_login(scene["user"])
    answer = _text(client.get(reverse("assistant:invoice", args=[scene["mine"].pk]), **HX))
    assert "Déposée" in answer
    assert "Contacter le service destinataire" not in answer
