"""A newcomer signs up, follows the activation link, logs in and sees the portal."""

import pytest

from tests.accounts.helpers import activation_link, last_activation_mail
from tests.factories.accounts import PASSWORD

EMAIL = "nouvelle.utilisatrice@example.test"


@pytest.fixture(autouse=True)
def eager_celery():
    from portal.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def log_in(page) -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_login", EMAIL)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#area-tabs")


def test_signup_activation_login_shows_tabs_and_last_login(page):
    page.goto(page.base_url + "/accounts/signup/")
    page.fill("#id_last_name", "Lefèvre")
    page.fill("#id_first_name", "Inès")
    page.fill("#id_email", EMAIL)
    page.fill("#id_phone", "01 23 45 67 89")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("label[for=id_accept_terms]")
    page.click("#signup-form button[type=submit]")
    page.wait_for_selector("#verification-sent")

    link = activation_link(last_activation_mail(EMAIL))
    page.goto(page.base_url + link)
    page.click("#confirm-form button[type=submit]")
    page.wait_for_url("**/accounts/login/**")

    log_in(page)
    tabs = page.inner_text("#area-tabs")
    assert "Accueil connecté" in tabs
    assert "Mon compte" in tabs
    assert "Première connexion" in page.inner_text("#last-login")
    assert "Inès Lefèvre" in page.inner_text("#header-user")

    page.click("header form[action='/accounts/logout/'] button[type=submit]")
    page.wait_for_url("**/accounts/login/**")
    log_in(page)
    assert "Dernière connexion le" in page.inner_text("#last-login")

    page.click("#area-tabs >> text=Mon compte")
    page.wait_for_selector("#block-personal")
    assert page.input_value("#id_connection_email") == EMAIL
