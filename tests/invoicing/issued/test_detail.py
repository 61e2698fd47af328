"""ISSUED → the invoice page: data, files, history, the recipient's last comment, and the
actions offered only in modification mode."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from invoicing import workflow
from invoicing.models import StatusEvent

pytestmark = pytest.mark.django_db


def url(invoice):
    return reverse("invoicing:issued_detail", args=[invoice.pk])


def test_detail_anonymous_is_sent_to_login(client, invoice_for):
    invoice = invoice_for("SUSPENDUE")
    response = client.get(url(invoice))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("persona", ["other_user", "public_reviewer"])
@pytest.mark.parametrize("status", ["SUSPENDUE", "BROUILLON"])
def test_detail_other_structure_guessing_the_id_gets_404(
    client, personas, invoice_for, persona, status
):
    invoice = invoice_for(status)
    client.force_login(getattr(personas, persona))
    assert client.get(url(invoice)).status_code == 404


@pytest.mark.parametrize("persona", ["support", "unattached"])
def test_detail_user_without_issued_area_is_refused(client, personas, invoice_for, persona):
    invoice = invoice_for("SUSPENDUE")
    client.force_login(getattr(personas, persona))
    assert client.get(url(invoice)).status_code == 403


def test_detail_shows_data_files_history_and_last_comment(
    client, personas, invoice_for, attachment_of
):
    invoice = invoice_for("MISE_A_DISPOSITION", number="FA-77", engagement_number="EJ-123")
    attachment_of(invoice, name="facture.pdf", is_main=True)
    attachment_of(invoice, name="bon.pdf")
    workflow.suspend(invoice, actor=personas.public_reviewer, reason="Pièce manquante : PV")
    client.force_login(personas.simple_view)

    response = client.get(url(invoice))

    content = response.content.decode()
    assert response.status_code == 200
    assert "FA-77" in content and "EJ-123" in content
    assert 'id="last-comment"' in content and "Pièce manquante : PV" in content
    assert "facture.pdf" in content and "bon.pdf" in content
    assert "Bon de commande signé" in content
    events = response.context["events"]
    assert [e.status for e in events] == ["MISE_A_DISPOSITION", "SUSPENDUE"]
    assert events[0].actor_label == "Système"
    assert events[1].actor == personas.public_reviewer
    assert str(personas.public_reviewer) in content
    assert response.context["invoice"].due_date is not None
    assert 'id="invoice-due-date"' in content


def test_detail_consultation_sees_everything_and_no_action(client, personas, invoice_for):
    invoice = invoice_for("SUSPENDUE", status_comment="Merci de compléter")
    client.force_login(personas.simple_view)

    response = client.get(url(invoice))

    content = response.content.decode()
    assert "Merci de compléter" in content
    assert 'id="consultation-notice"' in content
    for form_id in ("complete-form", "acknowledge-form", "recycle-form", "validator-form"):
        assert f'id="{form_id}"' not in content
    assert not any(response.context["actions"].values())


@pytest.mark.parametrize("persona", ["main_manager", "secondary_manager", "simple_change"])
@pytest.mark.parametrize(
    ("status", "extra", "forms"),
    [
        ("SUSPENDUE", {}, {"complete-form", "acknowledge-form"}),
        ("A_RECYCLER", {}, {"recycle-form"}),
        ("REJETEE", {}, {"acknowledge-form", "process-rejection-form"}),
        ("REFUSEE_1", {"frame": "A9_FACTURE_SOUSTRAITANT"}, {"validator-form"}),
        ("MISE_A_DISPOSITION", {}, set()),
    ],
)
def test_detail_modification_mode_offers_the_allowed_actions_only(
    client, personas, invoice_for, persona, status, extra, forms
):
    invoice = invoice_for(status, **extra)
    client.force_login(getattr(personas, persona))

    content = client.get(url(invoice)).content.decode()

    every = {
        "complete-form",
        "acknowledge-form",
        "recycle-form",
        "validator-form",
        "process-rejection-form",
    }
    for form_id in every:
        assert (f'id="{form_id}"' in content) == (form_id in forms), form_id


def test_detail_processed_rejection_offers_no_second_processing(client, personas, invoice_for):
    invoice = invoice_for("REJETEE", rejection_processed=True)
    client.force_login(personas.simple_change)

    content = client.get(url(invoice)).content.decode()

    assert 'id="process-rejection-form"' not in content


def test_detail_query_count_does_not_grow_with_history_or_files(
    client, personas, invoice_for, attachment_of
):
    invoice = invoice_for("SUSPENDUE")
    client.force_login(personas.simple_change)
    client.get(url(invoice))  # warm up
    with CaptureQueriesContext(connection) as few:
        client.get(url(invoice))
    for _ in range(5):
        StatusEvent.objects.create(invoice=invoice, status="SUSPENDUE", actor=personas.main_manager)
        attachment_of(invoice, name="piece.pdf")
    with CaptureQueriesContext(connection) as many:
        client.get(url(invoice))
    assert len(many) == len(few)


def test_detail_history_action_column_names_the_action(client, personas, invoice_for):
    """Issue 11: a status change shows its action ("Suspendre"), a logged action its own
    name, not a dash."""
    invoice = invoice_for("SUSPENDUE")
    StatusEvent.objects.create(invoice=invoice, status="SUSPENDUE", transition="T10")
    StatusEvent.objects.create(invoice=invoice, status="SUSPENDUE", action="TELECHARGEMENT_FACTURE")
    client.force_login(personas.simple_view)
    html = client.get(url(invoice)).content.decode()
    history = html.split('id="invoice-history"', 1)[1]
    assert "<td>Suspendre</td>" in history
    assert "<td>Téléchargement de la facture</td>" in history


@pytest.mark.parametrize("popup_seen", [False, True])
def test_detail_reads_the_pending_acknowledgements_once(client, personas, invoice_for, popup_seen):
    """LIF-6's gate and pop-up share one read per request (issue 10): the pending list
    when the pop-up shows it, one EXISTS once it was shown in the session."""
    invoice = invoice_for("SUSPENDUE")  # pending, not yet blocking
    client.force_login(personas.simple_change)
    if popup_seen:
        client.get(url(invoice))  # the pop-up, shown once per session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url(invoice))
    assert response.status_code == 200
    pending_reads = [q for q in captured if '"acknowledged_at" IS NULL' in (q["sql"] or "")]
    assert len(pending_reads) == 1
    assert pending_reads[0]["sql"].endswith("LIMIT 1") is popup_seen
    assert not any('FROM "structures_structure"' in (q["sql"] or "") for q in captured)


@pytest.mark.parametrize(
    "status, offered",
    [
        ("MISE_A_DISPOSITION", set()),
        ("SUSPENDUE", {"complete_form"}),
    ],
)
def test_detail_builds_only_the_forms_of_the_actions_offered(
    client, personas, invoice_for, status, offered
):
    """Issue 10: the page built the four action forms on every view."""
    client.force_login(personas.simple_change)
    response = client.get(url(invoice_for(status)))
    assert response.status_code == 200
    names = {"complete_form", "rejection_form", "recycle_form", "validator_form"}
    assert {name for name in names if response.context[name] is not None} == offered
    if offered:
        assert 'id="complete-form"' in response.content.decode()
