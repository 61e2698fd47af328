"""Complementary attachments added on the deposit page without saving first (DEP-1, seed
002 rules ATT-1..ATT-8): each one checked, stored unlinked, then linked at save or send."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from invoicing.deposit import drafts, uploads
from invoicing.documents.files import MAX_DOSSIER_SIZE, MAX_FILE_SIZE
from invoicing.errors import InvoiceValidationError
from invoicing.models import Attachment
from tests.invoicing import samples
from tests.invoicing.deposit.helpers import pdf_upload, send, upload_main, valid_data

pytestmark = pytest.mark.django_db


class SizedUpload(SimpleUploadedFile):
    """An upload that claims a size: the size is checked before anything is read, so no
    memory is allocated for it."""

    def __init__(self, claimed: int, name: str = "gros.pdf"):
        super().__init__(name, samples.plain_text_pdf(), "application/pdf")
        self.size = claimed


def post_attachment(client, file, designation="Bon de commande", kind="BON_DE_COMMANDE", **extra):
    return client.post(
        reverse("invoicing:attachment_upload"),
        {"file": file, "designation": designation, "attachment_type": kind, **extra},
        HTTP_HX_REQUEST="true",
    )


@pytest.fixture
def logged(client, actor):
    client.force_login(actor)
    return client


def test_attachment_upload_returns_its_row_and_stores_it_unlinked(logged, actor):
    response = post_attachment(logged, pdf_upload(samples.plain_text_pdf(), "commande.pdf"))
    attachment = Attachment.objects.get()
    html = response.content.decode()
    assert f'name="attachment_ids" value="{attachment.pk}" form="deposit-form"' in html
    assert "commande.pdf" in html and "Bon de commande" in html
    assert (attachment.invoice, attachment.uploaded_by, attachment.is_main) == (None, actor, False)
    assert (settings.MEDIA_ROOT / attachment.path).read_bytes().startswith(b"%PDF")


def test_attachment_name_over_50_characters_is_refused_clearly(logged):
    name = "n" * 56 + ".pdf"
    response = post_attachment(logged, pdf_upload(samples.plain_text_pdf(), name))
    html = response.content.decode()
    assert response["HX-Retarget"] == "#attachment-upload"
    assert "dépasse 50 caractères (extension comprise)" in html
    assert not Attachment.objects.exists()


def test_attachment_executable_renamed_pdf_is_refused(logged):
    exe = SimpleUploadedFile("facture.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf")
    html = post_attachment(logged, exe).content.decode()
    assert "ne correspond pas à son extension .pdf" in html
    assert not Attachment.objects.exists()


def test_attachment_extension_not_allowed_is_refused(logged):
    html = post_attachment(logged, SimpleUploadedFile("virus.exe", b"MZ")).content.decode()
    assert "Les fichiers .exe ne sont pas acceptés" in html


def test_attachment_over_10_mb_is_refused_without_reading_it(actor):
    with pytest.raises(InvoiceValidationError) as caught:
        uploads.upload_attachment(
            SizedUpload(MAX_FILE_SIZE + 1),
            actor=actor,
            designation="Gros",
            attachment_type="AUTRE",
        )
    assert caught.value.errors["file"] == ["Le fichier dépasse la taille maximale de 10 Mo."]
    assert caught.value.codes["file"] == 20003


def test_attachment_over_the_dossier_limit_is_refused(actor):
    already = [
        Attachment.objects.create(
            uploaded_by=actor, path=f"x/{i}.pdf", original_name=f"{i}.pdf", size=MAX_FILE_SIZE,
            sha256="0" * 64, designation="Pièce", attachment_type="AUTRE",
        )
        for i in range(12)
    ]  # fmt: skip
    with pytest.raises(InvoiceValidationError) as caught:
        uploads.upload_attachment(
            SizedUpload(MAX_DOSSIER_SIZE - 12 * MAX_FILE_SIZE + 1),
            actor=actor,
            designation="Une de trop",
            attachment_type="AUTRE",
            dossier_ids=[a.pk for a in already],
        )
    assert "120 Mo" in caught.value.errors["file"][0]


def test_send_counts_the_dossier_size_on_the_server(actor, supplier, recipient):
    main = upload_main(actor)
    big = [
        Attachment.objects.create(
            uploaded_by=actor, path=f"x/{i}.pdf", original_name=f"{i}.pdf", size=MAX_FILE_SIZE,
            sha256="0" * 64, designation="Pièce", attachment_type="AUTRE",
        )
        for i in range(12)
    ]  # fmt: skip
    with pytest.raises(InvoiceValidationError) as caught:
        send(actor, valid_data(supplier, recipient), main=main, attachments=big)
    assert caught.value.codes["attachments"] == 20003


def test_attachment_without_designation_or_type_is_refused(logged):
    html = post_attachment(logged, pdf_upload(), designation="", kind="").content.decode()
    assert "La désignation de la pièce jointe est obligatoire." in html
    assert "Choisissez le type de la pièce jointe." in html
    assert not Attachment.objects.exists()


def test_attachment_designation_over_100_characters_is_refused(actor):
    with pytest.raises(InvoiceValidationError) as caught:
        uploads.upload_attachment(
            pdf_upload(), actor=actor, designation="d" * 101, attachment_type="AUTRE"
        )
    assert "100 caractères" in caught.value.errors["designation"][0]


def test_attachment_removed_from_a_draft_keeps_the_file(logged, actor, supplier, recipient):
    main = upload_main(actor)
    extra = uploads.upload_attachment(
        pdf_upload(), actor=actor, designation="Devis", attachment_type="DEVIS"
    )
    draft = drafts.save_draft(
        valid_data(supplier, recipient),
        actor=actor,
        main_attachment_id=main.pk,
        attachment_ids=[extra.pk],
    )
    assert draft.attachments.filter(is_main=False).get() == extra
    response = logged.post(reverse("invoicing:attachment_remove", args=[extra.pk]))
    assert response.status_code == 200
    extra.refresh_from_db()
    assert extra.invoice is None
    assert (settings.MEDIA_ROOT / extra.path).is_file()
    assert draft.attachments.get() == main


def test_attachment_of_another_user_cannot_be_removed(client, personas, actor):
    foreign = uploads.upload_attachment(
        pdf_upload(), actor=personas.main_manager, designation="D", attachment_type="DEVIS"
    )
    client.force_login(actor)
    response = client.post(reverse("invoicing:attachment_remove", args=[foreign.pk]))
    assert response.status_code == 404


def test_attachment_of_a_sent_invoice_cannot_be_removed(logged, actor, supplier, recipient):
    extra = uploads.upload_attachment(
        pdf_upload(), actor=actor, designation="D", attachment_type="DEVIS"
    )
    invoice = send(actor, valid_data(supplier, recipient), attachments=[extra])
    response = logged.post(reverse("invoicing:attachment_remove", args=[extra.pk]))
    assert response.status_code == 404
    assert invoice.attachments.filter(pk=extra.pk).exists()


def test_form_redisplays_the_added_attachments_after_an_error(logged, actor, recipient, supplier):
    main = upload_main(actor)
    extra = uploads.upload_attachment(
        pdf_upload(), actor=actor, designation="Devis signé", attachment_type="DEVIS"
    )
    response = logged.post(
        reverse("invoicing:deposit_form"),
        {
            "main_attachment": str(main.pk),
            "supplier": str(supplier.pk),
            "frame": "A1_FACTURE_FOURNISSEUR",
            "invoice_type": "FACTURE",
            "currency": "EUR",
            "vat_type": "TVA_SUR_DEBIT",
            "attachment_ids": [str(extra.pk)],
            "action": "validate",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Devis signé" in html
    assert f'name="attachment_ids" value="{extra.pk}"' in html
