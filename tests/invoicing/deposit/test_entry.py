"""Online entry (saisie): lines, VAT recap and totals computed by the portal, the billing
mandate required to send (MAN-1, INV-9), the invoice PDF generated with WeasyPrint."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from invoicing.enums import DepositMode
from invoicing.models import Invoice
from tests.factories.structures import BankAccountFactory, ServiceFactory
from tests.invoicing.deposit.helpers import entry_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(client, actor):
    client.force_login(actor)
    return client


def test_entry_without_mandate_is_refused_with_a_link_to_accept_it(
    client, personas, supplier, recipient
):
    client.force_login(personas.main_manager)
    response = client.post(
        reverse("invoicing:deposit_entry"), entry_payload(supplier, recipient, "validate")
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "mandat de facturation" in html
    assert reverse("structures:mandate", args=[supplier.pk]) in html
    assert not Invoice.objects.exists()


def test_entry_page_warns_a_simple_user_to_ask_a_manager(logged):
    html = logged.get(reverse("invoicing:deposit_entry")).content.decode()
    assert 'id="mandate-missing"' in html
    assert "Demandez à un gestionnaire" in html


def test_entry_with_mandate_generates_a_real_invoice_pdf(
    logged, supplier, recipient, django_capture_on_commit_callbacks
):
    supplier.billing_mandate_accepted_at = timezone.now()
    supplier.save()
    confirm = logged.post(
        reverse("invoicing:deposit_entry"),
        entry_payload(supplier, recipient, "validate"),
        follow=True,
    )
    assert confirm.status_code == 200, confirm.content.decode()[:3000]
    assert "Confirmer et envoyer" in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = logged.post(
            reverse("invoicing:deposit_entry"), entry_payload(supplier, recipient, "confirm")
        )
    invoice = Invoice.objects.get()
    assert done["Location"] == reverse("invoicing:deposit_done", args=[invoice.pk])
    assert invoice.deposit_mode == DepositMode.SAISIE_PORTAIL
    assert (invoice.amount_ht, invoice.amount_tva, invoice.amount_ttc) == (
        Decimal("1031.65"),
        Decimal("201.74"),
        Decimal("1233.39"),
    )
    assert invoice.amount_to_pay == Decimal("1233.39")
    assert [line.designation for line in invoice.lines.all()] == ["Conseil", "Livres"]
    assert [(v.rate, v.base_ht) for v in invoice.vat_lines.all()] == [
        (Decimal("5.50"), Decimal("31.65")),
        (Decimal("20.00"), Decimal("1000.00")),
    ]
    main = invoice.attachments.get(is_main=True)
    content = (settings.MEDIA_ROOT / main.path).read_bytes()
    assert content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "SA-2024-1" in text
    assert "Conseil" in text
    assert main.original_name == "facture-SA-2024-1.pdf"
    # Issue 11: the legal mentions and the payment due date (invoice date + 30 days)
    flat = " ".join(text.split())
    due = invoice.invoice_date + datetime.timedelta(days=30)
    assert recipient.payment_delay_days == 30
    assert f"Paiement à effectuer au plus tard le {due:%d/%m/%Y}" in flat
    assert "majoré de 8 points" in flat
    assert "indemnité forfaitaire pour frais de recouvrement de 40 €" in flat


def test_entry_invoice_pdf_carries_the_bank_details(
    logged, supplier, recipient, bank_account, django_capture_on_commit_callbacks
):
    supplier.billing_mandate_accepted_at = timezone.now()
    supplier.save()
    payload = entry_payload(supplier, recipient, "confirm")
    payload["bank_account"] = str(bank_account.pk)
    with django_capture_on_commit_callbacks(execute=True):
        logged.post(reverse("invoicing:deposit_entry"), payload)
    main = Invoice.objects.get().attachments.get(is_main=True)
    content = (settings.MEDIA_ROOT / main.path).read_bytes()
    text = " ".join(
        "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split()
    )
    assert "Coordonnées bancaires" in text
    assert f"IBAN : {bank_account.iban}" in text
    assert f"BIC : {bank_account.bic}" in text


def test_entry_form_preselects_the_only_bank_account(logged, supplier, bank_account):
    select = _bank_select(logged.get(reverse("invoicing:deposit_entry")).content.decode())
    assert f'<option value="{bank_account.pk}" selected>' in select


def test_entry_form_preselects_nothing_among_two_bank_accounts(logged, supplier, bank_account):
    BankAccountFactory(structure=supplier)
    select = _bank_select(logged.get(reverse("invoicing:deposit_entry")).content.decode())
    assert bank_account.iban[-4:] in select or str(bank_account) in select
    assert " selected>" not in select.split("</option>", 1)[1]  # only the empty choice


def _bank_select(html: str) -> str:
    return html.split('name="bank_account"', 1)[1].split("</select>", 1)[0]


def test_entry_recompute_returns_the_vat_recap_and_totals(logged, supplier, recipient):
    response = logged.post(
        reverse("invoicing:entry_recompute"), entry_payload(supplier, recipient, "")
    )
    html = response.content.decode()
    assert 'id="totals"' in html
    assert "1\xa0031,65" in html or "1 031,65" in html
    assert "1\xa0233,39" in html or "1 233,39" in html


def test_entry_add_line_shows_one_more_row(logged, supplier, recipient):
    response = logged.post(
        reverse("invoicing:deposit_entry"), entry_payload(supplier, recipient, "add_line")
    )
    assert response.content.decode().count('class="line"') == 3
    assert not Invoice.objects.exists()


def test_entry_draft_keeps_its_lines_and_resumes_in_entry_mode(logged, supplier, recipient):
    response = logged.post(
        reverse("invoicing:deposit_entry"), entry_payload(supplier, recipient, "save_draft")
    )
    draft = Invoice.objects.get()
    assert draft.deposit_mode == DepositMode.SAISIE_PORTAIL
    assert draft.lines.count() == 2
    html = logged.get(response["Location"]).content.decode()
    assert 'value="Livres"' in html
    assert 'id="lines"' in html


def test_entry_add_line_with_a_tampered_line_count_shows_the_form_again(
    logged, supplier, recipient
):
    payload = entry_payload(supplier, recipient, "add_line")
    payload["lines-TOTAL_FORMS"] = "abc"
    response = logged.post(reverse("invoicing:deposit_entry"), payload)
    assert response.status_code == 200
    assert 'id="lines"' in response.content.decode()
    assert not Invoice.objects.exists()


@pytest.mark.parametrize("value", ["abc", "1.5", "-3"])
def test_entry_with_a_non_numeric_supplier_gets_a_field_error(logged, supplier, recipient, value):
    payload = entry_payload(supplier, recipient, "validate")
    payload["supplier"] = value
    response = logged.post(reverse("invoicing:deposit_entry"), payload)
    assert response.status_code == 400
    assert "Choisissez une de vos structures." in response.content.decode()
    assert not Invoice.objects.exists()


def test_entry_pdf_shows_the_recipient_address_when_the_service_has_only_a_postcode(
    logged, supplier, recipient, django_capture_on_commit_callbacks
):
    supplier.billing_mandate_accepted_at = timezone.now()
    supplier.save()
    recipient.street, recipient.postcode, recipient.city = "1 rue de la Paix", "69001", "Lyon"
    recipient.save()
    ServiceFactory(structure=recipient, code="SVC-CP", street="", postcode="69002", city="")
    payload = entry_payload(supplier, recipient, "confirm", recipient_service_code="SVC-CP")
    with django_capture_on_commit_callbacks(execute=True):
        logged.post(reverse("invoicing:deposit_entry"), payload)

    invoice = Invoice.objects.get()
    assert invoice.recipient_address == "1 rue de la Paix\n69001 Lyon"
    main = invoice.attachments.get(is_main=True)
    content = (settings.MEDIA_ROOT / main.path).read_bytes()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "1 rue de la Paix" in text
    assert "69002" not in text


def test_entry_pdf_is_rendered_after_the_commit_and_caught_up_by_the_sweep(
    logged, supplier, recipient
):
    """Issue 10: the deposit request renders no PDF; the invoice is sent at once."""
    from datetime import timedelta

    from invoicing import tasks
    from invoicing.documents.files import sha256_of_paths
    from invoicing.enums import InvoiceStatus

    supplier.billing_mandate_accepted_at = timezone.now()
    supplier.save()
    logged.post(reverse("invoicing:deposit_entry"), entry_payload(supplier, recipient, "validate"))
    # Without on-commit callbacks: as if the broker were down when the deposit committed.
    logged.post(reverse("invoicing:deposit_entry"), entry_payload(supplier, recipient, "confirm"))
    invoice = Invoice.objects.get()
    assert invoice.status == InvoiceStatus.DEPOSEE
    assert not invoice.attachments.filter(is_main=True).exists()

    Invoice.objects.filter(pk=invoice.pk).update(deposited_at=timezone.now() - timedelta(hours=1))
    tasks.advance_stuck_invoices()
    main = invoice.attachments.get(is_main=True)
    assert (settings.MEDIA_ROOT / main.path).read_bytes().startswith(b"%PDF")
    invoice.refresh_from_db()
    assert invoice.dossier_sha256 == sha256_of_paths([main.path])
    tasks.render_entry_invoice_pdf(invoice.pk)  # idempotent: still one main file
    assert invoice.attachments.filter(is_main=True).count() == 1


def test_form_marks_the_fields_required_to_send(logged):
    """The DSFR required marker on the fields every invoice needs, not on the others."""
    html = logged.get(reverse("invoicing:deposit_entry")).content.decode()
    assert 'id="required-note"' in html
    marker = '<span class="fr-required-marker" aria-hidden="true"> *</span>'
    for name in ("id_number", "id_invoice_date", "id_recipient_identifier", "id_supplier"):
        label = html.split(f'<label class="fr-label" for="{name}">', 1)[1].split("</label>")[0]
        assert marker in label, name
    comment = html.split('<label class="fr-label" for="id_comment">', 1)[1].split("</label>")[0]
    assert marker not in comment
    assert 'for="id_amount_ht"' not in html  # entry mode: the totals are computed
