"""Browser tests of the API's portal screens and of the flows area (issues 12 and 13):

- CONNECTIONS: declare a connection, read client_id / client_secret once, revoke it;
- Manager activities: create the technical account, its password shown once;
- FLOWS: deposit a structured lot on the portal, get sent to its flow, see its state,
  its per-invoice errors and its integrated invoice, then find it in the flows list.

Screenshots go to /tmp/apifunc-shots/ (or $E2E_SHOTS) for a person to look at.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from api.models import Connection, TechnicalAccount
from flows.enums import FlowState
from flows.models import Flow
from portal.areas import AreaCode
from structures import access
from tests.factories.accounts import PASSWORD
from tests.factories.structures import build_personas
from tests.flows.helpers import invoice_xml

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(os.environ.get("E2E_SHOTS") or Path(tempfile.gettempdir()) / "apifunc-shots")


@pytest.fixture(autouse=True)
def eager_celery():
    from portal.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def log_in(page, user) -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(page.base_url + "/")


def test_declare_a_connection_see_the_secret_once_and_revoke_it(page):
    personas = build_personas()
    access.open_area(personas.structure, AreaCode.CONNECTIONS, actor=None)
    log_in(page, personas.main_manager)

    page.goto(page.base_url + reverse("connections:list"))
    expect(page.locator("#connections-table")).to_contain_text("Aucun raccordement déclaré.")
    page.click("text=Déclarer un raccordement")
    page.select_option("#id_structure", str(personas.structure.pk))
    page.fill("#id_name", "APP_SANDBOX_E2E")
    page.select_option("#id_environment", "QUALIFICATION")
    page.select_option("#id_usage", "EDITEUR")
    page.fill("#id_contact_name", "Jeanne Technique")
    page.fill("#id_contact_email", "jeanne.tech@example.test")
    page.fill("#id_contact_phone", "01 02 03 04 05")
    shot(page, "connections-1-declare")
    page.click("#declare-connection-form button[type=submit]")

    client_id = page.inner_text("[data-client-id]").strip()
    secret = page.inner_text("[data-client-secret]").strip()
    connection = Connection.objects.get(name="APP_SANDBOX_E2E")
    assert client_id == connection.application.client_id
    assert len(secret) >= 32 and secret not in connection.application.client_secret
    expect(page.locator("#connection-credentials")).to_contain_text("jeanne.tech@example.test")
    shot(page, "connections-2-credentials")

    page.click("text=Retour aux raccordements")
    row = page.locator(f"tr[data-connection='{connection.pk}']")
    expect(row).to_contain_text(client_id)
    expect(row).to_contain_text("jeanne.tech@example.test")
    expect(row).to_contain_text("Actif")
    assert secret not in page.content()  # shown once
    shot(page, "connections-3-list")

    row.locator("text=Révoquer").click()
    page.click("#revoke-connection-form button[type=submit]")
    expect(page.locator(f"tr[data-connection='{connection.pk}']")).to_contain_text("Révoqué")
    expect(page.locator(".fr-alert--success, .fr-alert")).to_contain_text("est révoqué")
    shot(page, "connections-4-revoked")
    connection.refresh_from_db()
    assert connection.revoked_at is not None


def test_create_the_technical_account_password_shown_once(page):
    personas = build_personas()
    manager = personas.main_manager
    manager.contact_email = "boite.partagee@example.test"
    manager.save()
    log_in(page, manager)

    url = page.base_url + reverse("technical:technical", args=[personas.structure.pk])
    page.goto(url)
    shot(page, "technical-1-empty")
    page.click("#create-technical-form button[type=submit]")
    password = page.inner_text("[data-password]").strip()
    login = page.inner_text("[data-login]").strip()
    account = TechnicalAccount.objects.get(structure=personas.structure)
    assert login == account.user.email
    assert len(password) >= 16 and account.user.check_password(password)
    expect(page.locator("#technical-credentials")).to_contain_text("boite.partagee@example.test")
    shot(page, "technical-2-password")

    with page.expect_download() as download:
        page.click("#export-technical-form button[type=submit]")
    assert download.value.suggested_filename == "utilisateur-technique.pdf"

    page.goto(url)
    table = page.locator("#technical-account")
    expect(table).to_contain_text(login)
    expect(table).to_contain_text("boite.partagee@example.test")
    assert password not in page.content()  # shown once
    expect(page.locator("text=Réinitialiser le mot de passe")).to_be_visible()
    shot(page, "technical-3-listed")


def _lot(personas) -> bytes:
    good = invoice_xml(personas.structure, personas.public, number="E2E-FLX-1")
    unknown = invoice_xml(
        personas.structure,
        personas.public,
        number="E2E-FLX-2",
        buyer_ids=[("0009", "11111111111111")],
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("facture-1.xml", good)
        archive.writestr("facture-2.xml", unknown)
    return buffer.getvalue()


def test_deposit_a_lot_and_follow_its_flow(page, tmp_path):
    personas = build_personas()
    access.open_area(personas.structure, AreaCode.FLOWS, actor=None)
    lot = tmp_path / "lot-e2e.zip"
    lot.write_bytes(_lot(personas))
    log_in(page, personas.main_manager)

    page.goto(page.base_url + "/factures/emises/depot/")
    page.set_input_files("#upload-form input[type=file]", str(lot))
    shot(page, "flows-1-deposit")
    page.click("#upload-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/flux/\d+/$"))

    flow = Flow.objects.get()
    assert flow.state == FlowState.IN_INTEGRE_PARTIEL
    expect(page.locator("h1")).to_contain_text(flow.number)
    expect(page.locator("#flow-state")).to_contain_text("Intégré partiellement")
    expect(page.locator("#flow-counts")).to_contain_text("1 / 2")
    errors = page.locator("#invoice-errors")
    expect(errors).to_contain_text("E2E-FLX-2")
    expect(errors).to_contain_text("11111111111111")
    expect(page.locator("#integrated-invoices")).to_contain_text("E2E-FLX-1")
    expect(page.locator("#report-download")).to_be_visible()
    shot(page, "flows-2-detail")

    page.click("text=Suivi des flux")
    expect(page.locator("body")).to_contain_text(flow.number)
    expect(page.locator("body")).to_contain_text("Intégré partiellement")
    shot(page, "flows-3-list")

    page.goto(page.base_url + reverse("flows:detail", args=[flow.pk]))
    page.click("#integrated-invoices a")
    expect(page.locator("h1")).to_contain_text("E2E-FLX-1")
    shot(page, "flows-4-invoice")
