"""Drafts (DEP-2): "Enregistrer le brouillon" saves an incomplete invoice (T1), it can be
resumed, edited, sent or deleted; only drafts are editable."""

from __future__ import annotations

import pytest
from django.urls import reverse

from invoicing.deposit import drafts, services
from invoicing.enums import InvoiceStatus
from invoicing.models import Attachment, Invoice, StatusEvent
from tests.factories.invoicing import InvoiceFactory
from tests.invoicing.deposit.helpers import entry_payload, form_payload, upload_main, valid_data

pytestmark = pytest.mark.django_db
S = InvoiceStatus


@pytest.fixture
def logged(client, actor):
    client.force_login(actor)
    return client


def test_save_draft_through_the_form_keeps_an_incomplete_invoice(logged, actor, supplier):
    main = upload_main(actor)
    response = logged.post(
        reverse("invoicing:deposit_form"),
        {
            "main_attachment": str(main.pk),
            "supplier": str(supplier.pk),
            "frame": "A1_FACTURE_FOURNISSEUR",
            "invoice_type": "FACTURE",
            "currency": "EUR",
            "vat_type": "TVA_SUR_DEBIT",
            "recipient_identifier": "12345678200099",
            "number": "BR-1",
            "action": "save_draft",
        },
    )
    draft = Invoice.objects.get()
    assert response["Location"] == reverse("invoicing:draft_edit", args=[draft.pk])
    assert draft.status == S.BROUILLON
    assert draft.recipient is None
    assert draft.recipient_identifier == "12345678200099"
    assert draft.number == "BR-1"
    assert list(StatusEvent.objects.values_list("status", "transition")) == [(S.BROUILLON, "T1")]
    assert Attachment.objects.get().invoice == draft


def test_resume_draft_shows_its_values(logged, actor, supplier, recipient):
    main = upload_main(actor)
    draft = drafts.save_draft(
        valid_data(supplier, recipient, number="BR-2"), actor=actor, main_attachment_id=main.pk
    )
    html = logged.get(reverse("invoicing:draft_edit", args=[draft.pk])).content.decode()
    assert 'value="BR-2"' in html
    assert f'value="{recipient.identifier}"' in html
    assert main.original_name in html
    assert "Supprimer le brouillon" in html


def test_edit_draft_is_a_plain_save(logged, actor, supplier, recipient):
    main = upload_main(actor)
    draft = drafts.save_draft(
        valid_data(supplier, recipient), actor=actor, main_attachment_id=main.pk
    )
    payload = form_payload(supplier, recipient, main_attachment=str(main.pk), number="BR-3")
    logged.post(
        reverse("invoicing:draft_edit", args=[draft.pk]), {**payload, "action": "save_draft"}
    )
    draft.refresh_from_db()
    assert draft.number == "BR-3"
    assert StatusEvent.objects.filter(invoice=draft).count() == 1


def test_send_draft_moves_it_from_brouillon(
    logged, actor, supplier, recipient, django_capture_on_commit_callbacks
):
    main = upload_main(actor)
    draft = drafts.save_draft(
        valid_data(supplier, recipient), actor=actor, main_attachment_id=main.pk
    )
    payload = form_payload(supplier, recipient, main_attachment=str(main.pk))
    with django_capture_on_commit_callbacks(execute=True):
        response = logged.post(
            reverse("invoicing:draft_edit", args=[draft.pk]), {**payload, "action": "confirm"}
        )
    assert response["Location"] == reverse("invoicing:deposit_done", args=[draft.pk])
    assert list(StatusEvent.objects.filter(invoice=draft).values_list("status", flat=True)) == [
        S.BROUILLON,
        S.DEPOSEE,
        S.MISE_A_DISPOSITION,
    ]
    assert Invoice.objects.count() == 1


def test_sent_invoice_is_no_longer_editable(logged, supplier):
    sent = InvoiceFactory(supplier=supplier, status=S.MISE_A_DISPOSITION)
    response = logged.get(reverse("invoicing:draft_edit", args=[sent.pk]))
    assert response.status_code == 302
    assert "brouillon" not in response["Location"]


def test_delete_draft_removes_it_and_unlinks_its_files(logged, actor, supplier, recipient):
    main = upload_main(actor)
    draft = drafts.save_draft(
        valid_data(supplier, recipient), actor=actor, main_attachment_id=main.pk
    )
    response = logged.post(reverse("invoicing:draft_delete", args=[draft.pk]))
    assert response["Location"] == reverse("invoicing:deposit")
    assert not Invoice.objects.exists()
    main.refresh_from_db()
    assert main.invoice is None


def test_delete_sent_invoice_is_refused(logged, supplier):
    sent = InvoiceFactory(supplier=supplier, status=S.DEPOSEE)
    response = logged.post(reverse("invoicing:draft_delete", args=[sent.pk]))
    assert response.status_code == 404
    assert Invoice.objects.filter(pk=sent.pk).exists()


def test_drafts_are_listed_on_the_deposit_page(logged, actor, supplier, recipient):
    main = upload_main(actor)
    drafts.save_draft(
        valid_data(supplier, recipient, number="BR-LIST"), actor=actor, main_attachment_id=main.pk
    )
    html = logged.get(reverse("invoicing:deposit")).content.decode()
    assert "BR-LIST" in html


def test_save_draft_clicked_twice_on_a_new_form_makes_one_draft(
    logged, supplier, recipient, django_capture_on_commit_callbacks
):
    payload = entry_payload(supplier, recipient, "save_draft")
    with django_capture_on_commit_callbacks(execute=True):
        first = logged.post(reverse("invoicing:deposit_entry"), payload)
    with django_capture_on_commit_callbacks(execute=True):
        second = logged.post(reverse("invoicing:deposit_entry"), payload)
    draft = Invoice.objects.get()
    assert (
        first["Location"] == second["Location"] == reverse("invoicing:draft_edit", args=[draft.pk])
    )


def test_pdf_save_draft_clicked_twice_makes_one_draft(logged, actor, supplier, recipient):
    main = upload_main(actor)
    payload = {
        **form_payload(supplier, recipient, main_attachment=str(main.pk), token=""),
        "action": "save_draft",
    }
    logged.post(reverse("invoicing:deposit_form"), payload)
    second = logged.post(reverse("invoicing:deposit_form"), payload)
    draft = Invoice.objects.get()
    assert second["Location"] == reverse("invoicing:draft_edit", args=[draft.pk])


def test_send_from_the_form_first_saved_as_draft_sends_that_draft(
    actor, supplier, recipient, django_capture_on_commit_callbacks
):
    main = upload_main(actor)
    data = valid_data(supplier, recipient)
    with django_capture_on_commit_callbacks(execute=True):
        draft = drafts.save_draft(data, actor=actor, main_attachment_id=main.pk, token="T")
    invoice = services.send_invoice(data, actor=actor, main_attachment_id=main.pk, token="T")
    assert invoice.pk == draft.pk
    assert Invoice.objects.count() == 1
