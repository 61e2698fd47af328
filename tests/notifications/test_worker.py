"""A real Celery worker, in its own process, consumes the outbox task from Redis.

Needs PostgreSQL (the worker process must see the test database) and Redis: the fixtures
skip locally without them and fail under REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from celery.app import routes
from django.conf import settings
from django.db import connection
from django.utils import timezone

from notifications import services
from notifications.models import Email, EmailStatus

WORKER_TIMEOUT = 60


def test_database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or "5432"
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


@pytest.fixture
def celery_worker_process(redis_url, postgresql, transactional_db, tmp_path):
    queue = f"outbox-test-{uuid.uuid4().hex[:12]}"
    mails = tmp_path / "mails"
    log = (tmp_path / "worker.log").open("w")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "TESTING": "1",
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": redis_url,
        "EMAIL_URL": f"file://{mails}",
        "CELERY_EAGER": "0",
    }
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool",
            "solo",
            "--queues",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    # Publish only once the worker consumes: with Redis, a message sent to a direct exchange
    # before the worker has declared (bound) its queue is dropped, not kept.
    deadline = time.monotonic() + WORKER_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        if " ready." in (tmp_path / "worker.log").read_text():
            break
        time.sleep(0.2)
    try:
        yield queue, mails, tmp_path / "worker.log"
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log.close()


@pytest.mark.services
def test_real_worker_consumes_send_task_from_redis(
    celery_worker_process, eager_celery, monkeypatch
):
    queue, mails, log = celery_worker_process
    app = eager_celery
    assert app.conf.broker_url == os.environ["REDIS_URL"]
    app.conf.task_always_eager = False  # restored by the eager_celery fixture
    router = routes.Router(
        routes.prepare({"notifications.tasks.send_email": {"queue": queue}}),
        app.amqp.queues,
        True,
        app=app,
    )
    monkeypatch.setattr(app.amqp, "router", router)

    # transactional_db: autocommit, so on_commit publishes at once, through Redis.
    email = services.queue_email(
        "account_password_changed",
        to="worker@example.test",
        context={"email": "worker@example.test", "timestamp": timezone.now()},
    )

    deadline = time.monotonic() + WORKER_TIMEOUT
    while time.monotonic() < deadline:
        email.refresh_from_db()
        if email.status != EmailStatus.PENDING:
            break
        time.sleep(0.2)

    assert email.status == EmailStatus.SENT, Path(log).read_text()[-3000:]
    assert email.attempts == 1
    written = "".join(path.read_text() for path in mails.glob("*.log"))
    assert "worker@example.test" in written
    assert Email.objects.count() == 1
