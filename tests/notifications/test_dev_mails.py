"""The DEBUG-only mail reader (/dev/mails/)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications import services
from notifications.models import Email
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def make_mail(to="reader@example.test") -> Email:
    return services.queue_email(
        "account_email_confirmation_signup",
        to=to,
        context={
            "email": to,
            "user": None,
            "activate_url": "http://testserver/accounts/confirm-email/abc123/",
            "timestamp": timezone.now(),
        },
    )


@pytest.mark.parametrize("name,args", [("dev_mails", []), ("dev_mail", [1])])
def test_dev_mails_404_when_debug_off(client, settings, name, args):
    settings.DEBUG = False
    make_mail()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    response = client.get(reverse(f"notifications:{name}", args=args))

    assert response.status_code == 404


def test_dev_mails_list_anonymous_in_debug_shows_last_mails(client, settings):
    settings.DEBUG = True
    first, second = make_mail("a@example.test"), make_mail("b@example.test")

    response = client.get(reverse("notifications:dev_mails"))

    content = response.content.decode()
    assert response.status_code == 200
    assert content.index("b@example.test") < content.index("a@example.test")  # newest first
    assert reverse("notifications:dev_mail", args=[first.pk]) in content
    assert second.subject in content


def test_dev_mails_list_limited_to_50(client, settings):
    settings.DEBUG = True
    for n in range(52):
        make_mail(f"user{n}@example.test")

    response = client.get(reverse("notifications:dev_mails"))

    assert len(response.context["emails"]) == 50


def test_dev_mails_list_constant_query_count(client, settings):
    settings.DEBUG = True
    make_mail()
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("notifications:dev_mails"))
    make_mail()
    make_mail()

    with CaptureQueriesContext(connection) as three:
        response = client.get(reverse("notifications:dev_mails"))

    assert len(response.context["emails"]) == 3
    assert len(one) == len(three)


def test_dev_mail_detail_has_clickable_activation_link(client, settings):
    settings.DEBUG = True
    email = make_mail()

    response = client.get(reverse("notifications:dev_mail", args=[email.pk]))

    content = response.content.decode()
    assert '<a href="http://testserver/accounts/confirm-email/abc123/"' in content
    assert "srcdoc=" in content


def test_dev_mail_unknown_is_404(client, settings):
    settings.DEBUG = True

    assert client.get(reverse("notifications:dev_mail", args=[999])).status_code == 404
