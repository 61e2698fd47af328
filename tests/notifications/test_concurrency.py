"""A mail is never sent twice, even when two workers run the task at the same time (NOT-5).

Real row locks need PostgreSQL: the `postgresql` fixture skips elsewhere (fails in CI).
"""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from notifications import services, tasks
from notifications.models import Email, EmailStatus
from tests.notifications.helpers import SlowRecordingBackend


@pytest.fixture
def slow_backend(settings):
    settings.EMAIL_BACKEND = "tests.notifications.helpers.SlowRecordingBackend"
    SlowRecordingBackend.sent = []
    yield SlowRecordingBackend
    SlowRecordingBackend.sent = []


def run_concurrently(target, *args, count: int = 2) -> list:
    barrier = threading.Barrier(count)
    results: list = []
    errors: list = []

    def worker():
        try:
            barrier.wait(timeout=10)
            results.append(target(*args))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return results


def pending_email(to: str = "someone@example.test") -> Email:
    """A pending outbox row whose after-commit task has not run (committed at once here)."""
    subject, text, html = services.render_email(
        "account_password_changed", {"email": to, "timestamp": timezone.now()}, "fr"
    )
    return Email.objects.create(
        to=to, subject=subject, body_text=text, body_html=html, template="account_password_changed"
    )


@pytest.mark.services
def test_send_email_twice_concurrently_sends_once(postgresql, transactional_db, slow_backend):
    email = pending_email()

    results = run_concurrently(tasks.send_email, email.pk)

    assert sorted(results) == ["sent", "skipped"]
    assert len(slow_backend.sent) == 1
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.attempts == 1


@pytest.mark.services
def test_sweep_and_task_concurrently_send_once(postgresql, transactional_db, slow_backend):
    emails = [pending_email(f"someone{n}@example.test") for n in range(3)]

    barrier = threading.Barrier(2)

    def sweep():
        barrier.wait(timeout=10)
        return tasks.send_pending_emails()

    def one_task():
        barrier.wait(timeout=10)
        return tasks.send_email(emails[0].pk)

    results: list = []

    def wrap(fn):
        try:
            results.append(fn())
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(fn,)) for fn in (sweep, one_task)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(slow_backend.sent) == 3
    assert sorted(m.to[0] for m in slow_backend.sent) == sorted(e.to for e in emails)
    assert set(Email.objects.values_list("status", flat=True)) == {EmailStatus.SENT}
