"""Base layout: demo banner, tabs from the area catalogue, language switch, deny by default."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal import areas
from structures.enums import Role
from tests.factories.accounts import UserFactory
from tests.factories.structures import StructureFactory, attach

pytestmark = pytest.mark.django_db


def tab_codes(response) -> list[str]:
    html = response.content.decode()
    return [area.code for area in areas.AREAS if f'data-area="{area.code}"' in html]


def test_login_page_shows_the_demo_banner(client):
    response = client.get(reverse("account_login"))
    assert 'id="demo-banner"' in response.content.decode()
    assert "pas le portail officiel" in response.content.decode()


def test_unattached_user_sees_only_home_sent_requests_and_account(client):
    """AREA-1: REQUESTS_SENT is every user's (to write to the support desk)."""
    client.force_login(UserFactory())
    response = client.get(reverse("home"))
    assert tab_codes(response) == ["HOME", "REQUESTS_SENT", "ACCOUNT"]
    assert 'id="no-structure"' in response.content.decode()


def test_manager_sees_manager_tab_and_issued(client):
    user = UserFactory()
    attach(user, StructureFactory(), Role.MAIN_MANAGER)
    client.force_login(user)
    codes = tab_codes(client.get(reverse("home")))
    assert codes[0] == "HOME" and codes[-1] == "ACCOUNT"
    assert {"MANAGER", "ISSUED"} <= set(codes)


def test_tabs_never_show_unbuilt_areas(client):
    user = UserFactory()
    attach(user, StructureFactory(), Role.MAIN_MANAGER)
    client.force_login(user)
    codes = set(tab_codes(client.get(reverse("home"))))
    unbuilt = {area.code for area in areas.AREAS if not area.built}
    assert codes.isdisjoint(unbuilt)


def test_language_switch_is_remembered(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get(reverse("home") + "?lang=en")
    assert '<html lang="en"' in response.content.decode()
    user.refresh_from_db()
    assert user.language == "en"
    response = client.get(reverse("home"))
    assert '<html lang="en"' in response.content.decode()
    response = client.get(reverse("home") + "?lang=fr")
    assert '<html lang="fr"' in response.content.decode()


def test_french_is_the_default_whatever_the_browser_says(client):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="fr"' in response.content.decode()


def test_every_non_public_url_requires_login(client):
    from django.urls import get_resolver

    for name in ("accounts:my_account", "structures:manager", "invoicing:issued"):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
    assert get_resolver() is not None
