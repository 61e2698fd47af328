"""Issue 15: an anonymous visitor of / gets a public page saying what the portal is."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_for_anonymous_visitor_is_the_public_welcome_page(client):
    response = client.get(reverse("home"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Ce n'est pas le portail officiel" in page
    for name in ("account_login", "account_signup", "structures:directory"):
        assert f'href="{reverse(name)}"' in page


def test_home_for_logged_in_user_is_the_connected_homepage(client, personas):
    client.force_login(personas.main_manager)

    response = client.get(reverse("home"))

    assert 'id="welcome"' not in response.content.decode()
    assert 'id="home-structures"' in response.content.decode()


def test_welcome_page_in_english(client):
    response = client.get(reverse("home"), {"lang": "en"})

    assert "This is not the official portal" in response.content.decode()
