"""The deposit certificate (DEP-4): its content, its fingerprint, and who may download it."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from invoicing.deposit import uploads
from invoicing.deposit.services import ensure_certificate
from invoicing.documents.certificate import render_certificate_pdf
from invoicing.enums import InvoiceStatus
from tests.factories.invoicing import InvoiceFactory
from tests.invoicing import samples
from tests.invoicing.deposit.helpers import pdf_upload, send, upload_main, valid_data

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def sent(actor, supplier, recipient):
    main = upload_main(actor)
    extra = uploads.upload_attachment(
        pdf_upload(samples.plain_text_pdf(), "bon-de-commande.pdf"),
        actor=actor,
        designation="Bon de commande 42",
        attachment_type="BON_DE_COMMANDE",
    )
    invoice = send(actor, valid_data(supplier, recipient), main=main, attachments=[extra])
    return ensure_certificate(invoice)  # made on the first download (issue 10)


def test_certificate_states_the_fingerprint_number_parties_and_files(sent, supplier, recipient):
    content = (settings.MEDIA_ROOT / sent.certificate_file).read_bytes()
    text = pdf_text(content)
    assert sent.dossier_sha256 in text.replace("\n", "")
    assert "FA-2024-0042" in text
    assert supplier.identifier in text and recipient.identifier in text
    assert "Fournisseur Démo" in text and "Ministère Démo" in text
    assert "Bon de commande 42" in text and "bon-de-commande.pdf" in text
    assert "1 200,00" in text.replace("\u202f", " ").replace("\xa0", " ")
    assert "heure de Paris" in text


def test_certificate_fingerprint_is_the_sha256_of_the_stored_pdf(sent):
    content = (settings.MEDIA_ROOT / sent.certificate_file).read_bytes()
    assert sent.certificate_sha256 == hashlib.sha256(content).hexdigest()


def test_certificate_download_is_an_attachment_of_the_stored_file(client, actor, sent):
    client.force_login(actor)
    response = client.get(reverse("invoicing:certificate", args=[sent.pk]))
    body = b"".join(response.streaming_content)
    assert response["Content-Disposition"] == (
        'attachment; filename="certificat-depot-FA-2024-0042.pdf"'
    )
    assert response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(body).hexdigest() == sent.certificate_sha256


def test_certificate_of_another_structures_invoice_is_not_found(client, personas, sent):
    client.force_login(personas.other_user)
    assert client.get(reverse("invoicing:certificate", args=[sent.pk])).status_code == 404


def test_certificate_of_a_draft_is_not_found(client, personas):
    draft = InvoiceFactory(supplier=personas.structure, status=InvoiceStatus.BROUILLON)
    client.force_login(personas.main_manager)
    assert client.get(reverse("invoicing:certificate", args=[draft.pk])).status_code == 404


def test_certificate_missing_is_made_once_on_first_download(client, personas):
    invoice = InvoiceFactory(supplier=personas.structure, status=InvoiceStatus.MISE_A_DISPOSITION)
    client.force_login(personas.main_manager)
    first = b"".join(
        client.get(reverse("invoicing:certificate", args=[invoice.pk])).streaming_content
    )
    second = b"".join(
        client.get(reverse("invoicing:certificate", args=[invoice.pk])).streaming_content
    )
    invoice.refresh_from_db()
    assert first == second
    assert invoice.certificate_sha256 == hashlib.sha256(first).hexdigest()


def test_certificate_of_a9_names_the_validator(actor, supplier, recipient, validator_structure):
    data = valid_data(
        supplier,
        recipient,
        frame="A9_FACTURE_SOUSTRAITANT",
        validator_identifier=validator_structure.identifier,
    )
    invoice = send(actor, data)
    text = pdf_text(render_certificate_pdf(invoice))
    assert "Titulaire du marché" in text
    assert "sous-traitant" in text


def test_summary_page_offers_the_certificate_and_says_where_the_invoice_went(
    client, actor, supplier, recipient, validator_structure
):
    data = valid_data(
        supplier,
        recipient,
        frame="A12_FACTURE_COTRAITANT",
        validator_identifier=validator_structure.identifier,
    )
    invoice = send(actor, data)
    client.force_login(actor)
    html = client.get(reverse("invoicing:deposit_done", args=[invoice.pk])).content.decode()
    assert reverse("invoicing:certificate", args=[invoice.pk]) in html
    assert "titulaire / mandataire Titulaire du marché" in html
    assert "est validée, elle est en cours de transmission" not in html
