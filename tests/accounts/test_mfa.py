"""Optional TOTP two-factor authentication (allauth.mfa), reachable from My account."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse
from django.utils import timezone

from notifications.models import Email
from tests.accounts.helpers import log_in
from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(timezone.now().timestamp()) // 30))


@pytest.fixture(autouse=True)
def _tolerant_totp(settings):
    settings.MFA_TOTP_TOLERANCE = 1  # a test crossing a 30-second boundary must not flake


def reauthenticate(client) -> None:
    """allauth asks for the password again before a security change."""
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def activate_totp(client) -> str:
    reauthenticate(client)
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302, response.content
    return secret


def test_totp_activation_then_login_requires_code(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    log_in(client, user.email)

    my_account = client.get(reverse("accounts:my_account"))
    with django_capture_on_commit_callbacks(execute=True):  # allauth mails after commit
        secret = activate_totp(client)
    after = client.get(reverse("accounts:my_account"))
    client.post(reverse("account_logout"))
    first_step = log_in(client, user.email)
    second_step = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})

    assert "Double authentification désactivée" in my_account.content.decode()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()
    assert "Double authentification activée" in after.content.decode()
    assert Email.objects.filter(template="mfa_totp_activated", to=user.email).exists()
    assert first_step["Location"] == reverse("mfa_authenticate")
    assert second_step.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_totp_wrong_code_does_not_log_in(client):
    user = UserFactory()
    log_in(client, user.email)
    activate_totp(client)
    client.post(reverse("account_logout"))
    log_in(client, user.email)

    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_totp_deactivation_removes_authenticator_and_mails(client):
    user = UserFactory()
    log_in(client, user.email)
    activate_totp(client)
    reauthenticate(client)

    response = client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert Email.objects.filter(template="mfa_totp_deactivated").exists()


def test_mfa_pages_use_portal_layout(client):
    user = UserFactory()
    log_in(client, user.email)

    index = client.get(reverse("mfa_index")).content.decode()
    reauthenticate(client)
    activate = client.get(reverse("mfa_activate_totp")).content.decode()

    for page in (index, activate):
        assert 'id="area-tabs"' in page
        assert "fr-breadcrumb" in page
    assert "fr-input" in activate
    assert "fr-btn" in activate


def test_recovery_codes_page_lists_codes(client):
    user = UserFactory()
    log_in(client, user.email)
    activate_totp(client)

    response = client.get(reverse("mfa_view_recovery_codes"))

    assert response.status_code == 200
    assert len(response.context["unused_codes"]) == 10
