"""The invoice file (DEP-1): detected by its content (§5.7), refused when unreadable, and
read to pre-fill the form (REC-4, REC-7, REC-8, FMT-0)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from invoicing.models import Attachment
from tests.invoicing import samples
from tests.invoicing.deposit.helpers import invoice_pdf, pdf_upload

pytestmark = pytest.mark.django_db


def upload(client, content, name="facture.pdf"):
    return client.post(reverse("invoicing:deposit_upload"), {"file": pdf_upload(content, name)})


def form_page(client, response):
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response["Location"]).content.decode()


def field_value(html, name):
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert match, name
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


@pytest.fixture
def logged(client, actor):
    client.force_login(actor)
    return client


def test_upload_pdf_with_keywords_prefills_the_form(logged, actor, recipient):
    html = form_page(logged, upload(logged, invoice_pdf(recipient.identifier)))
    assert field_value(html, "recipient_identifier") == recipient.identifier
    assert field_value(html, "number") == "FA-2024-0042"
    assert field_value(html, "invoice_date") == "2024-03-12"
    assert field_value(html, "amount_ht") == "1000.00"
    assert field_value(html, "amount_ttc") == "1200.00"
    assert 'id="recipient-name"' in html and recipient.company_name in html
    main = Attachment.objects.get()
    assert (main.is_main, main.invoice, main.uploaded_by) == (True, None, actor)


def test_upload_pdf_with_an_unknown_recipient_flags_it(logged):
    html = form_page(logged, upload(logged, invoice_pdf("11000201100044")))
    assert field_value(html, "recipient_identifier") == "11000201100044"
    assert 'id="recipient-unknown"' in html
    assert "Destinataire inconnu" in html


def test_upload_scanned_pdf_is_accepted_with_the_notice(logged):
    html = form_page(logged, upload(logged, samples.scanned_pdf()))
    assert "votre PDF ne contient pas de texte" in html
    assert field_value(html, "recipient_identifier") == ""
    assert field_value(html, "number") == ""


def test_upload_pdf_without_keywords_leaves_the_fields_empty(logged):
    html = form_page(logged, upload(logged, samples.plain_text_pdf()))
    assert field_value(html, "number") == ""
    assert 'id="recognition-notice"' not in html


def test_upload_facturx_prefills_every_field_from_the_xml(logged):
    html = form_page(logged, upload(logged, samples.facturx_pdf(), "facturx.pdf"))
    assert field_value(html, "recipient_identifier") == samples.RECIPIENT_SIRET
    assert field_value(html, "number") == samples.CII_VALUES["number"]
    assert field_value(html, "engagement_number") == samples.CII_VALUES["order"]
    assert field_value(html, "market_number") == samples.CII_VALUES["contract"]
    assert field_value(html, "amount_to_pay") == "1100.00"


def test_upload_ubl_xml_prefills_the_form(logged):
    html = form_page(logged, upload(logged, samples.ubl_xml(), "facture.xml"))
    assert field_value(html, "number") == samples.UBL_VALUES["number"]
    assert field_value(html, "recipient_identifier") == samples.RECIPIENT_SIRET


def test_upload_prefill_picks_the_bank_details_by_iban(logged, bank_account):
    html = form_page(logged, upload(logged, samples.keyword_invoice_pdf()))
    assert f'<option value="{bank_account.pk}" selected>' in html


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (samples.encrypted_pdf, "f.pdf", "protégé par un mot de passe"),
        (samples.truncated_pdf, "f.pdf", "illisible ou incomplet"),
        (samples.random_bytes, "f.pdf", "ne correspond pas à son extension"),
        # A lot is no longer refused here: it becomes a flow (tests/flows/test_views.py).
        (lambda: samples.zip_lot({"a.txt": b"hello"}), "lot.zip", "toutes de la même syntaxe"),
        (lambda: b"hello", "notes.txt", "format PDF ou XML"),
    ],
)
def test_upload_unreadable_file_is_refused_with_its_reason(logged, content, name, message):
    response = upload(logged, content(), name)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error-file"' in html
    assert message in html
    assert not Attachment.objects.exists()


def test_upload_pdf_protected_by_an_owner_password_only_is_accepted_and_prefilled(logged):
    """Issue 11: it opens without a password; only a PDF that needs one is refused."""
    response = upload(logged, samples.owner_password_pdf())
    assert response.status_code == 302, response.content.decode()[:2000]
    html = form_page(logged, response)
    assert 'value="FA-2024-0042"' in html
    assert Attachment.objects.count() == 1


def test_upload_prefilled_fields_carry_a_badge(logged):
    """Issue 11: the user sees which fields were read from the file, to check them."""
    html = form_page(logged, upload(logged, samples.keyword_invoice_pdf()))
    badge = "prefilled-badge"
    assert 'id="prefill-notice"' in html
    for name in ("id_number", "id_invoice_date", "id_recipient_identifier", "id_amount_ttc"):
        label = html.split(f'<label class="fr-label" for="{name}">', 1)[1].split("</label>")[0]
        assert badge in label, name
    comment = html.split('<label class="fr-label" for="id_comment">', 1)[1].split("</label>")[0]
    assert badge not in comment


def test_upload_without_recognised_field_shows_no_badge(logged):
    html = form_page(logged, upload(logged, samples.plain_text_pdf()))
    assert "prefilled-badge" not in html
    assert 'id="prefill-notice"' not in html


def test_upload_name_over_50_characters_is_refused(logged):
    response = upload(logged, samples.plain_text_pdf(), "f" * 57 + ".pdf")
    assert response.status_code == 400
    assert "dépasse 50 caractères" in response.content.decode()
    assert not Attachment.objects.exists()


def test_form_without_a_main_file_goes_back_to_the_choice(logged):
    response = logged.get(reverse("invoicing:deposit_form"))
    assert response["Location"] == reverse("invoicing:deposit")


def test_form_with_someone_elses_main_file_goes_back_to_the_choice(client, personas, logged):
    client.force_login(personas.main_manager)
    upload(client, samples.plain_text_pdf())
    foreign = Attachment.objects.get()
    logged.force_login(personas.simple_change)
    response = logged.get(reverse("invoicing:deposit_form") + f"?main={foreign.pk}")
    assert response["Location"] == reverse("invoicing:deposit")
