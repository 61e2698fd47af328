"""Issue 9, item 8: Permissions-Policy everywhere; no cache for logged-in pages and downloads."""

import pytest
from django.urls import reverse

from tests.conftest import close_response

pytestmark = pytest.mark.django_db

LOGGED_IN_PAGES = ("home", "accounts:my_account", "structures:my_links")


def _no_store(response) -> bool:
    cache_control = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= cache_control


@pytest.mark.parametrize("url_name", LOGGED_IN_PAGES)
@pytest.mark.parametrize("persona", ["main_manager", "simple_view", "public_reviewer"])
def test_logged_in_page_is_private_no_store(client, personas, persona, url_name):
    client.force_login(getattr(personas, persona))

    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert _no_store(response)
    assert "camera=()" in response["Permissions-Policy"]


def test_anonymous_public_page_has_permissions_policy_and_may_be_cached(client):
    response = client.get(reverse("structures:directory"))

    assert response.status_code == 200
    assert "geolocation=()" in response["Permissions-Policy"]
    assert not _no_store(response)


def test_anonymous_download_is_private_no_store(client, personas):
    response = client.get(reverse("structures:directory_csv"), {"q": "Minist"})

    assert response.status_code == 200
    assert _no_store(response)
    close_response(response)
