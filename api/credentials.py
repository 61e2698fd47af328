"""Password checks made affordable: a verified secret is remembered for a short while.

PBKDF2 costs tens of milliseconds by design; an API client sends the same `cpro-account`
header (and a token request the same client secret) on every call. A successful check is
cached under a hash of (what was sent + the stored hash), so changing or resetting the
password ends it at once, and a failure is never cached. Django's cache degrades to a miss
when Redis is down (portal/cache.py): the check is then simply paid again.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.cache import cache


def _key(provided: str, stored: str) -> str:
    digest = hashlib.sha256(f"{provided}\x00{stored}".encode()).hexdigest()
    return f"api:cred:{digest}"


def check_secret(provided: str, stored: str) -> bool:
    if not provided or not stored:
        return False
    key = _key(provided, stored)
    if cache.get(key):
        return True
    if not check_password(provided, stored):
        return False
    cache.set(key, True, settings.API_CREDENTIALS_CACHE_SECONDS)
    return True
