"""ACC-3 / ACC-4: sign-up, activation mail in the outbox, 60-minute link, new links."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress, EmailConfirmation
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications.models import Email, EmailStatus
from tests.accounts.helpers import activation_link, last_activation_mail, log_in, sign_up
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "camille.durand@example.test"


def test_signup_valid_form_creates_unverified_account_and_queues_activation_mail(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email=EMAIL)
    assert (user.last_name, user.first_name, user.phone) == ("Durand", "Camille", "01 23 45 67 89")
    assert user.contact_email == EMAIL  # ACC-2: defaults to the connection address
    assert user.notify_activity is False  # ACC-9: unticked for new accounts
    assert not EmailAddress.objects.get(user=user).verified
    mail = last_activation_mail(EMAIL)
    assert mail.template == "account_email_confirmation_signup"
    assert mail.user == user
    assert mail.status == EmailStatus.SENT
    assert "60 minutes" in mail.body_text
    assert activation_link(mail).startswith("/accounts/confirm-email/")
    assert '<html lang="fr">' in mail.body_html


def test_signup_separate_contact_address_is_kept(client):
    sign_up(client, contact_email="Compta@Example.test")

    user = User.objects.get(email=EMAIL)
    assert user.contact_email == "compta@example.test"
    assert user.notification_email == "compta@example.test"
    assert last_activation_mail(EMAIL).to == EMAIL  # activation goes to the login address


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("accept_terms", {"accept_terms": ""}),
        ("last_name", {"last_name": ""}),
        ("first_name", {"first_name": ""}),
        ("email", {"email": "not-an-address"}),
        ("contact_email", {"contact_email": "not-an-address"}),
        ("phone", {"phone": "call me"}),
        ("password2", {"password2": "Another-Password-2026"}),
    ],
)
def test_signup_invalid_field_shows_error_and_creates_nothing(client, field, overrides):
    response = sign_up(client, **overrides)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "fr-input-group--error" in response.content.decode() or field == "accept_terms"
    assert not User.objects.filter(email=EMAIL).exists()
    assert not Email.objects.exists()


def test_signup_honeypot_filled_creates_nothing(client):
    response = sign_up(client, site_web="http://spam.example")

    assert response.status_code == 302  # a robot is not told it was caught
    assert not User.objects.filter(email=EMAIL).exists()
    assert not Email.objects.exists()


def test_signup_existing_address_sends_account_exists_mail_not_a_second_account(client):
    existing = UserFactory(email=EMAIL)

    response = sign_up(client)

    assert response.status_code == 302
    assert list(User.objects.filter(email=EMAIL).values_list("pk", flat=True)) == [existing.pk]
    assert Email.objects.get().template == "account_account_already_exists"


def test_signup_in_english_stores_language_and_mails_in_english(client):
    client.get(reverse("account_signup") + "?lang=en")

    sign_up(client)

    user = User.objects.get(email=EMAIL)
    assert user.language == "en"
    mail = last_activation_mail(EMAIL)
    assert mail.language == "en"
    assert '<html lang="en">' in mail.body_html


def test_activation_link_activates_account_then_login_works(client):
    sign_up(client)
    link = activation_link(last_activation_mail(EMAIL))

    page = client.get(link)
    confirmed = client.post(link)
    logged_in = log_in(client, EMAIL)

    assert page.status_code == 200
    assert b"confirm-form" in page.content
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(email=EMAIL).verified
    assert logged_in.status_code == 302
    assert logged_in["Location"] == reverse("home")
    home = client.get(reverse("home"))
    assert home.context["user"].email == EMAIL


def test_login_before_activation_is_refused_and_resends_a_link(client):
    sign_up(client)
    first = last_activation_mail(EMAIL)

    response = log_in(client, EMAIL)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert last_activation_mail(EMAIL).pk != first.pk


def test_activation_link_after_60_minutes_is_refused_with_a_way_to_get_a_new_one(client):
    sign_up(client)
    link = activation_link(last_activation_mail(EMAIL))
    EmailConfirmation.objects.update(sent=timezone.now() - timedelta(minutes=61))

    page = client.get(link)
    confirm = client.post(link)

    assert page.status_code == 200
    content = page.content.decode()
    assert 'id="activation-link-invalid"' in content
    assert "a expiré" in content
    assert reverse("accounts:resend_activation") in content
    assert confirm.status_code == 404
    assert not EmailAddress.objects.get(email=EMAIL).verified


def test_activation_link_at_59_minutes_still_works(client):
    sign_up(client)
    link = activation_link(last_activation_mail(EMAIL))
    EmailConfirmation.objects.update(sent=timezone.now() - timedelta(minutes=59))

    client.post(link)

    assert EmailAddress.objects.get(email=EMAIL).verified


def test_resend_activation_new_link_invalidates_previous_one(client):
    sign_up(client)
    old_link = activation_link(last_activation_mail(EMAIL))

    response = client.post(reverse("accounts:resend_activation"), {"email": EMAIL.upper()})

    assert response.status_code == 302
    new_mail = last_activation_mail(EMAIL)
    assert new_mail.template == "account_email_confirmation"
    new_link = activation_link(new_mail)
    assert new_link != old_link
    assert b"activation-link-invalid" in client.get(old_link).content
    assert client.post(old_link).status_code == 404
    client.post(new_link)
    assert EmailAddress.objects.get(email=EMAIL).verified
    assert EmailConfirmation.objects.count() == 1


def test_resend_activation_same_answer_whether_account_exists_or_not(client):
    sign_up(Client())  # another browser: its messages must not mix with ours
    UserFactory(email="active@example.test")  # already verified
    before = Email.objects.count()
    answers = []

    for email in (EMAIL, "nobody@example.test", "active@example.test"):
        response = client.post(reverse("accounts:resend_activation"), {"email": email}, follow=True)
        answers.append((response.redirect_chain, [str(m) for m in response.context["messages"]]))

    assert answers[0] == answers[1] == answers[2]
    assert Email.objects.count() == before + 1  # only the pending account got a link


def test_resend_activation_invalid_address_shows_field_error(client):
    response = client.post(reverse("accounts:resend_activation"), {"email": "nope"})

    assert response.status_code == 200
    assert "email" in response.context["form"].errors


def test_login_page_links_to_new_activation_link_and_password_reset(client):
    response = client.get(reverse("account_login"))

    content = response.content.decode()
    assert reverse("accounts:resend_activation") in content
    assert reverse("account_reset_password") in content
    assert reverse("account_signup") in content
