"""Issue 9 (Low 13): the support desk can use the admin for what it is for — find an
account, lift its lock, read the mails sent — and cannot hand out staff rights."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.support import SUPPORT_GROUP
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_support_group_holds_its_admin_permissions_after_migrate():
    codenames = set(
        Group.objects.get(name=SUPPORT_GROUP).permissions.values_list("codename", flat=True)
    )

    assert {"view_user", "change_user", "view_email", "view_commitment"} <= codenames
    assert "delete_user" not in codenames and "add_user" not in codenames


@pytest.mark.parametrize(
    "url_name", ["admin:accounts_user_changelist", "admin:notifications_email_changelist"]
)
def test_support_desk_opens_the_account_and_mail_lists(client, personas, url_name):
    client.force_login(personas.support)

    assert client.get(reverse(url_name)).status_code == 200


def test_support_desk_lifts_a_lock(client, personas):
    locked = UserFactory(failed_logins=5, locked_until=timezone.now() + timezone.timedelta(hours=1))
    client.force_login(personas.support)

    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock", "_selected_action": [locked.pk]},
    )

    locked.refresh_from_db()
    assert (locked.failed_logins, locked.locked_until) == (0, None)


def test_support_desk_cannot_grant_staff_rights(client, personas):
    user = UserFactory()
    client.force_login(personas.support)
    url = reverse("admin:accounts_user_change", args=[user.pk])

    page = client.get(url)
    fields = page.context["adminform"].form.fields

    assert "is_superuser" not in fields and "is_staff" not in fields and "groups" not in fields
    assert not User.objects.get(pk=user.pk).is_superuser
