"""Issue 15: in demo mode the login page lists the demo accounts and the shared password."""

import pytest
from django.urls import reverse

from demo.accounts import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_in_demo_mode_lists_demo_accounts(client, settings):
    settings.DEMO_MODE = True

    page = client.get(reverse("account_login")).content.decode()

    assert 'id="demo-accounts"' in page
    assert DEMO_PASSWORD in page
    assert "fournisseur.principal@chorus-demo.test" in page
    assert "fournisseur.retardataire@chorus-demo.test" in page
    assert "etat.valideur@chorus-demo.test" in page


def test_login_page_in_english_describes_the_accounts_in_english(client, settings):
    settings.DEMO_MODE = True

    page = client.get(reverse("account_login"), {"lang": "en"}).content.decode()

    assert "Demo accounts" in page
    assert "main manager" in page
    assert "gestionnaire principal" not in page


def test_login_page_outside_demo_mode_lists_nothing(client, settings):
    settings.DEMO_MODE = False

    page = client.get(reverse("account_login")).content.decode()

    assert 'id="demo-accounts"' not in page
    assert DEMO_PASSWORD not in page
