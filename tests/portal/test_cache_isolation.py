"""Two test runs on one machine share Redis (CI beside a developer's or a helper's run):
each test process keys its cache under its own prefix and `clear()` removes only its keys,
so one run's clearing cannot wipe the lockout counters another run is asserting on."""

from django.core.cache.backends.base import default_key_func

from portal.cache import DegradingRedisCache


def _cache(url: str, prefix: str = "") -> DegradingRedisCache:
    params = {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
    if prefix:
        params["KEY_PREFIX"] = prefix
    return DegradingRedisCache(url, params)


def test_each_test_process_has_its_own_prefix(redis_url):
    assert _cache(redis_url).key_prefix.startswith("test")


def test_clear_removes_only_this_process_keys(redis_url):
    mine, theirs = _cache(redis_url, "run-a"), _cache(redis_url, "run-b")
    try:
        mine.set("lock", 1, 60)
        theirs.set("lock", 2, 60)
        mine.clear()
        assert mine.get("lock") is None
        assert theirs.get("lock") == 2
        assert default_key_func("lock", "run-b", 1) == "run-b:1:lock"
    finally:
        theirs.clear()
        mine.close()
        theirs.close()
