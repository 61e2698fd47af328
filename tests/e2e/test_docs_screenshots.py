"""The screenshots of the user guides (docs/guide/), and a smoke test of the pages they show.

On the demo data (`seed_demo`), each persona's main pages are visited in French and each must
show its heading. By default the screenshots go to pytest's tmp_path (the test is then only a
smoke test of the pages); with `DOCS_SCREENSHOTS=1` (`make docs-screenshots`) they are written
to docs/img/<name>.png, 1280×800, viewport only, to be committed with the guides.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from demo.structures import DOMAIN, SUPPLIER_SIRET
from invoicing.models import Invoice
from structures.models import Structure
from structures.requests import request_links
from tests.factories.accounts import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORT = {"width": 1280, "height": 800}
LABELLED_BUTTON_WIDTHS = """() => Array.from(document.querySelectorAll('.fr-btns-group .fr-btn'))
    .filter(button => button.textContent.trim() && button.offsetParent !== null)
    .map(button => [button.textContent.trim(), button.getBoundingClientRect().width])"""
DOCS_IMG = Path(django_settings.BASE_DIR) / "docs" / "img"


@dataclass(frozen=True)
class Shot:
    name: str  # docs/img/<name>.png
    login: str | None  # demo login (before @chorus-demo.test), None for a visitor
    path: str  # a URL path, or a callable's name resolved below
    heading: str  # text the page's <h1> (or the given selector) must contain
    selector: str = "h1"
    scroll_to: str | None = None  # bring this element near the top before the shot


def _invoice(number: str) -> int:
    return Invoice.objects.get(number=number).pk


def _supplier_pk() -> int:
    return Structure.objects.get(identifier=SUPPLIER_SIRET, is_active=True).pk


def _shots() -> list[Shot]:
    """Computed once the demo is seeded (the paths hold primary keys)."""
    supplier = _supplier_pk()
    return [
        Shot("welcome", None, "/", "Chorus Pro, en version de démonstration"),
        Shot("login", None, "/accounts/login/", "Connexion à Chorus Pro"),
        Shot("supplier-home", "fournisseur.principal", "/", "Bonjour"),
        Shot("deposit", "fournisseur.principal", "/factures/emises/depot/", "Dépôt de facture"),
        Shot("issued-synthesis", "fournisseur.principal", "/factures/emises/", "Factures émises"),
        Shot(
            "issued-search",
            "fournisseur.principal",
            "/factures/emises/rechercher/",
            "Factures émises",
        ),
        Shot(
            "issued-invoice",
            "fournisseur.principal",
            f"/factures/emises/{_invoice('FD-2026-004')}/",
            "Facture n° FD-2026-004",
            scroll_to="#invoice-title",
        ),
        Shot(
            "acknowledgement-popup",
            "fournisseur.retardataire",
            "/",
            "Factures rejetées ou suspendues",
            selector="#acknowledgement-modal-title",
        ),
        Shot("received-synthesis", "etat.valideur", "/factures/recues/", "Factures reçues"),
        Shot(
            "received-process",
            "etat.valideur",
            f"/factures/recues/{_invoice('FD-2026-002')}/",
            "Facture n° FD-2026-002",
            scroll_to="h1",
        ),
        Shot("to-validate", "titulaire", "/validation/", "Factures à valider"),
        Shot(
            "manager-activities",
            "fournisseur.principal",
            "/structures/gestionnaire/",
            "Activités du gestionnaire",
        ),
        Shot(
            "structure-members",
            "fournisseur.principal",
            f"/structures/gestionnaire/structures/{supplier}/utilisateurs/",
            "Utilisateurs de Fournisseur Démo SARL",
        ),
        Shot("my-account", "fournisseur.principal", "/mon-compte/", "Mon compte"),
        Shot("directory", None, "/structures/annuaire/", "Annuaire des structures publiques"),
    ]


@pytest.fixture
def docs_context(browser, live_server, settings):
    settings.DEMO_MODE = True  # the login page lists the demo accounts, as `make run` shows it
    context = browser.new_context(locale="fr-FR", viewport=VIEWPORT, device_scale_factor=1)
    context.set_default_timeout(15_000)
    yield context
    context.close()


def _log_in(context, base_url: str, login: str | None) -> None:
    """A session cookie from the test client: quicker than the login form, same pages."""
    context.clear_cookies()
    if login is None:
        return
    client = Client()
    client.force_login(get_user_model().objects.get(email=f"{login}@{DOMAIN}"))
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}]
    )


def _arrange_pending_link_request() -> None:
    """A newcomer asks to join the demo supplier: Manager activities then has a request."""
    newcomer = UserFactory(
        email=f"nouvelle.recrue@{DOMAIN}", first_name="Nina", last_name="Nouvelle"
    )
    supplier = Structure.objects.get(pk=_supplier_pk())
    request_links(actor=newcomer, structures=[supplier])


def _output_dir(tmp_path: Path) -> Path:
    if os.environ.get("DOCS_SCREENSHOTS") == "1":
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        return DOCS_IMG
    return tmp_path


def test_guide_pages_show_their_heading_and_are_captured(docs_context, live_server, tmp_path):
    call_command("seed_demo", stdout=io.StringIO())
    _arrange_pending_link_request()
    output = _output_dir(tmp_path)
    page = docs_context.new_page()
    problems = []
    for shot in _shots():
        _log_in(docs_context, live_server.url, shot.login)
        response = page.goto(live_server.url + shot.path)
        if response is None or response.status != 200:
            problems.append(f"{shot.name}: HTTP {response.status if response else '?'}")
            continue
        heading = page.locator(shot.selector).first
        heading.wait_for(state="visible")
        text = heading.inner_text()
        if shot.heading not in text:
            problems.append(f"{shot.name}: heading {text!r} lacks {shot.heading!r}")
        # Issue 11: a labelled button in a DSFR button group must show its label, not only
        # its icon (DSFR turns icon buttons into 40 px squares without --icon-left/right).
        for label, width in page.evaluate(LABELLED_BUTTON_WIDTHS):
            if width < 48:
                problems.append(f"{shot.name}: button {label!r} shows only its icon ({width} px)")
        if shot.selector == "#acknowledgement-modal-title":
            page.wait_for_selector("#acknowledgement-modal.fr-modal--opened")
            page.wait_for_timeout(400)  # the DSFR's opening transition
        if shot.scroll_to:
            page.locator(shot.scroll_to).first.evaluate(
                "element => window.scrollTo(0, element.getBoundingClientRect().top"
                " + window.scrollY - 16)"
            )
        page.evaluate("document.fonts.ready")
        page.screenshot(path=str(output / f"{shot.name}.png"), type="png", scale="css")
    page.close()
    assert problems == []
