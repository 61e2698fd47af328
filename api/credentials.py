"""Password checks made affordable: a verified secret is remembered for a short while.

PBKDF2 costs tens of milliseconds by design; an API client sends the same `cpro-account`
header (and a token request the same client secret) on every call. A successful check is
remembered under a hash of (who + what was sent + the stored hash), so changing or resetting
the password ends it at once, and a failure is never remembered. The process's own memory
answers first (no round trip); Django's cache (Redis, shared by the workers) second. It
degrades to a miss when Redis is down (portal/cache.py): the check is then simply paid again.
"""

from __future__ import annotations

import hashlib
import threading
import time

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.cache import cache

MAX_REMEMBERED = 4096  # per process; past it the memory is emptied (then refilled)
_verified: dict[str, float] = {}  # key -> monotonic expiry
_lock = threading.Lock()


def _key(provided: str, stored: str, who: object = "") -> str:
    digest = hashlib.sha256(f"{who}\x00{provided}\x00{stored}".encode()).hexdigest()
    return f"api:cred:{digest}"


def forget_all() -> None:
    """Empty this process's memory (tests)."""
    with _lock:
        _verified.clear()


def check_secret(provided: str, stored: str, who: object = "") -> bool:
    if not provided or not stored:
        return False
    key = _key(provided, stored, who)
    now = time.monotonic()
    expiry = _verified.get(key)
    if expiry is not None and expiry > now:
        return True
    seconds = settings.API_CREDENTIALS_CACHE_SECONDS
    if not cache.get(key):
        if not check_password(provided, stored):
            return False
        cache.set(key, True, seconds)
    with _lock:
        if len(_verified) >= MAX_REMEMBERED:
            _verified.clear()
        _verified[key] = now + seconds
    return True
