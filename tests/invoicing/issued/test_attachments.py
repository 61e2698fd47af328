"""Attachment downloads (every area): always `Content-Disposition: attachment` with nosniff,
only to those who may see the invoice; the recipient downloading the main file marks the
invoice downloaded (RCV-6)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from invoicing.models import StatusEvent
from tests.conftest import close_response

pytestmark = pytest.mark.django_db


def url(attachment):
    return reverse("invoicing:attachment", args=[attachment.invoice_id, attachment.pk])


def fetch(client, address):
    """GET, read the streamed body and close the file (no ResourceWarning)."""
    response = client.get(address)
    response.body = b"".join(response.streaming_content) if response.streaming else b""
    close_response(response)
    return response


@pytest.mark.parametrize(
    "persona", ["main_manager", "secondary_manager", "simple_view", "simple_change"]
)
def test_attachment_supplier_downloads_as_attachment(
    client, personas, invoice_for, attachment_of, persona
):
    attachment = attachment_of(invoice_for("SUSPENDUE"), name="facture.pdf", is_main=True)
    client.force_login(getattr(personas, persona))

    response = fetch(client, url(attachment))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="facture.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.body == b"%PDF-1.4 test"
    attachment.invoice.refresh_from_db()
    assert attachment.invoice.downloaded_by_recipient_at is None


def test_attachment_recipient_downloading_main_file_marks_it(
    client, personas, invoice_for, attachment_of
):
    invoice = invoice_for("MISE_A_DISPOSITION")
    main = attachment_of(invoice, is_main=True)
    extra = attachment_of(invoice, name="bon.pdf")
    client.force_login(personas.public_reviewer)

    extra_response = fetch(client, url(extra))
    invoice.refresh_from_db()
    marked_after_extra = invoice.downloaded_by_recipient_at
    main_response = fetch(client, url(main))
    invoice.refresh_from_db()

    assert extra_response.status_code == main_response.status_code == 200
    assert marked_after_extra is None
    assert invoice.downloaded_by_recipient_at is not None
    assert StatusEvent.objects.filter(invoice=invoice, action="TELECHARGEMENT_FACTURE").exists()


def test_attachment_validator_may_download(client, personas, invoice_for, attachment_of):
    from tests.factories.accounts import UserFactory
    from tests.factories.structures import StructureFactory, attach

    titulaire = StructureFactory()
    validator_user = UserFactory()
    attach(validator_user, titulaire, areas={"TO_VALIDATE": "view"})
    invoice = invoice_for("A_VALIDER_1", frame="A9_FACTURE_SOUSTRAITANT", validator=titulaire)
    attachment = attachment_of(invoice, is_main=True)
    client.force_login(validator_user)

    response = fetch(client, url(attachment))
    assert response.status_code == 200
    assert response.body == b"%PDF-1.4 test"  # the file itself, as an attachment
    assert response["Content-Disposition"].startswith("attachment")
    invoice.refresh_from_db()
    assert invoice.downloaded_by_recipient_at is None  # a validator is not the recipient


@pytest.mark.parametrize("persona", ["other_user", "support", "unattached"])
def test_attachment_others_get_404(client, personas, invoice_for, attachment_of, persona):
    attachment = attachment_of(invoice_for("MISE_A_DISPOSITION"), is_main=True)
    client.force_login(getattr(personas, persona))
    assert fetch(client, url(attachment)).status_code == 404


@pytest.mark.parametrize("status", ["BROUILLON", "A_VALIDER_1", "DEPOSEE"])
def test_attachment_recipient_cannot_download_before_it_is_made_available(
    client, personas, invoice_for, attachment_of, status
):
    attachment = attachment_of(invoice_for(status), is_main=True)
    client.force_login(personas.public_reviewer)
    assert fetch(client, url(attachment)).status_code == 404


def test_attachment_of_another_invoice_is_404(client, personas, invoice_for, attachment_of):
    mine = invoice_for("SUSPENDUE")
    foreign = attachment_of(
        invoice_for("SUSPENDUE", supplier=personas.other_structure), is_main=True
    )
    client.force_login(personas.simple_change)

    response = fetch(client, reverse("invoicing:attachment", args=[mine.pk, foreign.pk]))

    assert response.status_code == 404


def test_attachment_anonymous_is_sent_to_login(client, invoice_for, attachment_of):
    attachment = attachment_of(invoice_for("SUSPENDUE"), is_main=True)
    response = fetch(client, url(attachment))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_attachment_missing_file_is_404(client, personas, invoice_for, attachment_of):
    from django.conf import settings

    attachment = attachment_of(invoice_for("SUSPENDUE"), is_main=True)
    (settings.MEDIA_ROOT / attachment.path).unlink()
    client.force_login(personas.simple_change)
    assert fetch(client, url(attachment)).status_code == 404
