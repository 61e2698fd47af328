"""Issue 9, item 3: the admin goes through the portal's login (lockout, second factor)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from tests.accounts.helpers import log_in
from tests.accounts.test_mfa import current_code
from tests.factories.accounts import UserFactory, with_totp

pytestmark = pytest.mark.django_db

WRONG = "Not-The-Password-1"


@pytest.fixture(autouse=True)
def _tolerant_totp(settings):
    settings.MFA_TOTP_TOLERANCE = 1


def test_admin_login_page_sends_to_the_portal_login(client):
    response = client.get(reverse("admin:login"), {"next": "/admin/structures/"})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=%2Fadmin%2Fstructures%2F"


def test_admin_login_post_does_not_authenticate(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    with_totp(staff)

    response = client.post(reverse("admin:login"), {"username": staff.email, "password": "x"})

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_admin_login_with_foreign_next_falls_back_to_admin_index(client):
    response = client.get(reverse("admin:login"), {"next": "https://evil.example/"})

    assert response["Location"] == reverse("account_login") + "?next=%2Fadmin%2F"


def test_locked_staff_account_cannot_reach_the_admin(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    secret = with_totp(staff)
    for _ in range(5):
        log_in(client, staff.email, WRONG)

    log_in(client, staff.email)  # the right password during the lock
    client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    response = client.get(reverse("admin:index"))

    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert User.objects.get(pk=staff.pk).locked_until > timezone.now()


def test_staff_with_second_factor_reaches_the_admin_after_the_code(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    secret = with_totp(staff)

    first = log_in(client, staff.email)
    client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    response = client.get(reverse("admin:index"))

    assert first["Location"] == reverse("mfa_authenticate")
    assert response.status_code == 200


def test_staff_without_second_factor_is_sent_to_enable_it(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)

    index = client.get(reverse("admin:index"))
    login = client.get(index["Location"])

    assert index.status_code == 302
    assert login.status_code == 302
    assert login["Location"] == reverse("mfa_index")


def test_non_staff_user_is_refused_the_admin(client):
    user = UserFactory()
    client.force_login(user)

    login = client.get(reverse("admin:login"))

    assert login["Location"] == reverse("home")
