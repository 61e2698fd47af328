"""Browser test of issue 3's members flow: A creates a structure, B asks to be attached,
A validates, opens an area and subscribes B to it, and B sees the new tab without logging
out (AREA-8)."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.test import Client

from structures.enums import Role
from structures.models import Membership, Structure
from tests.factories.accounts import UserFactory
from tests.factories.structures import make_siret

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _areas_built(settings):
    """TO_VALIDATE is built here whatever the progress of the validation app."""
    settings.ROOT_URLCONF = "tests.structures.urls"


def _login(page, user) -> None:
    """A logged-in browser session (the login form is the accounts app's own test)."""
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


def _tabs(page) -> list[str]:
    return page.locator("#area-tabs [data-area]").evaluate_all(
        "links => links.map(link => link.dataset.area)"
    )


def test_structure_attachment_and_subscription_flow(page, browser):
    user_a = UserFactory(email="alice@example.test", first_name="Alice", last_name="Martin")
    user_b = UserFactory(email="bruno@example.test", first_name="Bruno", last_name="Petit")
    siret = make_siret()

    # A creates a private structure (STR-7) and becomes its main manager.
    _login(page, user_a)
    page.goto(page.base_url + "/structures/creer/")
    page.fill("#id_identifier", siret)
    page.click("#identifier-search button[type=submit]")
    page.fill("#id_company_name", "Menuiserie Alice")
    page.fill("#id_street", "3 rue des Copeaux")
    page.fill("#id_postcode", "69002")
    page.fill("#id_city", "Lyon")
    page.click("#structure-create button[type=submit]")
    page.wait_for_load_state()
    structure = Structure.objects.get(identifier=siret)
    assert Membership.objects.get(structure=structure, user=user_a).role == Role.MAIN_MANAGER
    assert "MANAGER" in _tabs(page)

    # B asks to be attached, from My account.
    context_b = browser.new_context(locale="fr-FR")
    page_b = context_b.new_page()
    page_b.base_url = page.base_url
    _login(page_b, user_b)
    page_b.goto(page.base_url + "/structures/rattachements/")
    page_b.click("#ask-link")
    page_b.fill("#id_q", siret[:9])
    page_b.click("#structure-search button[type=submit]")
    page_b.click(f"label[for=structure-{structure.pk}]")
    page_b.click("#submit-link-request")
    page_b.wait_for_selector("#my-link-requests [data-status=EN_ATTENTE]")

    # A validates the request from Manager activities.
    page.click("#area-tabs [data-area=MANAGER]")
    row = page.locator("#pending-link-requests tr", has_text="bruno@example.test")
    row.get_by_role("button", name="Valider").click()
    page.wait_for_selector("#messages")
    assert Membership.objects.get(structure=structure, user=user_b).role == Role.USER

    # A opens the area "Factures à valider" on the structure, then subscribes B to it.
    page.locator(f"#my-structures tr[data-structure='{structure.pk}']").get_by_role(
        "link", name="Espaces"
    ).click()
    page.locator("#areas-table tr[data-area=TO_VALIDATE]").get_by_role(
        "button", name="Ajouter l'espace"
    ).click()
    page.wait_for_selector("#areas-table tr[data-area=TO_VALIDATE][data-opened='1']")
    page.click("#structure-nav >> text=Abonnements en masse")
    page.select_option(f"select[name='sub-{user_b.pk}-TO_VALIDATE']", "change")
    page.click("#bulk-save")
    page.wait_for_selector("#messages")

    # B reloads: the tab is there, in the same session (AREA-8).
    assert "TO_VALIDATE" not in _tabs(page_b)
    page_b.reload()
    assert "TO_VALIDATE" in _tabs(page_b)
    page_b.goto(page.base_url + "/structures/abonnements/")
    assert page_b.locator("#my-areas [data-area=TO_VALIDATE][data-mode=change]").is_visible()
    context_b.close()
