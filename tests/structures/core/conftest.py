"""Helpers of the structure-core tests (actor matrix, query counting)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

MANAGERS = ("main_manager", "secondary_manager")
NOT_MANAGERS = (
    "simple_view",
    "simple_change",
    "other_user",
    "public_reviewer",
    "support",
    "unattached",
)


def count_queries(client, url: str) -> int:
    """Queries of one GET, streamed content included (after a warm-up GET, so that the
    session and per-process caches filled by a first visit do not count)."""
    warm = client.get(url)
    if warm.streaming:
        b"".join(warm.streaming_content)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(captured.captured_queries)


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login
