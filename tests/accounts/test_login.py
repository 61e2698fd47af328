"""Login with the connection address, ACC-6 lockout, ACC-11, previous login, password reset."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import User
from notifications.models import Email
from tests.accounts.helpers import log_in
from tests.factories.accounts import PASSWORD, UserFactory
from tests.notifications.helpers import links_in

pytestmark = pytest.mark.django_db

WRONG = "Not-The-Password-1"
# ACC-6, pinned here rather than imported: changing the rule must change a test.
MAX_FAILED_LOGINS = 5
LOCK_DURATION = timedelta(minutes=60)


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_login_with_connection_address_any_case_succeeds(client):
    user = UserFactory(email="alice@example.test")

    response = log_in(client, "Alice@Example.TEST")

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert logged_in_user_id(client) == str(user.pk)


def test_login_wrong_password_shows_error_and_counts_failure(client):
    user = UserFactory()

    response = log_in(client, user.email, WRONG)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert logged_in_user_id(client) is None
    user.refresh_from_db()
    assert user.failed_logins == 1


def test_login_five_failures_lock_account_for_one_hour(client):
    user = UserFactory()

    for _ in range(MAX_FAILED_LOGINS - 1):
        log_in(client, user.email, WRONG)
    fifth = log_in(client, user.email, WRONG)
    sixth = log_in(client, user.email, PASSWORD)  # the right password, still refused

    user.refresh_from_db()
    assert user.locked_until is not None
    expected_end = timezone.now() + LOCK_DURATION
    assert abs((user.locked_until - expected_end).total_seconds()) < 60
    assert "verrouillé" in str(fifth.context["form"].non_field_errors())
    assert sixth.status_code == 200
    assert "verrouillé" in str(sixth.context["form"].non_field_errors())
    assert logged_in_user_id(client) is None


def test_login_after_lock_expired_succeeds_and_resets_counter(client):
    user = UserFactory()
    for _ in range(MAX_FAILED_LOGINS):
        log_in(client, user.email, WRONG)
    # One hour later.
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() - timedelta(seconds=1))

    response = log_in(client, user.email, PASSWORD)

    assert response.status_code == 302
    assert logged_in_user_id(client) == str(user.pk)
    user.refresh_from_db()
    assert (user.failed_logins, user.locked_until) == (0, None)


def test_login_success_resets_consecutive_failures(client):
    user = UserFactory()
    for _ in range(MAX_FAILED_LOGINS - 1):
        log_in(client, user.email, WRONG)
    log_in(client, user.email, PASSWORD)
    client.post(reverse("account_logout"))

    for _ in range(MAX_FAILED_LOGINS - 1):
        log_in(client, user.email, WRONG)

    user.refresh_from_db()
    assert user.locked_until is None
    assert user.failed_logins == MAX_FAILED_LOGINS - 1


def test_login_lock_of_one_account_does_not_affect_another(client):
    locked, other = UserFactory(), UserFactory()
    for _ in range(MAX_FAILED_LOGINS):
        log_in(client, locked.email, WRONG)

    response = log_in(client, other.email, PASSWORD)

    assert response.status_code == 302
    assert logged_in_user_id(client) == str(other.pk)


def test_login_technical_account_is_refused(client):
    technical = UserFactory(is_technical=True)

    response = log_in(client, technical.email, PASSWORD)

    assert response.status_code == 200
    assert "compte technique" in str(response.context["form"].non_field_errors())
    assert logged_in_user_id(client) is None


def test_login_sets_previous_login_to_the_login_before(client):
    before = timezone.now() - timedelta(days=3)
    user = UserFactory(last_login=before)

    log_in(client, user.email)

    user.refresh_from_db()
    assert user.previous_login == before
    assert user.last_login > before
    home = client.get(reverse("home")).content.decode()
    shown = date_format(timezone.localtime(before), "DATETIME_FORMAT")
    assert f"Dernière connexion le {shown}" in home


def test_first_login_header_says_first_login(client):
    user = UserFactory(last_login=None)

    log_in(client, user.email)

    user.refresh_from_db()
    assert user.previous_login is None
    assert "Première connexion" in client.get(reverse("home")).content.decode()


def test_logout_ends_session(client):
    user = UserFactory()
    log_in(client, user.email)

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert logged_in_user_id(client) is None


def test_password_reset_mail_goes_to_connection_address_and_link_works(client):
    user = UserFactory(contact_email="shared-box@example.test")

    client.post(reverse("account_reset_password"), {"email": user.email})

    mail = Email.objects.get(template="account_password_reset_key")
    assert mail.to == user.email
    assert "60 minutes" in mail.body_text
    (link,) = [u for u in links_in(mail.body_text) if "/password/reset/key/" in u]
    path = link[link.index("/accounts/") :]
    form_page = client.get(path, follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    new_password = "Another-Demo-2026!"
    done = client.post(action, {"password1": new_password, "password2": new_password})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)
    assert Email.objects.filter(template="account_password_reset", to=user.email).exists()


def test_password_reset_link_after_60_minutes_is_refused(client, monkeypatch):
    from allauth.account.forms import default_token_generator

    user = UserFactory()
    client.post(reverse("account_reset_password"), {"email": user.email})
    mail = Email.objects.get(template="account_password_reset_key")
    (link,) = [u for u in links_in(mail.body_text) if "/password/reset/key/" in u]
    later = default_token_generator._now() + timedelta(minutes=61)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)

    response = client.get(link[link.index("/accounts/") :], follow=True)

    assert response.context["token_fail"] is True


def test_password_reset_unknown_address_same_page(client):
    known = UserFactory()

    unknown_response = client.post(reverse("account_reset_password"), {"email": "x@example.test"})
    known_response = client.post(reverse("account_reset_password"), {"email": known.email})

    assert unknown_response.status_code == known_response.status_code == 302
    assert unknown_response["Location"] == known_response["Location"]


def test_password_reset_mail_in_recipient_language_not_the_requesters(client):
    user = UserFactory(language="en")

    client.post(reverse("account_reset_password"), {"email": user.email})  # UI in French

    mail = Email.objects.get(template="account_password_reset_key")
    assert mail.language == "en"
    assert mail.user == user
    assert '<html lang="en">' in mail.body_html
