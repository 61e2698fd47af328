"""Browser test of the Issued invoices area: the LIF-6 pop-up opens by itself after login
and, past 7 days, cannot be closed; "Tout acquitter et fermer" acknowledges; the supplier
then completes a suspended invoice from its page and sees the new status in the history."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from invoicing.models import Invoice
from tests.factories.invoicing import InvoiceFactory
from tests.factories.structures import build_personas

pytestmark = pytest.mark.django_db(transaction=True)


def _login(page, user) -> None:
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


def test_issued_popup_then_complete_a_suspended_invoice(page, tmp_path):
    personas = build_personas()
    suspended = InvoiceFactory(
        supplier=personas.structure,
        recipient=personas.public,
        status="SUSPENDUE",
        number="SUSP-E2E",
        status_comment="Merci de joindre le bon de commande",
        status_changed_at=timezone.now() - datetime.timedelta(days=9),
    )
    _login(page, personas.simple_change)

    page.goto(page.base_url + "/factures/emises/")
    modal = page.locator("#acknowledgement-modal")
    modal.wait_for(state="visible")
    assert modal.get_attribute("data-mandatory") == "true"
    assert page.locator("#acknowledgement-close").count() == 0
    assert "SUSP-E2E" in modal.inner_text()
    page.screenshot(path=str(tmp_path / "issued-popup.png"))

    # Mandatory: the other pages of the area lead to the acknowledgement page.
    page.goto(page.base_url + "/factures/emises/rechercher/")
    assert page.url.endswith("/factures/emises/acquittements/")
    page.click("#acknowledgement-page-form-all")
    page.wait_for_url("**/factures/emises/")
    assert page.locator("#acknowledgement-modal").count() == 0
    suspended.refresh_from_db()
    assert suspended.acknowledged_at is not None

    page.goto(page.base_url + f"/factures/emises/{suspended.pk}/")
    assert "Merci de joindre le bon de commande" in page.locator("#last-comment").inner_text()
    page.fill("#complete-form textarea[name=comment]", "Bon de commande transmis par courriel")
    page.click("#complete-form button[type=submit]")
    page.wait_for_selector("#invoice-history")
    assert Invoice.objects.get(pk=suspended.pk).status == "COMPLETEE"
    assert "complétée" in page.locator("#invoice-history").inner_text().lower()
    page.screenshot(path=str(tmp_path / "issued-detail.png"), full_page=True)
