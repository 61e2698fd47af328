"""ISSUED → the supplier's actions on the invoice page: complete (T15), recycle (T16),
acknowledge (LIF-6), "Traiter le rejet" (T17), correct the validator (T18). Every action is
a POST, refused in consultation mode, a 404 for another structure, and harmless twice."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from invoicing import queries
from invoicing.models import Attachment, Invoice, StatusEvent
from tests.factories.structures import PublicStructureFactory, StructureFactory

pytestmark = pytest.mark.django_db


def action(name, invoice):
    return reverse(f"invoicing:issued_{name}", args=[invoice.pk])


def flash(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def upload(name="bon-de-commande.txt", content=b"Bon de commande 42\n"):
    return SimpleUploadedFile(name, content, content_type="text/plain")


ACTIONS = [
    ("complete", "SUSPENDUE", {"comment": "Voici le PV", "expected_status": "SUSPENDUE"}),
    (
        "recycle",
        "A_RECYCLER",
        {"recipient_identifier": "", "expected_status": "A_RECYCLER"},
    ),
    ("acknowledge", "REJETEE", {}),
    ("process_rejection", "REJETEE", {}),
    ("correct_validator", "REFUSEE_1", {"validator_identifier": ""}),
]


def _arrange(invoice_for, status):
    extra = {"frame": "A9_FACTURE_SOUSTRAITANT"} if status == "REFUSEE_1" else {}
    return invoice_for(status, **extra)


def _snapshot(invoice):
    invoice.refresh_from_db()
    return (
        invoice.status,
        invoice.acknowledged_at,
        invoice.rejection_processed,
        invoice.recipient_id,
        invoice.events.count(),
    )


# --- The actor matrix of every action --------------------------------------------------


@pytest.mark.parametrize(("name", "status", "data"), ACTIONS)
def test_action_anonymous_is_sent_to_login(client, invoice_for, name, status, data):
    invoice = _arrange(invoice_for, status)
    before = _snapshot(invoice)
    response = client.post(action(name, invoice), data)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert _snapshot(invoice) == before


@pytest.mark.parametrize(("name", "status", "data"), ACTIONS)
@pytest.mark.parametrize("persona", ["other_user", "public_reviewer"])
def test_action_other_structure_gets_404(
    client, personas, invoice_for, name, status, data, persona
):
    invoice = _arrange(invoice_for, status)
    before = _snapshot(invoice)
    client.force_login(getattr(personas, persona))
    assert client.post(action(name, invoice), data).status_code == 404
    assert _snapshot(invoice) == before


@pytest.mark.parametrize(("name", "status", "data"), ACTIONS)
@pytest.mark.parametrize("persona", ["support", "unattached"])
def test_action_user_without_area_is_refused(
    client, personas, invoice_for, name, status, data, persona
):
    invoice = _arrange(invoice_for, status)
    before = _snapshot(invoice)
    client.force_login(getattr(personas, persona))
    assert client.post(action(name, invoice), data).status_code == 403
    assert _snapshot(invoice) == before


@pytest.mark.parametrize(("name", "status", "data"), ACTIONS)
def test_action_consultation_user_is_refused_and_nothing_changes(
    client, personas, invoice_for, name, status, data
):
    invoice = _arrange(invoice_for, status)
    before = _snapshot(invoice)
    client.force_login(personas.simple_view)
    assert client.post(action(name, invoice), data).status_code == 403
    assert _snapshot(invoice) == before


@pytest.mark.parametrize(("name", "status", "data"), ACTIONS)
def test_action_get_is_not_allowed(client, personas, invoice_for, name, status, data):
    invoice = _arrange(invoice_for, status)
    client.force_login(personas.simple_change)
    assert client.get(action(name, invoice)).status_code == 405


def test_action_without_csrf_token_is_refused(personas, invoice_for):
    from django.test import Client

    invoice = invoice_for("REJETEE")
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.simple_change)
    assert client.post(action("acknowledge", invoice)).status_code == 403
    invoice.refresh_from_db()
    assert invoice.acknowledged_at is None


# --- Complete (T15) --------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["main_manager", "secondary_manager", "simple_change"])
def test_complete_with_a_comment(client, personas, invoice_for, persona):
    invoice = invoice_for("SUSPENDUE", acknowledged_at=timezone.now())
    client.force_login(getattr(personas, persona))

    response = client.post(
        action("complete", invoice), {"comment": "Voici le PV", "expected_status": "SUSPENDUE"}
    )

    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == "COMPLETEE"
    assert invoice.status_comment == "Voici le PV"
    event = invoice.events.latest("id")
    assert (event.status, event.transition, event.actor) == (
        "COMPLETEE",
        "T15",
        getattr(personas, persona),
    )


def test_complete_with_an_attachment_only(client, personas, invoice_for):
    invoice = invoice_for("SUSPENDUE")
    client.force_login(personas.simple_change)

    response = client.post(
        action("complete", invoice),
        {
            "expected_status": "SUSPENDUE",
            "file_1": upload(),
            "designation_1": "Bon de commande",
            "type_1": "BON_DE_COMMANDE",
        },
    )

    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == "COMPLETEE"
    attachment = Attachment.objects.get(invoice=invoice)
    assert (attachment.original_name, attachment.designation, attachment.is_main) == (
        "bon-de-commande.txt",
        "Bon de commande",
        False,
    )
    assert attachment.uploaded_by == personas.simple_change
    from django.conf import settings

    assert (settings.MEDIA_ROOT / attachment.path).read_bytes() == b"Bon de commande 42\n"


def test_complete_without_attachment_nor_comment_is_refused(client, personas, invoice_for):
    invoice = invoice_for("SUSPENDUE")
    client.force_login(personas.simple_change)

    response = client.post(action("complete", invoice), {"expected_status": "SUSPENDUE"})

    assert response.status_code == 400
    assert "Ajoutez au moins une pièce jointe ou un commentaire" in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == "SUSPENDUE"


def test_complete_refuses_a_renamed_executable_at_the_field(client, personas, invoice_for):
    invoice = invoice_for("SUSPENDUE")
    client.force_login(personas.simple_change)

    response = client.post(
        action("complete", invoice),
        {
            "expected_status": "SUSPENDUE",
            "comment": "Voici",
            "file_1": SimpleUploadedFile("facture.pdf", b"MZ\x90\x00\x03" + b"\x00" * 64),
            "designation_1": "Facture",
            "type_1": "AUTRE",
        },
    )

    assert response.status_code == 400
    assert response.context["complete_form"].errors["file_1"]
    invoice.refresh_from_db()
    assert invoice.status == "SUSPENDUE"
    assert not Attachment.objects.filter(invoice=invoice).exists()


def test_complete_attachment_needs_designation_and_type(client, personas, invoice_for):
    invoice = invoice_for("SUSPENDUE")
    client.force_login(personas.simple_change)

    response = client.post(
        action("complete", invoice), {"expected_status": "SUSPENDUE", "file_1": upload()}
    )

    errors = response.context["complete_form"].errors
    assert errors["designation_1"] and errors["type_1"]
    invoice.refresh_from_db()
    assert invoice.status == "SUSPENDUE"


def test_complete_double_click_completes_once(client, personas, invoice_for):
    invoice = invoice_for("SUSPENDUE")
    client.force_login(personas.simple_change)
    data = {"comment": "Voici le PV", "expected_status": "SUSPENDUE"}

    client.post(action("complete", invoice), data)
    second = client.post(action("complete", invoice), data, follow=True)

    assert invoice.events.filter(transition="T15").count() == 1
    assert any("changé entre-temps" in m for m in flash(second))


# --- Recycle (T16) ---------------------------------------------------------------------


@pytest.fixture
def new_recipient():
    return PublicStructureFactory(company_name="Nouvelle Administration")


def test_recycle_moves_the_invoice_to_the_new_recipient(
    client, personas, invoice_for, new_recipient, django_capture_on_commit_callbacks
):
    old = timezone.now() - datetime.timedelta(days=30)
    invoice = invoice_for("A_RECYCLER", deposited_at=old, amount_ttc="1200.00")
    assert queries.received_invoices(personas.public_reviewer).filter(pk=invoice.pk).exists()
    client.force_login(personas.simple_change)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            action("recycle", invoice),
            {
                "recipient_identifier": new_recipient.identifier,
                "recipient_service_code": "",
                "engagement_number": "EJ-NEW-1",
                "expected_status": "A_RECYCLER",
                # Not a routing field: ignored (T16 changes routing only).
                "amount_ttc": "1.00",
                "number": "HACKED",
            },
        )

    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == "MISE_A_DISPOSITION"
    assert invoice.recipient == new_recipient
    assert invoice.recipient_identifier == new_recipient.identifier
    assert invoice.recipient_name == "Nouvelle Administration"
    assert invoice.engagement_number == "EJ-NEW-1"
    assert invoice.amount_ttc == 1200
    assert invoice.number != "HACKED"
    # LIF-4: the deposit date becomes the recycle date; the former recipient loses it.
    assert invoice.deposited_at > old + datetime.timedelta(days=29)
    assert not queries.received_invoices(personas.public_reviewer).filter(pk=invoice.pk).exists()
    assert list(invoice.events.order_by("id").values_list("transition", flat=True))[-2:] == [
        "T16",
        "T4",
    ]


def test_recycle_unknown_recipient_is_refused_at_the_field(client, personas, invoice_for):
    invoice = invoice_for("A_RECYCLER")
    client.force_login(personas.simple_change)

    response = client.post(
        action("recycle", invoice),
        {
            "recipient_identifier": "12345678901234",
            "recipient_service_code": "",
            "engagement_number": "",
            "expected_status": "A_RECYCLER",
        },
    )

    assert response.status_code == 400
    form = response.context["recycle_form"]
    assert form.errors["recipient_identifier"]
    assert "inconnu" in form.errors["recipient_identifier"][0]
    assert "12345678901234 est inconnu" in response.content.decode()
    invoice.refresh_from_db()
    assert (invoice.status, invoice.recipient) == ("A_RECYCLER", personas.public)


def test_recycle_to_a_structure_without_received_is_refused(client, personas, invoice_for):
    private = StructureFactory()
    invoice = invoice_for("A_RECYCLER")
    client.force_login(personas.simple_change)

    response = client.post(
        action("recycle", invoice),
        {"recipient_identifier": private.identifier, "expected_status": "A_RECYCLER"},
    )

    assert response.context["recycle_form"].errors["recipient_identifier"]
    invoice.refresh_from_db()
    assert invoice.status == "A_RECYCLER"


def test_recycle_double_click_recycles_once(
    client, personas, invoice_for, new_recipient, django_capture_on_commit_callbacks
):
    invoice = invoice_for("A_RECYCLER")
    client.force_login(personas.simple_change)
    data = {"recipient_identifier": new_recipient.identifier, "expected_status": "A_RECYCLER"}

    with django_capture_on_commit_callbacks(execute=True):
        client.post(action("recycle", invoice), data)
    second = client.post(action("recycle", invoice), data, follow=True)

    assert invoice.events.filter(transition="T16").count() == 1
    assert any("changé entre-temps" in m for m in flash(second))


# --- Acknowledge and "Traiter le rejet" (LIF-6, LIF-7, T17) -----------------------------


@pytest.mark.parametrize(
    ("status", "action_code"),
    [("REJETEE", "ACQUITTEMENT_REJET"), ("SUSPENDUE", "ACQUITTEMENT_SUSPENSION")],
)
def test_acknowledge_logs_once_and_keeps_the_status(
    client, personas, invoice_for, status, action_code
):
    invoice = invoice_for(status)
    client.force_login(personas.simple_change)

    client.post(action("acknowledge", invoice))
    client.post(action("acknowledge", invoice))  # double click

    invoice.refresh_from_db()
    assert invoice.status == status
    assert invoice.acknowledged_at is not None
    assert StatusEvent.objects.filter(invoice=invoice, action=action_code).count() == 1


def test_acknowledged_rejection_stays_in_synthesis_until_processed(client, personas, invoice_for):
    invoice = invoice_for("REJETEE", number="REJ-7")
    client.force_login(personas.simple_change)
    synthesis_url = reverse("invoicing:issued")

    client.post(action("acknowledge", invoice))
    after_ack = client.get(synthesis_url).context["synthesis"].rejected
    client.post(action("process_rejection", invoice))
    client.post(action("process_rejection", invoice))  # double click: harmless
    after_processing = client.get(synthesis_url).context["synthesis"].rejected

    assert [i.number for i in after_ack] == ["REJ-7"]
    assert after_processing == []
    invoice.refresh_from_db()
    assert invoice.status == "REJETEE" and invoice.rejection_processed
    assert invoice.events.filter(action="TRAITEMENT_REJET").count() == 1


def test_process_rejection_of_a_non_rejected_invoice_is_refused(client, personas, invoice_for):
    invoice = invoice_for("SUSPENDUE")
    client.force_login(personas.simple_change)

    response = client.post(action("process_rejection", invoice), follow=True)

    invoice.refresh_from_db()
    assert not invoice.rejection_processed
    assert any("Incohérence" in m for m in flash(response))


# --- Correct the validator (T18) -----------------------------------------------------


def test_correct_validator_sends_the_invoice_to_the_new_validator(client, personas, invoice_for):
    titulaire = StructureFactory(company_name="Titulaire SA")
    invoice = invoice_for(
        "REFUSEE_1", frame="A9_FACTURE_SOUSTRAITANT", validator=personas.other_structure
    )
    client.force_login(personas.simple_change)

    response = client.post(
        action("correct_validator", invoice),
        {"validator_identifier": titulaire.identifier, "expected_status": "REFUSEE_1"},
    )

    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == "A_VALIDER_1"
    assert invoice.validator == titulaire
    assert invoice.validator_name == "Titulaire SA"


@pytest.mark.parametrize("which", ["supplier", "unknown", "inactive"])
def test_correct_validator_refuses_a_bad_validator_at_the_field(
    client, personas, invoice_for, which
):
    inactive = StructureFactory(is_active=False)
    identifier = {
        "supplier": personas.structure.identifier,
        "unknown": "12345678901234",
        "inactive": inactive.identifier,
    }[which]
    invoice = invoice_for("REFUSEE_1", frame="A12_FACTURE_COTRAITANT")
    client.force_login(personas.simple_change)

    response = client.post(
        action("correct_validator", invoice),
        {"validator_identifier": identifier, "expected_status": "REFUSEE_1"},
    )

    assert response.status_code == 400
    assert response.context["validator_form"].errors["validator_identifier"]
    invoice.refresh_from_db()
    assert invoice.status == "REFUSEE_1"


def test_correct_validator_is_not_possible_on_a_non_refused_invoice(client, personas, invoice_for):
    titulaire = StructureFactory()
    invoice = invoice_for("A_VALIDER_1", frame="A9_FACTURE_SOUSTRAITANT")
    client.force_login(personas.simple_change)

    client.post(
        action("correct_validator", invoice),
        {"validator_identifier": titulaire.identifier},
    )

    assert Invoice.objects.get(pk=invoice.pk).validator_id != titulaire.pk
