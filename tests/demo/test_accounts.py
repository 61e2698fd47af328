import io

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import User
from demo import accounts as demo
from demo.totp import current_code
from structures import access
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db


def test_seed_creates_admin_and_support_idempotently():
    demo.seed(io.StringIO())
    first = sorted(
        User.objects.filter(email__endswith="@chorus-demo.test").values_list(
            "pk", "email", "password"
        )
    )

    demo.seed(io.StringIO())

    second = sorted(
        User.objects.filter(email__endswith="@chorus-demo.test").values_list(
            "pk", "email", "password"
        )
    )
    assert first == second
    admin = User.objects.get(email="admin@chorus-demo.test")
    support = User.objects.get(email="support@chorus-demo.test")
    assert admin.is_superuser and admin.is_staff
    assert support.is_staff and not support.is_superuser
    assert access.is_support(support)
    assert admin.check_password(PASSWORD) and support.check_password(PASSWORD)
    assert demo.DEMO_PASSWORD == PASSWORD
    assert (
        EmailAddress.objects.filter(user__in=[admin, support], verified=True, primary=True).count()
        == 2
    )


def test_seeded_support_can_log_in(client, settings):
    settings.MFA_TOTP_TOLERANCE = 1  # a test crossing a 30-second boundary must not flake
    demo.seed(io.StringIO())

    response = client.post(
        "/accounts/login/", {"login": "support@chorus-demo.test", "password": PASSWORD}
    )
    # Staff have two-factor authentication (the admin requires it): the demo's code.
    second = client.post(reverse("mfa_authenticate"), {"code": current_code()})

    assert response["Location"] == reverse("mfa_authenticate")
    assert second.status_code == 302
    assert client.session["_auth_user_id"]
