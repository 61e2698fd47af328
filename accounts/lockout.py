"""ACC-6: five consecutive failed logins lock the account for one hour.

The counter lives on the user row (shared by every web worker, unlike a cache), is
updated under a row lock, and is reset by a successful login (accounts.signals).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User

MAX_FAILED_LOGINS = 5
LOCK_DURATION = timedelta(hours=1)


def user_for_login(login: str | None) -> User | None:
    if not login:
        return None
    # Connection addresses are stored lower-case (User.save), so the unique index is used.
    return User.objects.filter(email=login.strip().lower()).first()


def locked_until(user: User) -> datetime | None:
    """The end of the current lock, or None when the account may log in."""
    if user.locked_until and user.locked_until > timezone.now():
        return user.locked_until
    return None


@transaction.atomic
def record_failed_login(login: str | None) -> User | None:
    """Count one failure; return the user if this failure locked the account."""
    if not login:
        return None
    user = User.objects.select_for_update().filter(email=login.strip().lower()).first()
    if user is None:
        return None
    now = timezone.now()
    if user.locked_until and user.locked_until <= now:
        # The previous lock is over: the count starts again.
        user.failed_logins = 0
        user.locked_until = None
    user.failed_logins += 1
    locked_now = user.failed_logins >= MAX_FAILED_LOGINS and user.locked_until is None
    if locked_now:
        user.locked_until = now + LOCK_DURATION
    user.save(update_fields=["failed_logins", "locked_until"])
    return user if locked_now else None
