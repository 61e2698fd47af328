"""Demo accounts (idempotent): the administrator and the support desk.

The other demo users (managers, simple users, public reviewers) come with their
structures (demo.structures).
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from accounts.models import User
from demo.totp import STAFF_LOGINS, ensure_totp

DEMO_PASSWORD = "Demo-Chorus-2026"  # noqa: S105 - public demo password, listed in README

DEMO_ACCOUNTS = [
    {
        "email": "admin@chorus-demo.test",
        "first_name": "Alice",
        "last_name": "Administratrice",
        "is_staff": True,
        "is_superuser": True,
        "groups": [],
    },
    {
        "email": "support@chorus-demo.test",
        "first_name": "Sam",
        "last_name": "Support",
        "is_staff": True,
        "is_superuser": False,
        "groups": ["Support"],
    },
]


def ensure_demo_user(email: str, *, password: str = DEMO_PASSWORD, **fields) -> User:
    """Create or refresh a verified, active demo user (also used by other apps' seeds)."""
    groups = fields.pop("groups", [])
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email)
    changed = user.pk is None
    for name, value in fields.items():
        if getattr(user, name) != value:
            setattr(user, name, value)
            changed = True
    if not user.check_password(password):
        user.set_password(password)
        changed = True
    if changed:
        user.save()
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def seed(stdout) -> None:
    for account in DEMO_ACCOUNTS:
        data = dict(account)
        user = ensure_demo_user(data.pop("email"), **data)
        if user.email in STAFF_LOGINS:
            ensure_totp(user)  # the admin requires a second factor of staff
        stdout.write(f"  demo account {user.email}")
