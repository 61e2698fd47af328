"""ACC-6: five consecutive failed logins lock the account for one hour.

The counter lives on the user row (shared by every web worker, unlike a cache), is
updated under a row lock, and is reset by a successful login (accounts.signals) or a
password reset. An address with no account gets the same answers (no enumeration): its
failures are counted in the cache, which only holds what can be lost.

Anyone who knows an address can lock it; the owner gets a mail with a link that lifts the
lock (valid while the lock lasts, for that lock only), and allauth limits failures per IP.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications import services as outbox

MAX_FAILED_LOGINS = 5
LOCK_DURATION = timedelta(hours=1)
UNLOCK_SALT = "accounts.lockout.unlock"


def _normalise(login: str | None) -> str:
    return (login or "").strip().lower()


def user_for_login(login: str | None) -> User | None:
    if not login:
        return None
    # Connection addresses are stored lower-case (User.save), so the unique index is used.
    return User.objects.filter(email=_normalise(login)).first()


def _unknown_key(login: str) -> str:
    return "lockout:unknown:" + hashlib.sha256(_normalise(login).encode()).hexdigest()


def locked_until(user: User) -> datetime | None:
    """The end of the current lock, or None when the account may log in."""
    if user.locked_until and user.locked_until > timezone.now():
        return user.locked_until
    return None


def login_locked_until(login: str | None) -> datetime | None:
    """The end of the lock of a connection address, whether it has an account or not."""
    user = user_for_login(login)
    if user is not None:
        return locked_until(user)
    state = cache.get(_unknown_key(login or "")) if login else None
    until = state and state.get("until")
    return until if until and until > timezone.now() else None


def _record_unknown_failure(login: str) -> datetime | None:
    key = _unknown_key(login)
    now = timezone.now()
    state = cache.get(key) or {"count": 0, "until": None}
    if state["until"] and state["until"] <= now:
        state = {"count": 0, "until": None}
    state["count"] += 1
    locked_now = state["count"] >= MAX_FAILED_LOGINS and state["until"] is None
    if locked_now:
        state["until"] = now + LOCK_DURATION
    cache.set(key, state, int(LOCK_DURATION.total_seconds()) * 2)
    return state["until"] if locked_now else None


@transaction.atomic
def record_failed_login(login: str | None) -> datetime | None:
    """Count one failure; return the end of the lock if this failure locked the address."""
    if not login:
        return None
    user = User.objects.select_for_update().filter(email=_normalise(login)).first()
    if user is None:
        return _record_unknown_failure(login)
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
    if locked_now:
        _send_lock_mail(user)
    return user.locked_until if locked_now else None


def clear_failed_logins(user: User) -> None:
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    user.failed_logins = 0
    user.locked_until = None


# --- The unlock link -------------------------------------------------------------------


def unlock_token(user: User) -> str:
    """A signed token naming the user and this lock: it cannot lift a later lock."""
    return signing.dumps({"u": user.pk, "l": user.locked_until.isoformat()}, salt=UNLOCK_SALT)


def unlock(token: str) -> bool:
    """Lift the lock the token was made for; False when it is unknown, over or already lifted."""
    try:
        data = signing.loads(token, salt=UNLOCK_SALT, max_age=int(LOCK_DURATION.total_seconds()))
    except signing.BadSignature:
        return False
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=data.get("u")).first()
        if user is None or locked_until(user) is None:
            return False
        if user.locked_until.isoformat() != data.get("l"):
            return False
        clear_failed_logins(user)
    return True


def _send_lock_mail(user: User) -> None:
    link = reverse("accounts:unlock", args=[unlock_token(user)])
    outbox.queue_email(
        "account_locked",
        to=user.email,  # a security mail goes to the connection address, like a reset
        context={
            "user": user,
            "email": user.email,
            "until": user.locked_until,
            "unlock_path": link,
        },
        language=user.language or "fr",
        user=user,
    )
