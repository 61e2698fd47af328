"""Guard-rails and shared fixtures (ARCHITECTURE, "Tests (the house rules)").

- An undefined variable in one of *our* templates fails the test (third-party templates,
  such as the DSFR's or allauth's, are left alone).
- Warnings are errors (pyproject `filterwarnings`).
- `REQUIRE_SERVICES=1` (CI) turns every "service missing" skip into a failure.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories.structures import Personas, build_personas

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
OUR_TEMPLATES = str(Path(settings.BASE_DIR) / "templates")


def service_missing(reason: str) -> None:
    """Skip locally, fail in CI: a test that needs a service must run there."""
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


class UndefinedTemplateVariable(str):
    """`string_if_invalid` that raises for variables of our own templates.

    Its value must be non-empty: Django only formats `string_if_invalid` when it is truthy.
    Note Django's documented caveat: with it set, `{{ missing|default:"x" }}` does not reach
    the filter, so our templates pass every variable they use explicitly.
    """

    def __contains__(self, item) -> bool:
        return item == "%s"

    def __mod__(self, variable):
        from django.template.base import Node

        frame = sys._getframe(1)
        while frame is not None:
            node = frame.f_locals.get("self")
            if isinstance(node, Node) and getattr(node, "origin", None) is not None:
                name = str(node.origin.name)
                if name.startswith(OUR_TEMPLATES):
                    raise AssertionError(f"Undefined template variable {variable!r} in {name}")
                return ""
            frame = frame.f_back
        return ""


@pytest.fixture(autouse=True)
def _portal_language():
    """Each test starts in the portal's language: a test that switches to English must not
    leave it active for the next test of its worker (its French messages would be English)."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True, scope="session")
def _fail_on_undefined_template_variables():
    from django.template import engines

    engine = engines["django"].engine
    previous = engine.string_if_invalid
    engine.string_if_invalid = UndefinedTemplateVariable("<undefined %s>")
    yield
    engine.string_if_invalid = previous


@pytest.fixture(autouse=True)
def _isolated_media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def eager_celery():
    """Tasks run in-process in tests, even when REDIS_URL is set (CI); the real-worker test
    opts out by setting `task_always_eager = False` on the yielded app."""
    from portal.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def personas(db) -> Personas:
    """Every actor of the house actor matrix, around one private supplier structure."""
    return build_personas()


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        service_missing("REDIS_URL is not set")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        service_missing(f"Redis at {url} is unreachable: {exc}")
    return url


@pytest.fixture
def postgresql(db) -> None:
    """For tests whose point is a PostgreSQL behaviour (row locks, concurrency)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        service_missing("DATABASE_URL does not point to PostgreSQL")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def close_response(response) -> None:
    """Close a streamed response (its file) without `request_finished` closing the test's
    database connection, as Django's test client itself does."""
    from django.core.signals import request_finished
    from django.db import close_old_connections

    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


@pytest.fixture(scope="session")
def _media_url_for_live_server():
    """The live server's media handler parses MEDIA_URL when it starts; the portal sets
    none (uploads are never served directly), which makes it fail on every request.
    Give it a prefix that nothing links to, before the live server starts."""
    from django.conf import settings

    if not settings.MEDIA_URL:
        settings.MEDIA_URL = "/__test-media__/"


@pytest.fixture(scope="session")
def live_server(_media_url_for_live_server, live_server):
    """pytest-django's live server, started once MEDIA_URL is usable."""
    return live_server
