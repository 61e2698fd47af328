"""The PDF deposit end to end through the web: upload → pre-filled form → "Valider et
envoyer" → confirmation → "Confirmer et envoyer" → summary (DEP-1..DEP-3, seed 004)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from invoicing.enums import InvoiceStatus
from invoicing.models import Attachment, Invoice, StatusEvent
from tests.invoicing.deposit.helpers import form_payload, invoice_pdf, pdf_upload

pytestmark = pytest.mark.django_db


def test_pdf_deposit_end_to_end_sends_and_shows_the_summary(
    client, personas, recipient, django_capture_on_commit_callbacks
):
    client.force_login(personas.simple_change)
    response = client.post(
        reverse("invoicing:deposit_upload"),
        {"file": pdf_upload(invoice_pdf(recipient.identifier))},
    )
    assert response.status_code == 302
    main_id = int(re.search(r"main=(\d+)", response["Location"]).group(1))

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert f'value="{recipient.identifier}"' in html
    assert recipient.company_name in html
    assert 'value="FA-2024-0042"' in html

    payload = form_payload(personas.structure, recipient, main_attachment=str(main_id))
    validated = client.post(reverse("invoicing:deposit_form"), {**payload, "action": "validate"})
    assert validated.status_code == 302  # post/redirect/get
    assert validated["Location"].startswith("/factures/emises/depot/confirmation/")
    confirm = client.get(validated["Location"])
    assert confirm.status_code == 200, confirm.content.decode()[:3000]
    assert "Confirmer et envoyer" in confirm.content.decode()
    assert 'value="FA-2024-0042"' in confirm.content.decode()  # the fields posted back
    assert client.get(validated["Location"]).status_code == 200  # a refresh shows it again
    assert not Invoice.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("invoicing:deposit_form"), {**payload, "action": "confirm"})
    invoice = Invoice.objects.get()
    assert done["Location"] == reverse("invoicing:deposit_done", args=[invoice.pk])
    summary = client.get(done["Location"]).content.decode()
    assert "La facture n° FA-2024-0042 est validée, elle est en cours de transmission" in summary
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION
    # once sent, the confirmation page is gone: a refresh leads back to the deposit page
    assert client.get(validated["Location"])["Location"] == reverse("invoicing:deposit")
    assert Attachment.objects.get(pk=main_id).invoice == invoice
    assert list(StatusEvent.objects.filter(invoice=invoice).values_list("status", flat=True)) == [
        "DEPOSEE",
        "MISE_A_DISPOSITION",
    ]


def test_confirmation_of_an_unknown_key_leads_back_to_the_deposit_page(client, personas):
    client.force_login(personas.simple_change)
    url = reverse("invoicing:deposit_confirmation", args=["not-a-stash"])
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("invoicing:deposit")
    assert "Cette confirmation a expiré" in response.content.decode()


def test_confirmation_of_another_user_is_not_shown(client, personas, recipient):
    """The stash lives in the session of the user who validated."""
    client.force_login(personas.simple_change)
    main = client.post(
        reverse("invoicing:deposit_upload"), {"file": pdf_upload(invoice_pdf(recipient.identifier))}
    )
    main_id = re.search(r"main=(\d+)", main["Location"]).group(1)
    payload = form_payload(personas.structure, recipient, main_attachment=main_id)
    validated = client.post(reverse("invoicing:deposit_form"), {**payload, "action": "validate"})
    client.force_login(personas.main_manager)
    response = client.get(validated["Location"])
    assert response["Location"] == reverse("invoicing:deposit")
