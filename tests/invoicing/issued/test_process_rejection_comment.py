"""T17 "Traiter le rejet" takes an optional reason and further information on the portal,
stored and shown in the history exactly as the API's `traiterRejet` stores `motifRejet`
and `cpltInfos` (API.md §6.13): one function composes the comment for both channels."""

from __future__ import annotations

import pytest
from django.urls import reverse

from invoicing import workflow
from invoicing.models import StatusEvent

pytestmark = pytest.mark.django_db


def _url(invoice):
    return reverse("invoicing:issued_process_rejection", args=[invoice.pk])


def _comment(invoice):
    return StatusEvent.objects.get(invoice=invoice, action="TRAITEMENT_REJET").comment


def test_the_form_shows_both_fields(client, personas, invoice_for):
    invoice = invoice_for("REJETEE")
    client.force_login(personas.simple_change)
    page = client.get(reverse("invoicing:issued_detail", args=[invoice.pk])).content.decode()
    assert 'id="process-rejection-form"' in page
    assert 'name="reason"' in page and 'name="details"' in page


def test_portal_stores_reason_and_details_and_the_history_shows_them(client, personas, invoice_for):
    invoice = invoice_for("REJETEE")
    client.force_login(personas.simple_change)
    response = client.post(
        _url(invoice),
        {
            "reason": "Facture refaite",
            "details": "Nouvelle facture FA-2",
            "expected_status": "REJETEE",
        },
    )
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.rejection_processed
    assert _comment(invoice) == "Facture refaite : Nouvelle facture FA-2"
    page = client.get(reverse("invoicing:issued_detail", args=[invoice.pk])).content.decode()
    assert "Facture refaite : Nouvelle facture FA-2" in page


def test_portal_fields_are_optional_and_bounded(client, personas, invoice_for):
    invoice = invoice_for("REJETEE")
    client.force_login(personas.simple_change)
    too_long = client.post(_url(invoice), {"reason": "x" * 256})
    assert too_long.status_code == 400
    invoice.refresh_from_db()
    assert not invoice.rejection_processed
    assert client.post(_url(invoice), {}).status_code == 302
    invoice.refresh_from_db()
    assert invoice.rejection_processed
    assert _comment(invoice) == ""


def test_one_composition_for_both_channels():
    assert workflow.rejection_processing_comment("Motif", "") == "Motif"
    assert workflow.rejection_processing_comment("", "Complément") == "Complément"
    assert workflow.rejection_processing_comment(" A ", " B ") == "A : B"
    assert len(workflow.rejection_processing_comment("a" * 255, "b" * 255)) == 255
