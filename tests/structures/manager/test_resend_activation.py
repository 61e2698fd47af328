"""LNK-3: a manager re-sends a pending user's activation mail."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from notifications.models import Email
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("structures:resend_activation")


def test_manager_resends_activation_to_pending_account(
    client, personas, django_capture_on_commit_callbacks
):
    pending = UserFactory(email="pending@example.test", verified=False)
    EmailAddress.objects.create(user=pending, email=pending.email, verified=False, primary=True)
    client.force_login(personas.main_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"email": "Pending@Example.test"}, follow=True)
    assert "un nouveau lien" in response.content.decode()
    mail = Email.objects.get(to="pending@example.test")
    assert mail.template.startswith("account_email_confirmation")


def test_resend_reveals_nothing_and_sends_nothing_for_active_or_unknown(client, personas):
    client.force_login(personas.secondary_manager)
    for email in ("unknown@example.test", personas.simple_view.email):
        response = client.post(URL, {"email": email}, follow=True)
        assert "un nouveau lien" in response.content.decode()
    assert not Email.objects.exists()


@pytest.mark.parametrize("persona", ["simple_change", "simple_view", "unattached"])
def test_resend_refused_to_non_managers(client, personas, persona):
    pending = UserFactory(email="pending@example.test", verified=False)
    EmailAddress.objects.create(user=pending, email=pending.email, verified=False, primary=True)
    client.force_login(getattr(personas, persona))
    response = client.post(URL, {"email": pending.email})
    assert response.status_code == 403
    assert not Email.objects.exists()


def test_resend_requires_login_and_post(client, personas):
    assert client.post(URL, {"email": "x@example.test"}).status_code == 302
    client.force_login(personas.main_manager)
    assert client.get(URL).status_code == 405


def test_resend_with_a_nul_byte_asks_for_the_address(client, personas):
    # Issue 9: PostgreSQL refuses a NUL byte in a query (a 500 before).
    client.force_login(personas.main_manager)
    response = client.post(URL, {"email": "a\x00b@example.test"}, follow=True)
    assert "Saisissez l&#x27;adresse de connexion" in response.content.decode()
    assert not Email.objects.exists()
