"""Issue 9: with Redis down the cache degrades (reads miss, writes are dropped) and nobody
is locked out of the portal; the per-account lockout on the user row still holds."""

import pytest
from django.core.cache import caches
from django.urls import reverse

from accounts.models import User
from notifications.models import Email, EmailStatus
from tests.accounts.helpers import log_in, sign_up
from tests.factories.accounts import UserFactory

# Port 1 on the loopback: nothing listens there, every connection is refused at once.
CLOSED_REDIS = "redis://127.0.0.1:1/0"
PRODUCTION_RATE_LIMITS = {"login_failed": "30/m/ip", "confirm_email": "1/60s/key"}


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.DegradingRedisCache",
            "LOCATION": CLOSED_REDIS,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.ACCOUNT_RATE_LIMITS = PRODUCTION_RATE_LIMITS
    yield caches["default"]
    caches["default"].close()


def test_cache_with_redis_down_misses_and_drops_writes(redis_down):
    redis_down.set("k", 1)

    assert redis_down.get("k", "fallback") == "fallback"
    assert redis_down.add("k", 2) is True  # fail open: allauth's rate-limit lock
    assert redis_down.get_many(["k"]) == {}
    assert redis_down.incr("counter", 3) == 3
    assert redis_down.get_or_set("k", lambda: 7) == 7
    redis_down.delete("k")


def test_cache_after_an_outage_skips_redis_for_a_while(redis_down, monkeypatch):
    redis_down.get("k")
    calls = []
    monkeypatch.setattr(
        type(redis_down).__mro__[1], "get", lambda *a, **k: calls.append(a) or "redis"
    )

    assert redis_down.get("k", "fallback") == "fallback"
    assert calls == []


@pytest.mark.django_db
def test_login_with_redis_down_succeeds(client, redis_down):
    user = UserFactory(email="alice@example.test")

    response = log_in(client, "alice@example.test")

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_login_failures_with_redis_down_still_lock_after_5(client, redis_down):
    user = UserFactory(email="bob@example.test")

    for _ in range(5):
        response = log_in(client, "bob@example.test", "Not-The-Password-1")

    assert response.status_code == 200
    assert "verrouillé" in str(response.context["form"].non_field_errors())
    assert User.objects.get(pk=user.pk).locked_until is not None


@pytest.fixture
def broker_down(eager_celery):
    """Celery's broker on a closed port too: sending a task fails at once."""
    app = eager_celery
    previous = app.conf.broker_url, app.conf.task_always_eager
    app.conf.task_always_eager = False
    app.conf.broker_url = CLOSED_REDIS
    app.pool.force_close_all()
    yield app
    app.conf.broker_url, app.conf.task_always_eager = previous
    app.pool.force_close_all()


@pytest.mark.django_db(transaction=True)
def test_sign_up_with_redis_down_keeps_the_activation_mail_in_the_outbox(
    client, redis_down, broker_down
):
    response = sign_up(client, email="new.user@example.test")

    assert response.status_code == 302
    mail = Email.objects.get(to="new.user@example.test")
    assert mail.status == EmailStatus.PENDING  # the periodic task sends it once Redis is back
