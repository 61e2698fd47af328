"""Browser test of the PDF deposit (issue 4, seeds 001/002/004): a supplier logs in, deposits
a generated PDF, sees the recipient SIRET pre-filled with the recipient's name, adds an
attachment without saving first, sends, confirms, and downloads the deposit certificate."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from invoicing.enums import InvoiceStatus
from invoicing.models import Invoice
from tests.factories.accounts import PASSWORD
from tests.factories.structures import build_personas
from tests.invoicing import samples

pytestmark = pytest.mark.django_db(transaction=True)


def test_supplier_deposits_a_pdf_and_downloads_the_certificate(page, tmp_path):
    personas = build_personas()
    recipient = personas.public
    invoice_day = timezone.localdate() - datetime.timedelta(days=3)
    pdf = tmp_path / "facture-e2e.pdf"
    pdf.write_bytes(
        samples.pdf_from_pages(
            samples.lines(
                "FACTURE",
                "Facture n° E2E-2024-001",
                f"Date de facture : {invoice_day:%d/%m/%Y}",
                f"SIRET client : {recipient.identifier}",
                "Total HT : 1 000,00 €",
                "TVA : 200,00 €",
                "Total TTC : 1 200,00 €",
            )
        )
    )
    attachment = tmp_path / "bon-de-commande.pdf"
    attachment.write_bytes(samples.plain_text_pdf())

    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=login]", personas.simple_change.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(page.base_url + "/")

    page.goto(page.base_url + "/factures/emises/depot/")
    page.set_input_files("#upload-form input[type=file]", str(pdf))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url("**/factures/emises/depot/formulaire/**")

    assert page.input_value("#id_recipient_identifier") == recipient.identifier
    assert page.input_value("#id_number") == "E2E-2024-001"
    assert recipient.company_name in page.inner_text("#recipient-name")

    page.select_option("#id_payment_mode", "VIREMENT")
    page.fill("#id_amount_to_pay", "1200.00")
    page.set_input_files("#id_attachment_file", str(attachment))
    page.fill("#id_attachment_designation", "Bon de commande signé")
    page.select_option("#id_attachment_type", "BON_DE_COMMANDE")
    page.click("#attachment-add")
    page.locator("#attachment-rows tr").first.wait_for()
    assert "Bon de commande signé" in page.inner_text("#attachment-rows")

    page.click("#validate-and-send")
    page.wait_for_selector("#confirm-and-send")
    assert "Confirmation d'envoi" in page.content()
    assert "/factures/emises/depot/confirmation/" in page.url  # post/redirect/get
    page.reload()  # a refresh shows the confirmation again, without posting
    page.wait_for_selector("#confirm-and-send")
    assert not Invoice.objects.filter(number="E2E-2024-001").exists()
    page.click("#confirm-and-send")
    page.wait_for_url("**/recapitulatif/")
    assert "est validée, elle est en cours de transmission" in page.inner_text("#deposit-done")

    with page.expect_download() as download_info:
        page.click("#certificate-link")
    download = download_info.value
    content = download.path().read_bytes()
    assert content.startswith(b"%PDF")

    invoice = Invoice.objects.get(number="E2E-2024-001")
    assert invoice.status in (InvoiceStatus.DEPOSEE, InvoiceStatus.MISE_A_DISPOSITION)
    assert invoice.attachments.count() == 2


def test_online_entry_shows_the_totals_as_lines_are_typed(page):
    personas = build_personas()
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=login]", personas.main_manager.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(page.base_url + "/")

    page.goto(page.base_url + "/factures/emises/depot/saisie/")
    assert page.locator("#mandate-link").is_visible()
    page.fill("#id_lines-0-designation", "Conseil")
    page.fill("#id_lines-0-quantity", "3")
    page.fill("#id_lines-0-unit_price", "33.33")
    # Not wait_for_function(): Playwright evaluates its string, which the CSP refuses (no eval).
    expect(page.locator("#total-ttc")).to_contain_text("119,99")
    assert "99,99" in page.inner_text("#total-ht")
