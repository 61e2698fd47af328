"""Every allauth mail has its outbox templates and renders in fr and en (NOT-6)."""

import pytest
from django.utils import timezone

from accounts.adapter import outbox_template
from notifications import services
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

ALLAUTH_MAILS = [
    "account/email/email_confirmation_signup",
    "account/email/email_confirmation",
    "account/email/password_reset_key",
    "account/email/unknown_account",
    "account/email/account_already_exists",
    "account/email/password_changed",
    "account/email/password_set",
    "account/email/password_reset",
    "mfa/email/totp_activated",
    "mfa/email/totp_deactivated",
    "mfa/email/recovery_codes_generated",
]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("prefix", ALLAUTH_MAILS)
def test_allauth_mail_template_renders(prefix, language):
    user = UserFactory()
    context = {
        "user": user,
        "email": user.email,
        "timestamp": timezone.now(),
        "activate_url": "http://testserver/accounts/confirm-email/k/",
        "password_reset_url": "http://testserver/accounts/password/reset/key/x-y/",
        "signup_url": "http://testserver/accounts/signup/",
        "ip": "127.0.0.1",
        "user_agent": "pytest",
    }

    subject, text, html = services.render_email(outbox_template(prefix), context, language)

    assert subject and "\n" not in subject
    assert "Chorus Pro" in text
    assert f'<html lang="{language}">' in html
    assert "http://" in text


def test_outbox_template_name_mapping():
    assert outbox_template("account/email/password_reset_key") == "account_password_reset_key"
    assert outbox_template("mfa/email/totp_activated") == "mfa_totp_activated"


def test_allauth_mail_without_our_template_still_goes_through_outbox(rf):
    from allauth.core import context as allauth_context

    from accounts.adapter import AccountAdapter
    from notifications.models import Email

    user = UserFactory()
    request = rf.get("/")
    request.user = user
    with allauth_context.request_context(request):
        AccountAdapter(request).send_mail(
            "account/email/email_deleted", user.email, {"deleted_email": "x@example.test"}
        )

    email = Email.objects.get()
    assert email.template == "account/email/email_deleted"
    assert email.to == user.email
