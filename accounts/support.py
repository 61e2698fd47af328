"""The "Support" group of the support desk and the admin permissions it holds.

Structures are administered through `structures/admin.py` (its own rules for the group);
the models below are the rest of what the desk needs: look up an account, lift its lock,
re-activate it, and read the mails the portal sent. The group is brought up to date after
every `migrate`, so a new permission here reaches existing deployments.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

SUPPORT_GROUP = "Support"
SUPPORT_PERMISSIONS = {
    "accounts": ("view_user", "change_user"),
    "notifications": ("view_email",),
    "commitments": ("view_commitment",),
}


def ensure_support_group(**kwargs) -> Group:
    """post_migrate receiver (and helper): the group exists and holds exactly its permissions."""
    group, _created = Group.objects.get_or_create(name=SUPPORT_GROUP)
    wanted = [
        permission
        for app_label, codenames in SUPPORT_PERMISSIONS.items()
        for permission in Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
    ]
    group.permissions.add(*wanted)
    return group
