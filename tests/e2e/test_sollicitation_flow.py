"""Browser test of issue 14: a supplier opens a SUIVI_FACTURE sollicitation from the
assistant, the recipient asks for more information, the supplier replies, the recipient
answers, the supplier closes it; the next daily digest of both is in the mail viewer."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from invoicing.enums import InvoiceStatus
from notifications import digest
from requests_app.models import Sollicitation
from tests.factories.invoicing import InvoiceFactory
from tests.factories.structures import build_personas

pytestmark = pytest.mark.django_db(transaction=True)


def _login(page, user) -> None:
    page.context.clear_cookies()
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": page.base_url,
            }
        ]
    )


def _act(page, scope: str, sollicitation, action: str, message: str = "") -> None:
    page.goto(page.base_url + f"/sollicitations/{scope}/{sollicitation.pk}/")
    if message:
        page.fill("#sollicitation-action-form textarea[name=message]", message)
    page.click(f'#sollicitation-action-form button[data-action="{action}"]')
    page.wait_for_selector("#messages .fr-alert--success")


def _open_mail(page, address: str) -> None:
    cell = page.locator("td", has_text=re.compile(f"^{re.escape(address)}$"))
    page.locator("#dev-mails tr", has=cell).locator("a").first.click()
    page.wait_for_selector("#dev-mail-body")


def test_follow_up_sollicitation_from_the_assistant_to_closing(page, settings):
    settings.DEBUG = True  # the mail viewer
    personas = build_personas()
    supplier, reviewer = personas.main_manager, personas.public_reviewer
    reviewer.notify_activity = True
    reviewer.save()
    invoice = InvoiceFactory(
        supplier=personas.structure,
        recipient=personas.public,
        status=InvoiceStatus.MISE_A_DISPOSITION,
        number="SUIVI-E2E",
    )

    # 1. The supplier asks the assistant, from the keyboard, then contacts the recipient.
    _login(page, supplier)
    page.goto(page.base_url + "/")
    page.focus("#assistant-avatar")
    page.keyboard.press("Enter")
    page.click('[data-assistant="invoice-menu"]')
    page.click('[data-assistant="tracking"]')
    page.fill("#assistant-number", "SUIVI-E2E")
    page.keyboard.press("Enter")
    page.wait_for_selector("#assistant-answer")
    assert "Ministère Démo" in page.inner_text("#assistant-answer")
    assert "Mise à disposition du destinataire" in page.inner_text("#assistant-status")
    page.click('[data-assistant="contact"]')
    page.wait_for_selector("#sollicitation-form")
    assert page.input_value("#id_invoice_number") == "SUIVI-E2E"
    page.fill("#id_message", "Bonjour, quand sera-t-elle payée ?")
    page.click("#send-sollicitation")
    page.wait_for_selector("#sollicitation-status")
    sollicitation = Sollicitation.objects.get()
    assert (sollicitation.category, sollicitation.invoice) == ("SUIVI_FACTURE", invoice)
    assert sollicitation.addressee_structure == personas.public

    # 2. The recipient finds it among the requests to process, takes it, asks for more.
    _login(page, reviewer)
    page.goto(page.base_url + "/sollicitations/recues/")
    page.click(f'#sollicitations-table tr[data-sollicitation="{sollicitation.number}"] a')
    page.wait_for_selector("#sollicitation-thread")
    _act(page, "recues", sollicitation, "OPEN")
    _act(page, "recues", sollicitation, "ASK_INFO", "Quel est le numéro du bon de commande ?")

    # 3. The supplier replies; 4. the recipient answers; 5. the supplier closes it.
    _login(page, supplier)
    _act(page, "emises", sollicitation, "REPLY", "BC-2026-042")
    _login(page, reviewer)
    _act(page, "recues", sollicitation, "ANSWER", "Elle sera mise en paiement demain.")
    _login(page, supplier)
    _act(page, "emises", sollicitation, "CLOSE")
    assert page.get_attribute("#sollicitation-status", "data-status") == "CLOTUREE"
    thread = page.inner_text("#sollicitation-thread")
    for text in ("BC-2026-042", "Elle sera mise en paiement demain."):
        assert text in thread
    page.screenshot(path=str(django_settings.BASE_DIR / "var" / "e2e-sollicitation.png"))

    # 6. Tomorrow's digests: the supplier learns of the request and the answer, the
    # recipient of the new request; both in the mail viewer.
    digest.send_digests(digest.DAILY, now=timezone.now() + datetime.timedelta(days=1))
    page.goto(page.base_url + "/dev/mails/")
    rows = page.inner_text("#dev-mails")
    assert supplier.notification_email in rows and reviewer.notification_email in rows
    _open_mail(page, reviewer.notification_email)
    body = page.inner_text("#dev-mail-body")
    assert f"Nouvelle sollicitation {sollicitation.number}" in body
    page.goto(page.base_url + "/dev/mails/")
    _open_mail(page, supplier.notification_email)
    body = page.inner_text("#dev-mail-body")
    assert f"Réponse à votre sollicitation {sollicitation.number}" in body
    assert f"Complément demandé sur votre sollicitation {sollicitation.number}" in body
