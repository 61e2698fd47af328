"""A Redis cache that degrades instead of failing (issue 9: "Redis down degrades, never breaks").

The cache only holds what can be lost: allauth's IP rate limits and short-lived keys. When
Redis is unreachable, reads miss, writes are dropped and the error is logged, so the login
and every user action keep working; the per-account lockout (ACC-6) lives on the user row
and is still enforced. After a failure Redis is left alone for a few seconds (a circuit
breaker), so that a dead server does not add a connection attempt to every cache call.
"""

from __future__ import annotations

import functools
import logging
import os
import time

from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_AFTER_SECONDS = 5.0


def _degrades(fallback):
    """Run the Redis operation unless the circuit is open; on an outage return `fallback(...)`."""

    def decorator(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if time.monotonic() < self._down_until:
                return fallback(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except OUTAGE_ERRORS as exc:
                self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
                logger.warning("Cache unavailable, degrading for %ss: %s", RETRY_AFTER_SECONDS, exc)
                return fallback(*args, **kwargs)

        return wrapper

    return decorator


def _default(key, default=None, *args, **kwargs):
    return default


def _nothing(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


def _true(*args, **kwargs):
    # `add` is how allauth takes its rate-limit lock: "added" lets the request through.
    return True


def _empty(*args, **kwargs):
    return {}


def _no_failed_keys(data, *args, **kwargs):
    return list(data)


def _incremented(key, delta=1, *args, **kwargs):
    # A counter that cannot be read counts from zero: rate limits fail open.
    return delta


def _or_set_value(key, default, *args, **kwargs):
    return default() if callable(default) else default


class DegradingRedisCache(RedisCache):
    _down_until = 0.0

    def __init__(self, server, params):
        super().__init__(server, params)
        if settings.TESTING and not self.key_prefix:
            # Test runs on one machine share Redis (CI beside a developer's run): each test
            # process writes under its own prefix and clears only its own keys.
            self.key_prefix = f"test{os.getpid()}"

    def _clear(self) -> bool:
        if not self.key_prefix:
            return RedisCache.clear(self)  # FLUSHDB
        client = self._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{self.key_prefix}:*", count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])
        return bool(keys)

    get = _degrades(_default)(RedisCache.get)
    set = _degrades(_nothing)(RedisCache.set)
    add = _degrades(_true)(RedisCache.add)
    touch = _degrades(_false)(RedisCache.touch)
    delete = _degrades(_false)(RedisCache.delete)
    has_key = _degrades(_false)(RedisCache.has_key)
    incr = _degrades(_incremented)(RedisCache.incr)
    get_many = _degrades(_empty)(RedisCache.get_many)
    set_many = _degrades(_no_failed_keys)(RedisCache.set_many)
    delete_many = _degrades(_nothing)(RedisCache.delete_many)
    get_or_set = _degrades(_or_set_value)(RedisCache.get_or_set)
    clear = _degrades(_false)(_clear)
