"""ACC-6 lockout without enumeration, the unlock link by mail, and a reset that unlocks."""

import re

import pytest
from django.urls import reverse

from accounts import lockout
from accounts.models import User
from notifications.models import Email
from tests.accounts.helpers import log_in
from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

WRONG = "Not-The-Password-1"


def _errors(response) -> str:
    return str(response.context["form"].non_field_errors())


def _fail(client, email, times):
    return [log_in(client, email, WRONG) for _ in range(times)]


def _unlock_path(mail: Email) -> str:
    return re.search(r"/mon-compte/deverrouiller/[^/\s]+/", mail.body_text).group(0)


def test_fifth_failure_answers_the_same_for_unknown_and_existing_addresses(client):
    UserFactory(email="known@example.test")

    known = _fail(client, "known@example.test", 5)
    unknown = _fail(client, "nobody@example.test", 5)

    for attempt in range(4):
        assert "verrouillé" not in _errors(known[attempt])
        assert "verrouillé" not in _errors(unknown[attempt])
        assert _errors(known[attempt]) == _errors(unknown[attempt])
    assert "verrouillé" in _errors(known[4])
    assert "verrouillé" in _errors(unknown[4])
    # The sixth attempt is refused the same way too.
    assert "verrouillé" in _errors(log_in(client, "nobody@example.test", PASSWORD))


def test_lock_sends_an_unlock_link_to_the_connection_address(client, personas):
    user = UserFactory(email="victim@example.test", contact_email="contact@example.test")

    _fail(client, user.email, 5)

    mail = Email.objects.get(template="account_locked")
    assert mail.to == "victim@example.test"
    assert "/mon-compte/deverrouiller/" in mail.body_text


def test_unlock_link_asks_then_lifts_the_lock_once(client):
    user = UserFactory(email="victim@example.test")
    _fail(client, user.email, 5)
    path = _unlock_path(Email.objects.get(template="account_locked"))

    page = client.get(path)
    assert User.objects.get(pk=user.pk).locked_until is not None  # GET changes nothing
    done = client.post(path)
    again = client.post(path, follow=True)
    login = log_in(client, user.email, PASSWORD)

    assert page.status_code == 200
    assert done.status_code == 302
    assert "plus valable" in again.content.decode()
    assert login.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_unlock_link_of_a_previous_lock_does_not_lift_a_new_one(client):
    user = UserFactory(email="victim@example.test")
    _fail(client, user.email, 5)
    old_path = _unlock_path(Email.objects.get(template="account_locked"))
    client.post(old_path)
    _fail(client, user.email, 5)
    client.post(old_path)

    assert User.objects.get(pk=user.pk).locked_until is not None


def test_forged_unlock_token_is_refused(client):
    user = UserFactory()
    _fail(client, user.email, 5)

    response = client.post(reverse("accounts:unlock", args=["forged:token"]), follow=True)

    assert "plus valable" in response.content.decode()
    assert User.objects.get(pk=user.pk).locked_until is not None


def test_password_reset_lifts_the_lock(client):
    user = UserFactory(email="victim@example.test")
    _fail(client, user.email, 5)
    client.post(reverse("account_reset_password"), {"email": user.email})
    mail = Email.objects.filter(template="account_password_reset_key").latest("pk")
    link = re.search(r"/accounts/password/reset/key/\S+/", mail.body_text).group(0)

    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": "Brand-New-Pass-2026", "password2": "Brand-New-Pass-2026"},
    )

    user.refresh_from_db()
    assert (user.failed_logins, user.locked_until) == (0, None)
    assert log_in(client, user.email, "Brand-New-Pass-2026").status_code == 302


def test_unlock_token_lifts_its_lock_once():
    user = UserFactory()
    for _ in range(5):
        lockout.record_failed_login(user.email)
    user.refresh_from_db()
    token = lockout.unlock_token(user)

    assert lockout.unlock(token) is True
    assert lockout.unlock(token) is False
