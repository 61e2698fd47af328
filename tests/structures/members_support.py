"""Helpers of the account/ and manager/ tests: clients, actor matrix, query counts, outbox;
and the fixtures their conftest.py files turn on for every test."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories.structures import Personas

ANONYMOUS = "anonymous"
# Personas that are not managers of personas.structure.
NOT_MANAGERS = ("simple_view", "simple_change", "public_reviewer", "support", "unattached")


def client_of(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def statuses(personas: Personas, url: str, *, method: str = "get", data=None) -> dict[str, int]:
    """{persona: status code} for one request made by every actor of the matrix."""
    result = {}
    actors = {ANONYMOUS: None, **personas.all()}
    for name, user in actors.items():
        response = getattr(client_of(user), method)(url, data or {})
        result[name] = response.status_code
    return result


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(captured.captured_queries)


def outbox(template: str, to: str | None = None):
    from notifications.models import Email

    emails = Email.objects.filter(template=template)
    if to is not None:
        emails = emails.filter(to=to)
    return emails


@pytest.fixture(autouse=True)
def areas_built(settings):
    """ISSUED, RECEIVED, TO_VALIDATE and COMMITMENTS are built in these tests."""
    settings.ROOT_URLCONF = "tests.structures.urls"


@pytest.fixture(autouse=True)
def eager_celery():
    """Mails queued on commit are sent in-process, even when REDIS_URL is set."""
    from portal.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
