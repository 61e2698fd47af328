"""Issue 11: the pages fit the screen. At 1,280 px (a laptop) and 390 px (a phone), the main
pages of each demo persona have no horizontal scroll; the header's logo text is not clipped
when logged in; at 390 px the header links and the area tabs are behind the DSFR menu button;
a long file name in an error message or an attachment table wraps.

The screenshots go to $LAYOUT_SCREENSHOTS (when set) or pytest's tmp_path.
"""

from __future__ import annotations

import datetime
import io
import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from demo.structures import DOMAIN, STATE_SIRET, SUPPLIER_SIRET
from invoicing.models import Attachment, Invoice
from structures.models import Structure

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)
# No space, no hyphen: nothing where a browser would break the line by itself.
LONG_NAME = "ReleveDesPrestations" + "TresLongNomDeFichierSansEspace" * 6 + "2026.pdf"
# A stored name has 50 characters at most (ATT-1; PostgreSQL enforces it): still one long word.
STORED_NAME = LONG_NAME[:46] + ".pdf"
HORIZONTAL_OVERFLOW = """() => {
    const width = document.documentElement.clientWidth;
    const wide = Array.from(document.querySelectorAll('body *'))
        .filter(el => el.offsetParent !== null && el.getBoundingClientRect().right > width + 1)
        .filter(el => !el.closest('.fr-table__content, .fr-table table'))  // scroll in their frame
        .filter(el => !el.closest('.fr-header__navbar'))  // pushed right by the others
        .slice(-3).map(el => el.tagName + (el.id ? '#' + el.id : '') + '.' + el.className);
    return [document.documentElement.scrollWidth - width, wide];
}"""
LOGO_CLIPPED = """() => {
    const logo = document.querySelector('.fr-header__logo .fr-logo');
    return logo.scrollWidth > logo.clientWidth + 1;
}"""


def _supplier_pk() -> int:
    return Structure.objects.get(identifier=SUPPLIER_SIRET, is_active=True).pk


def _pages() -> dict[str | None, list[str]]:
    """The main pages of each persona (demo login → paths)."""
    supplier = _supplier_pk()
    issued = Invoice.objects.filter(supplier_id=supplier).exclude(status="BROUILLON").first()
    received = Invoice.objects.filter(
        recipient__identifier=STATE_SIRET, status="MISE_A_DISPOSITION"
    ).first()
    return {
        None: ["/", "/accounts/login/", "/accounts/signup/", "/structures/annuaire/"],
        "fournisseur.principal": [
            "/",
            "/factures/emises/",
            "/factures/emises/rechercher/",
            f"/factures/emises/{issued.pk}/",
            "/factures/emises/depot/",
            "/factures/emises/depot/saisie/",
            "/structures/gestionnaire/",
            "/structures/gestionnaire/historique/",
            f"/structures/gestionnaire/structures/{supplier}/utilisateurs/",
            "/mon-compte/",
        ],
        "etat.valideur": [
            "/",
            "/factures/recues/",
            f"/factures/recues/{received.pk}/",
        ],
        "titulaire": ["/", "/validation/"],
    }


def _log_in(context, base_url: str, login: str | None) -> None:
    context.clear_cookies()
    if login is None:
        return
    client = Client()
    client.force_login(get_user_model().objects.get(email=f"{login}@{DOMAIN}"))
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}]
    )


def _output(tmp_path: Path) -> Path:
    target = Path(os.environ.get("LAYOUT_SCREENSHOTS") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    return target


def _shot_name(width: int, login: str | None, path: str) -> str:
    slug = path.strip("/").replace("/", "_") or "home"
    return f"{width}-{login or 'visitor'}-{slug}.png"


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.parametrize("width", WIDTHS)
def test_main_pages_have_no_horizontal_scroll(demo, browser, live_server, tmp_path, width):
    output = _output(tmp_path)
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems = []
    for login, paths in _pages().items():
        _log_in(context, live_server.url, login)
        for path in paths:
            response = page.goto(live_server.url + path)
            if response is None or response.status != 200:
                problems.append(f"{login} {path}: HTTP {response.status if response else '?'}")
                continue
            page.evaluate("document.fonts.ready")
            overflow, wide = page.evaluate(HORIZONTAL_OVERFLOW)
            if overflow > 0:
                problems.append(f"{login} {path}: {overflow} px of horizontal scroll {wide}")
            if page.evaluate(LOGO_CLIPPED):
                problems.append(f"{login} {path}: the logo text is clipped")
            page.screenshot(path=str(output / _shot_name(width, login, path)), full_page=True)
    context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_desktop_header_logo_is_whole_with_a_long_name_and_a_last_login(
    demo, browser, live_server, tmp_path, language
):
    user = get_user_model().objects.get(email=f"fournisseur.principal@{DOMAIN}")
    user.first_name, user.last_name = "Marie-Christine", "de La Tour-Dauvergne-Lauraguais"
    user.previous_login = timezone.now() - datetime.timedelta(days=3)
    user.language = language
    user.save()
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _log_in(context, live_server.url, "fournisseur.principal")
    page.goto(live_server.url + "/factures/emises/")
    page.evaluate("document.fonts.ready")
    page.screenshot(path=str(_output(tmp_path) / f"1280-header-long-name-{language}.png"))
    assert user.last_name in page.inner_text("#header-user")
    assert not page.evaluate(LOGO_CLIPPED)
    assert page.evaluate(HORIZONTAL_OVERFLOW)[0] <= 0
    context.close()


def test_phone_header_links_and_tabs_are_behind_the_menu_button(
    demo, browser, live_server, tmp_path
):
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    page = context.new_page()
    _log_in(context, live_server.url, "fournisseur.principal")
    page.goto(live_server.url + "/factures/emises/")
    menu_button = page.locator("#header-menu-button")
    assert menu_button.is_visible()
    assert not page.locator("#area-tabs").is_visible()
    assert not page.locator(".fr-header__tools-links #header-user").is_visible()

    menu_button.click()
    page.locator("#header-menu.fr-modal--opened").wait_for()
    page.wait_for_timeout(300)  # the DSFR's opening transition
    page.screenshot(path=str(_output(tmp_path) / "390-menu-open.png"))
    assert page.locator("#area-tabs").is_visible()
    assert page.locator("#area-tabs a[data-area='ISSUED']").is_visible()
    # The DSFR copies the header links into the menu: the user's link is reachable there.
    assert (
        page.locator("#header-menu .fr-header__menu-links")
        .get_by_text("Se déconnecter")
        .is_visible()
    )
    context.close()


def test_desktop_header_shows_tabs_and_links_without_the_menu_button(demo, browser, live_server):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _log_in(context, live_server.url, "fournisseur.principal")
    page.goto(live_server.url + "/factures/emises/")
    assert not page.locator("#header-menu-button").is_visible()
    assert page.locator("#area-tabs").is_visible()
    assert page.locator("#header-user").is_visible()
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_long_file_names_wrap(demo, browser, live_server, tmp_path, width):
    """In the attachments table of an invoice and in an upload error message."""
    supplier = _supplier_pk()
    invoice = Invoice.objects.filter(supplier_id=supplier).exclude(status="BROUILLON").first()
    attachment = Attachment.objects.filter(invoice=invoice).first() or Attachment(
        invoice=invoice, size=10, sha256="0" * 64
    )
    attachment.original_name = STORED_NAME
    if not attachment.pk:
        attachment.path.save("long.pdf", ContentFile(b"%PDF-1.4"), save=False)
    attachment.save()
    output = _output(tmp_path)
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    _log_in(context, live_server.url, "fournisseur.principal")
    problems = []

    page.goto(live_server.url + f"/factures/emises/{invoice.pk}/")
    assert STORED_NAME in page.content()
    overflow, wide = page.evaluate(HORIZONTAL_OVERFLOW)
    if overflow > 0:
        problems.append(f"invoice page: {overflow} px of horizontal scroll {wide}")
    page.screenshot(path=str(output / f"{width}-long-name-invoice.png"), full_page=True)

    page.goto(live_server.url + "/factures/emises/depot/")
    page.set_input_files(
        "#upload-form input[type=file]",
        files=[{"name": LONG_NAME, "mimeType": "application/pdf", "buffer": b"not a pdf"}],
    )
    page.click("#upload-form button[type=submit]")
    page.wait_for_load_state()
    assert LONG_NAME[:40] in page.content()
    overflow, wide = page.evaluate(HORIZONTAL_OVERFLOW)
    if overflow > 0:
        problems.append(f"upload error: {overflow} px of horizontal scroll {wide}")
    page.screenshot(path=str(output / f"{width}-long-name-upload-error.png"), full_page=True)
    context.close()
    assert not problems, "\n".join(problems)
