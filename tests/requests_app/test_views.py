"""The sollicitation screens: actor matrix (another structure's is a 404), the whole
SUIVI_FACTURE exchange through the web, constant query counts of the lists."""

from __future__ import annotations

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from requests_app.enums import SolStatus
from requests_app.models import Sollicitation


def _login(client, user):
    client.force_login(user)
    return client


def test_sender_creates_a_follow_up_from_the_form(client, world):
    _login(client, world.supplier_user)
    page = client.get(reverse("requests_app:create") + f"?facture={world.invoice.pk}")
    assert page.status_code == 200
    assert 'value="FAC-SOL-1"' in page.content.decode()
    response = client.post(
        reverse("requests_app:create"),
        {
            "structure": world.supplier.pk,
            "category": "SUIVI_FACTURE",
            "invoice_number": "FAC-SOL-1",
            "subject": "Paiement",
            "message": "Où en est-elle ?",
            "files": [SimpleUploadedFile("note.txt", b"bonjour\n")],
        },
    )
    sollicitation = Sollicitation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("requests_app:sent_detail", args=[sollicitation.pk])
    assert sollicitation.addressee_service == world.service
    detail = client.get(response["Location"]).content.decode()
    assert "Où en est-elle ?" in detail and "note.txt" in detail


def test_foreign_invoice_number_is_refused_with_a_message(client, world):
    _login(client, world.supplier_user)
    response = client.post(
        reverse("requests_app:create"),
        {
            "structure": world.supplier.pk,
            "category": "SUIVI_FACTURE",
            "invoice_number": "FAC-SOL-2",
            "subject": "Paiement",
            "message": "?",
        },
    )
    assert response.status_code == 200
    assert "Aucune facture de vos structures ne porte ce numéro." in html.unescape(
        response.content.decode()
    )
    assert not Sollicitation.objects.exists()
    assert (
        client.get(
            reverse("requests_app:create") + f"?facture={world.other_invoice.pk}"
        ).status_code
        == 404
    )


def test_the_whole_exchange_through_the_web(client, world):
    sollicitation = world.follow_up()
    recipient = _login(client, world.service_reviewer)

    def act(scope, action, message=""):
        url = reverse(f"requests_app:{scope}_act", args=[sollicitation.pk])
        return client.post(url, {"action": action, "message": message})

    listing = recipient.get(reverse("requests_app:received")).content.decode()
    assert sollicitation.number in listing
    act("received", "OPEN")
    act("received", "ASK_INFO", "Le numéro de bon de commande ?")
    client.force_login(world.supplier_user)
    act("sent", "REPLY", "BC-2026-12")
    client.force_login(world.service_reviewer)
    act("received", "ANSWER", "Mise en paiement demain.")
    client.force_login(world.supplier_user)
    act("sent", "CLOSE")
    sollicitation.refresh_from_db()
    assert sollicitation.status == SolStatus.CLOTUREE
    assert list(sollicitation.entries.values_list("action", "author__email")) == [
        ("CREATE", "sol-supplier@example.test"),
        ("OPEN", "sol-service@example.test"),
        ("ASK_INFO", "sol-service@example.test"),
        ("REPLY", "sol-supplier@example.test"),
        ("ANSWER", "sol-service@example.test"),
        ("CLOSE", "sol-supplier@example.test"),
    ]


def test_an_illegal_action_is_a_message_not_a_500(client, world):
    sollicitation = world.follow_up()
    _login(client, world.supplier_user)
    response = client.post(
        reverse("requests_app:sent_act", args=[sollicitation.pk]),
        {"action": "RELAUNCH", "message": "?"},
        follow=True,
    )
    assert "Cette action n'est pas possible" in html.unescape(response.content.decode())
    sollicitation.refresh_from_db()
    assert sollicitation.status == SolStatus.NOUVELLE


@pytest.mark.parametrize(
    ("who", "scope", "expected"),
    [
        ("supplier_user", "sent", 200),
        ("supplier_colleague", "sent", 404),
        ("other_supplier_user", "sent", 404),
        ("public_main", "received", 200),
        ("service_reviewer", "received", 200),
        ("other_service_reviewer", "received", 404),
        ("other_public_main", "received", 404),
        ("supplier_user", "received", 404),
        ("support", "support", 404),  # not transferred: not in the queue
        ("public_main", "support", 403),
    ],
)
def test_actor_matrix(client, world, who, scope, expected):
    sollicitation = world.follow_up()
    world.follow_up(actor=world.other_supplier_user, invoice=world.other_invoice)
    _login(client, getattr(world, who))
    url = reverse(f"requests_app:{scope}_detail", args=[sollicitation.pk])
    assert client.get(url).status_code == expected
    action = reverse(f"requests_app:{scope}_act", args=[sollicitation.pk])
    assert client.post(action, {"action": "CLOSE"}).status_code in (
        expected if expected != 200 else 302,
    )


def test_support_queue_after_transfer(client, world):
    sollicitation = world.follow_up()
    _login(client, world.public_main)
    client.post(
        reverse("requests_app:received_act", args=[sollicitation.pk]), {"action": "TRANSFER"}
    )
    assert (
        client.get(reverse("requests_app:received_detail", args=[sollicitation.pk])).status_code
        == 404
    )
    client.force_login(world.support)
    queue = client.get(reverse("requests_app:support")).content.decode()
    assert sollicitation.number in queue
    assert 'data-area="SUPPORT"' in queue


@pytest.mark.parametrize("scope", ["sent", "received"])
def test_lists_use_a_constant_number_of_queries(
    client, world, scope, django_assert_max_num_queries
):
    user = world.supplier_user if scope == "sent" else world.public_main
    _login(client, user)
    url = reverse(f"requests_app:{scope}")
    world.follow_up()
    client.get(url)  # warm up (session, caches)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    world.follow_up()
    world.follow_up()
    with CaptureQueriesContext(connection) as three:
        page = client.get(url).content.decode()
    assert page.count("data-sollicitation=") == 3
    assert len(three.captured_queries) == len(one.captured_queries)
