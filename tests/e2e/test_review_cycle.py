"""Browser test of the review cycle (issue 5): a public reviewer suspends an invoice, the
supplier completes it from its Issued invoice page, the reviewer marks it service fait,
mandatée and mise en paiement; the supplier's "Engagements" tab then appears (AREA-7)."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.test import Client

from invoicing.enums import InvoiceStatus
from invoicing.models import Invoice, StatusEvent
from tests.factories.invoicing import InvoiceFactory
from tests.factories.structures import build_personas

S = InvoiceStatus
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


def _status(invoice) -> str:
    return Invoice.objects.get(pk=invoice.pk).status


def _choose(page, target: str) -> None:
    """DSFR radios are drawn by their label, which the user clicks."""
    radio_id = page.get_attribute(f"#process-form input[name=target][value={target}]", "id")
    page.click(f"#process-form label[for={radio_id}]")
    assert page.is_checked(f"#{radio_id}")


def _reviewer_sets(page, invoice, target: str, *, reason: str = "", mandate: str = "") -> None:
    page.goto(page.base_url + f"/factures/recues/{invoice.pk}/")
    _choose(page, target)
    if reason:
        page.fill("#process-form textarea[name=reason]", reason)
    if mandate:
        page.fill("#process-form input[name=mandate_number]", mandate)
    page.click("#process-submit")
    page.wait_for_selector("#messages .fr-alert--success")


def test_review_cycle_suspend_complete_pay_and_commitments_tab(page):
    personas = build_personas()
    invoice = InvoiceFactory(
        supplier=personas.structure,
        recipient=personas.public,
        status=S.MISE_A_DISPOSITION,
        number="CYCLE-E2E",
    )
    supplier = personas.main_manager  # managers hold every area opened on their structure

    # The supplier has no Engagements tab yet.
    _login(page, supplier)
    page.goto(page.base_url + "/")
    assert page.locator('#area-tabs a[data-area="COMMITMENTS"]').count() == 0

    # 1. The reviewer finds the invoice in the Synthèse and suspends it.
    _login(page, personas.public_reviewer)
    page.goto(page.base_url + "/factures/recues/")
    page.screenshot(path=str(django_settings.BASE_DIR / "var" / "e2e-received-synthesis.png"))
    page.click(f'#received-table tr[data-invoice="{invoice.pk}"] a')
    page.wait_for_selector("#process-form")
    page.screenshot(
        path=str(django_settings.BASE_DIR / "var" / "e2e-received-process.png"), full_page=True
    )
    labels = page.locator("#process-form fieldset label").all_inner_texts()
    assert "Mise en paiement" in labels and "Compléter" not in " ".join(labels)
    # Suspending without a reason is refused at the field, nothing changes.
    _choose(page, S.SUSPENDUE)
    page.click("#process-submit")
    page.wait_for_selector("#error-reason")
    assert _status(invoice) == S.MISE_A_DISPOSITION
    _reviewer_sets(page, invoice, S.SUSPENDUE, reason="Merci de joindre le bon de livraison")
    assert _status(invoice) == S.SUSPENDUE
    assert page.locator("#process-form").count() == 0  # now waiting for the supplier

    # 2. The supplier reads the reason and completes the invoice from its page.
    _login(page, supplier)
    page.goto(page.base_url + f"/factures/emises/{invoice.pk}/")
    # LIF-6: right after login the pop-up lists the suspended invoice; it may be closed
    # without acknowledging (the suspension is less than 7 days old).
    page.wait_for_selector("#acknowledgement-close", state="visible")
    page.click("#acknowledgement-close")
    page.wait_for_selector("#acknowledgement-modal", state="hidden")
    assert "Merci de joindre le bon de livraison" in page.content()
    page.fill("#complete-form textarea[name=comment]", "Bon de livraison envoyé")
    page.click("#complete-form button[type=submit]")
    page.wait_for_selector("#invoice-history")
    assert _status(invoice) == S.COMPLETEE

    # 3. Back in the reviewer's list; service fait, mandatée, mise en paiement.
    _login(page, personas.public_reviewer)
    page.goto(page.base_url + "/factures/recues/")
    assert page.locator(f'#received-table tr[data-invoice="{invoice.pk}"]').count() == 1
    _reviewer_sets(page, invoice, S.SERVICE_FAIT)
    _reviewer_sets(page, invoice, S.MANDATEE, mandate="MDT-2026-0001")
    _reviewer_sets(page, invoice, S.MISE_EN_PAIEMENT)
    assert _status(invoice) == S.MISE_EN_PAIEMENT
    assert Invoice.objects.get(pk=invoice.pk).mandate_number == "MDT-2026-0001"
    history = page.locator("#invoice-history").inner_text().lower()
    assert "mise en paiement" in history and "mandatée" in history
    page.screenshot(
        path=str(django_settings.BASE_DIR / "var" / "e2e-received-detail.png"), full_page=True
    )
    transitions = list(
        StatusEvent.objects.filter(invoice=invoice)
        .exclude(transition="")
        .values_list("transition", flat=True)
    )
    assert transitions == ["T10", "T15", "T13", "T13", "T14"]

    # 4. The supplier's Engagements tab has appeared (AREA-7, AREA-8: at the next page).
    _login(page, supplier)
    page.goto(page.base_url + "/")
    tab = page.locator('#area-tabs a[data-area="COMMITMENTS"]')
    assert tab.count() == 1
    tab.click()
    page.wait_for_url("**/engagements/**")
