"""Browserless helpers: sign up, read the activation link from the outbox, log in."""

from __future__ import annotations

from django.urls import reverse

from notifications.models import Email
from tests.factories.accounts import PASSWORD
from tests.notifications.helpers import links_in

SIGNUP_PATH = "/accounts/confirm-email/"


def signup_data(**overrides) -> dict:
    data = {
        "last_name": "Durand",
        "first_name": "Camille",
        "email": "camille.durand@example.test",
        "contact_email": "",
        "phone": "01 23 45 67 89",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "accept_terms": "on",
        "site_web": "",
    }
    data.update(overrides)
    return data


def sign_up(client, **overrides):
    return client.post(reverse("account_signup"), signup_data(**overrides))


def activation_link(email: Email) -> str:
    """The confirmation link of an activation mail, as a path."""
    (link,) = [url for url in links_in(email.body_text) if SIGNUP_PATH in url]
    return link[link.index("/accounts/") :]


def last_activation_mail(to: str) -> Email:
    return (
        Email.objects.filter(to=to, template__startswith="account_email_confirmation")
        .order_by("-id")
        .first()
    )


def log_in(client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})
