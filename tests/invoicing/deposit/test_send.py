"""Sending ("Confirmer et envoyer", T2/T3): the history, the snapshot, the dossier
fingerprint and the certificate, the deposit modes, double submits and duplicates."""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from invoicing.deposit import drafts, services, uploads
from invoicing.documents.files import sha256_of_paths
from invoicing.enums import DepositFormat, DepositMode, InvoiceStatus
from invoicing.errors import InvoiceValidationError
from invoicing.models import Attachment, Invoice, StatusEvent
from invoicing.rules import checks
from tests.factories.structures import BankAccountFactory, ServiceFactory
from tests.invoicing import samples
from tests.invoicing.deposit.helpers import (
    form_payload,
    pdf_upload,
    send,
    upload_main,
    valid_data,
)

pytestmark = pytest.mark.django_db
S = InvoiceStatus


def history(invoice):
    return list(StatusEvent.objects.filter(invoice=invoice).values_list("status", "transition"))


def add_attachment(actor, name="bon.pdf", designation="Bon de commande"):
    return uploads.upload_attachment(
        pdf_upload(samples.plain_text_pdf(), name),
        actor=actor,
        designation=designation,
        attachment_type="BON_DE_COMMANDE",
    )


def test_send_a1_creates_deposee_then_mise_a_disposition(
    actor, supplier, recipient, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invoice = send(actor, valid_data(supplier, recipient))
    invoice.refresh_from_db()
    assert history(invoice) == [(S.DEPOSEE, "T2"), (S.MISE_A_DISPOSITION, "T4")]
    assert invoice.status == S.MISE_A_DISPOSITION
    assert invoice.deposited_at is not None
    assert invoice.created_by == actor


def test_send_a9_waits_for_the_validator(
    actor, supplier, recipient, validator_structure, django_capture_on_commit_callbacks
):
    data = valid_data(
        supplier,
        recipient,
        frame="A9_FACTURE_SOUSTRAITANT",
        validator_identifier=validator_structure.identifier,
    )
    with django_capture_on_commit_callbacks(execute=True):
        invoice = send(actor, data)
    invoice.refresh_from_db()
    assert invoice.status == S.A_VALIDER_1
    assert history(invoice) == [(S.A_VALIDER_1, "T3")]
    assert invoice.validator == validator_structure
    assert invoice.validator_identifier == validator_structure.identifier
    assert invoice.validator_name == "Titulaire du marché"


def test_send_copies_the_parties_identity_onto_the_invoice(actor, supplier, recipients):
    recipient = recipients["plain"]
    supplier.vat_number = "FR32442293775"
    supplier.save()
    account = BankAccountFactory(structure=supplier, iban="FR7630006000011234567890189")
    own_service = ServiceFactory(structure=supplier, code="VENTES", name="Ventes")
    data = valid_data(
        supplier,
        recipient,
        recipient_service_code="SFACETAT",
        bank_account=account,
        supplier_service=own_service,
        engagement_number="EJ-77",
    )
    invoice = send(actor, data)
    assert invoice.supplier_identifier == supplier.identifier
    assert invoice.supplier_identifier_type == "SIRET"
    assert invoice.supplier_name == "Fournisseur Démo"
    assert invoice.supplier_address == "1 rue de la Paix\n75002 Paris"
    assert invoice.supplier_vat_number == "FR32442293775"
    assert invoice.supplier_iban == "FR7630006000011234567890189"
    assert invoice.supplier_service == own_service
    assert invoice.recipient == recipient
    assert invoice.recipient_identifier == recipient.identifier
    assert invoice.recipient_name == "Destinataire Etat"
    assert invoice.recipient_service_code == "SFACETAT"
    assert invoice.recipient_service_name == "Service facturier"
    assert invoice.engagement_number == "EJ-77"
    # A snapshot: renaming the structures later does not change the invoice.
    recipient.company_name = "Nouveau nom"
    recipient.save()
    invoice.refresh_from_db()
    assert invoice.recipient_name == "Destinataire Etat"


def test_send_links_the_dossier_and_fingerprints_it(actor, supplier, recipient):
    main = upload_main(actor)
    first, second = add_attachment(actor, "a.pdf"), add_attachment(actor, "b.pdf")
    invoice = send(actor, valid_data(supplier, recipient), main=main, attachments=[second, first])
    assert set(invoice.attachments.values_list("pk", flat=True)) == {main.pk, first.pk, second.pk}
    assert invoice.dossier_sha256 == sha256_of_paths([main.path, first.path, second.path])


def test_send_renders_no_certificate_its_first_download_stores_it(
    actor, supplier, recipient, monkeypatch
):
    from invoicing.deposit.services import ensure_certificate
    from invoicing.documents import certificate

    def no_pdf_in_the_deposit(html):
        raise AssertionError("a PDF rendered during the deposit")

    monkeypatch.setattr(certificate, "html_to_pdf", no_pdf_in_the_deposit)
    invoice = send(actor, valid_data(supplier, recipient))
    invoice.refresh_from_db()
    assert invoice.certificate_file == "" and invoice.certificate_sha256 == ""

    monkeypatch.undo()
    invoice = ensure_certificate(invoice)
    content = (settings.MEDIA_ROOT / invoice.certificate_file).read_bytes()
    assert content.startswith(b"%PDF")
    assert invoice.certificate_sha256 == hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize(
    ("content", "name", "mode", "fmt"),
    [
        (
            samples.plain_text_pdf,
            "f.pdf",
            DepositMode.DEPOT_PDF_PORTAIL,
            DepositFormat.PDF_NON_SIGNE,
        ),
        (
            samples.signed_pdf,
            "f.pdf",
            DepositMode.DEPOT_PDF_SIGNE_PORTAIL,
            DepositFormat.PDF_SIGNE_PADES,
        ),
        (samples.facturx_pdf, "fx.pdf", DepositMode.UPLOAD_PORTAIL, DepositFormat.FACTURX),
        (samples.ubl_xml, "f.xml", DepositMode.UPLOAD_PORTAIL, DepositFormat.UBL),
        (samples.cii_xml, "f.xml", DepositMode.UPLOAD_PORTAIL, DepositFormat.CII),
    ],
)
def test_send_records_the_deposit_mode_of_the_detected_format(
    actor, supplier, recipient, content, name, mode, fmt
):
    main = upload_main(actor, content(), name)
    invoice = send(actor, valid_data(supplier, recipient), main=main)
    assert (invoice.deposit_mode, invoice.deposit_format) == (mode, fmt)
    assert invoice.attachments.get(is_main=True) == main


def test_send_refused_saves_nothing(actor, supplier, recipient):
    main = upload_main(actor)
    extra = add_attachment(actor)
    with pytest.raises(InvoiceValidationError):
        send(
            actor,
            valid_data(supplier, recipient, amount_ttc=Decimal("1")),
            main=main,
            attachments=[extra],
        )
    assert not Invoice.objects.exists()
    assert not StatusEvent.objects.exists()
    assert set(Attachment.objects.values_list("invoice", flat=True)) == {None}


def test_send_without_the_main_file_is_refused(actor, supplier, recipient):
    with pytest.raises(InvoiceValidationError) as caught:
        services.send_invoice(valid_data(supplier, recipient), actor=actor)
    assert "fichier PDF ou XML" in caught.value.errors["file"][0]


def test_send_with_someone_elses_attachment_is_refused(personas, actor, supplier, recipient):
    foreign = add_attachment(personas.main_manager)
    with pytest.raises(InvoiceValidationError) as caught:
        send(actor, valid_data(supplier, recipient), attachments=[foreign])
    assert caught.value.codes["attachments"] == 20018
    assert not Invoice.objects.exists()


# --- Double submits and duplicates --------------------------------------------------------


def test_send_twice_with_the_same_token_creates_one_invoice(
    actor, supplier, recipient, django_capture_on_commit_callbacks
):
    main = upload_main(actor)
    data = valid_data(supplier, recipient)
    with django_capture_on_commit_callbacks(execute=True):
        first = send(actor, data, main=main, token="abc")
    with pytest.raises(drafts.AlreadySent) as caught:
        send(actor, data, main=main, token="abc")
    assert caught.value.invoice == first
    assert Invoice.objects.count() == 1


def test_entry_send_twice_with_the_same_token_creates_one_invoice(
    actor, supplier, recipient, django_capture_on_commit_callbacks
):
    supplier.billing_mandate_accepted_at = timezone.now()
    supplier.save()
    lines = [{"designation": "Conseil", "quantity": "1", "unit_price": "1000", "vat_rate": "20"}]
    data = valid_data(supplier, recipient, lines=lines, amount_to_pay=None)
    with django_capture_on_commit_callbacks(execute=True):
        send(actor, data, is_entry_mode=True, token="tok")
    with pytest.raises(drafts.AlreadySent):
        send(actor, data, is_entry_mode=True, token="tok")
    assert Invoice.objects.count() == 1


def test_confirm_posted_twice_through_the_web_creates_one_invoice(
    client, actor, supplier, recipient, django_capture_on_commit_callbacks
):
    client.force_login(actor)
    main = upload_main(actor)
    payload = {
        **form_payload(supplier, recipient, main_attachment=str(main.pk)),
        "action": "confirm",
    }
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("invoicing:deposit_form"), payload)
        second = client.post(reverse("invoicing:deposit_form"), payload)
    invoice = Invoice.objects.get()
    assert first["Location"] == second["Location"]
    assert second["Location"] == reverse("invoicing:deposit_done", args=[invoice.pk])


def test_sending_a_draft_twice_creates_one_invoice(actor, supplier, recipient):
    main = upload_main(actor)
    data = valid_data(supplier, recipient)
    draft = drafts.save_draft(data, actor=actor, main_attachment_id=main.pk)
    services.send_invoice(data, actor=actor, draft=draft, main_attachment_id=main.pk)
    with pytest.raises(drafts.AlreadySent):
        services.send_invoice(data, actor=actor, draft=draft, main_attachment_id=main.pk)
    assert Invoice.objects.count() == 1


def test_send_with_a_number_used_meanwhile_is_caught_by_the_constraint(
    actor, supplier, recipient, monkeypatch
):
    """The race INV-5's pre-check cannot see: the unique constraint answers, at the field."""
    day = timezone.localdate() - datetime.timedelta(days=1)
    first = send(actor, valid_data(supplier, recipient, invoice_date=day))
    monkeypatch.setattr(checks, "number_is_used", lambda **kwargs: False)
    with pytest.raises(InvoiceValidationError) as caught:
        send(actor, valid_data(supplier, recipient, invoice_date=day))
    assert caught.value.errors == {"number": ["Ce numéro de facture a déjà été utilisé"]}
    assert list(Invoice.objects.all()) == [first]


def test_send_same_number_other_year_is_accepted(actor, supplier, recipient):
    send(actor, valid_data(supplier, recipient, invoice_date=datetime.date(2023, 5, 1)))
    send(actor, valid_data(supplier, recipient, invoice_date=datetime.date(2024, 5, 1)))
    assert Invoice.objects.filter(number="FA-2024-0042").count() == 2


def test_send_same_number_same_year_is_refused(actor, supplier, recipient):
    send(actor, valid_data(supplier, recipient, invoice_date=datetime.date(2024, 5, 1)))
    with pytest.raises(InvoiceValidationError) as caught:
        send(actor, valid_data(supplier, recipient, invoice_date=datetime.date(2024, 9, 1)))
    assert caught.value.errors["number"] == ["Ce numéro de facture a déjà été utilisé"]
