"""Outbox (NOT-5, NOT-6): stored with the change, sent after commit, at most once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from notifications import delivery, services, tasks
from notifications.models import Email, EmailStatus
from tests.factories.accounts import UserFactory
from tests.factories.structures import StructureFactory
from tests.notifications.helpers import DisconnectedBackend, links_in

pytestmark = pytest.mark.django_db

DISCONNECTED = "tests.notifications.helpers.DisconnectedBackend"


def queue(**kwargs) -> Email:
    defaults = {
        "to": "someone@example.test",
        "context": {"email": "someone@example.test", "user": None, "timestamp": timezone.now()},
    }
    defaults.update(kwargs)
    return services.queue_email("account_password_changed", **defaults)


def test_queue_email_stores_pending_row_and_sends_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email = queue()
        assert Email.objects.get().status == EmailStatus.PENDING
        assert mail.outbox == []

    for callback in callbacks:
        callback()

    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.attempts == 1
    assert email.sent_at is not None
    (message,) = mail.outbox
    assert message.to == ["someone@example.test"]
    assert message.subject == email.subject
    assert message.alternatives[0][1] == "text/html"


def test_queue_email_rolled_back_with_the_change_sends_nothing(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue()
        raise RuntimeError("the change failed")

    assert not Email.objects.exists()
    assert mail.outbox == []


def test_queue_email_renders_in_requested_language():
    french = queue(language="fr")
    english = queue(language="en")

    assert french.language == "fr" and english.language == "en"
    assert '<html lang="fr">' in french.body_html
    assert '<html lang="en">' in english.body_html


def test_queue_email_names_the_portal_and_links_to_it(settings):
    settings.PORTAL_BASE_URL = "https://chorus.example.test"

    email = queue()

    assert "Chorus Pro (démonstration)" in email.body_text
    assert "https://chorus.example.test/accounts/login/" in links_in(email.body_text)
    assert "\n" not in email.subject


def test_queue_email_same_dedup_key_is_stored_and_sent_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue(dedup_key="invoice-42-status-DEPOSEE-user-7")
        second = queue(dedup_key="invoice-42-status-DEPOSEE-user-7")

    assert first.pk == second.pk
    assert Email.objects.count() == 1
    assert len(mail.outbox) == 1


def test_queue_email_without_dedup_key_repeats():
    queue()
    queue()

    assert Email.objects.filter(dedup_key__isnull=True).count() == 2


def test_notify_user_goes_to_contact_address_in_user_language():
    user = UserFactory(contact_email="shared@example.test", language="en")
    structure = StructureFactory()

    email = services.notify_user(
        user,
        "account_password_changed",
        context={"timestamp": timezone.now(), "email": user.email},
        structure=structure,
    )

    assert email.to == "shared@example.test"
    assert email.language == "en"
    assert email.user == user
    assert email.structure == structure


def test_send_transactional_goes_to_connection_address():
    user = UserFactory(contact_email="shared@example.test", language="fr")

    email = services.send_transactional(
        user, "account_password_changed", context={"timestamp": timezone.now(), "email": user.email}
    )

    assert email.to == user.email
    assert email.language == "fr"


def test_send_email_run_twice_sequentially_sends_once():
    email = queue()

    first = tasks.send_email(email.pk)
    second = tasks.send_email(email.pk)

    assert (first, second) == ("sent", "skipped")
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.attempts == 1


def test_send_email_unknown_row_is_skipped():
    assert tasks.send_email(987654) == "skipped"


def test_failing_smtp_leaves_row_pending_then_next_sweep_sends_it(settings):
    email = queue()
    settings.EMAIL_BACKEND = DISCONNECTED

    outcome = tasks.send_email(email.pk)

    email.refresh_from_db()
    assert outcome == "retry"
    assert email.status == EmailStatus.PENDING
    assert email.attempts == 1
    assert "SMTPServerDisconnected" in email.last_error
    assert email.next_attempt_at > timezone.now()

    # The SMTP server is back; the back-off delay has elapsed.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Email.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    counts = tasks.send_pending_emails()

    email.refresh_from_db()
    assert counts == {"sent": 1}
    assert email.status == EmailStatus.SENT
    assert email.attempts == 2
    assert len(mail.outbox) == 1


def test_sweep_honours_back_off_delay(settings):
    email = queue()
    settings.EMAIL_BACKEND = DISCONNECTED
    tasks.send_email(email.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    counts = tasks.send_pending_emails()

    assert counts == {}
    assert Email.objects.get().status == EmailStatus.PENDING


def test_sweep_sends_pending_mails_whose_task_was_lost():
    emails = [queue(), queue(), queue()]  # on_commit never ran: the broker was down

    counts = tasks.send_pending_emails()

    assert counts == {"sent": 3}
    assert set(Email.objects.values_list("status", flat=True)) == {EmailStatus.SENT}
    assert len(mail.outbox) == len(emails)


def test_back_off_is_exponential_and_capped():
    delays = [delivery.backoff(n) for n in range(1, 12)]

    assert delays[:4] == [30, 60, 120, 240]
    assert all(b >= a for a, b in zip(delays, delays[1:], strict=False))
    assert delays[-1] == delivery.BACKOFF_MAX_SECONDS


def test_transient_failures_become_failed_after_max_attempts(settings):
    email = queue()
    settings.EMAIL_BACKEND = DISCONNECTED
    Email.objects.filter(pk=email.pk).update(attempts=delivery.MAX_ATTEMPTS - 1)

    outcome = delivery.deliver(email.pk)

    email.refresh_from_db()
    assert outcome == delivery.Outcome.FAILED
    assert email.status == EmailStatus.FAILED


def test_send_email_broken_message_is_failed_not_retried(settings):
    email = queue()
    Email.objects.filter(pk=email.pk).update(to="broken\naddress@example.test")

    outcome = tasks.send_email(email.pk)

    email.refresh_from_db()
    assert outcome == "failed"
    assert email.status == EmailStatus.FAILED
    assert email.last_error


def test_broker_down_keeps_row_pending(monkeypatch, django_capture_on_commit_callbacks):
    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("redis is down")

    monkeypatch.setattr(tasks.send_email, "apply_async", broker_down)

    with django_capture_on_commit_callbacks(execute=True):
        email = queue()

    email.refresh_from_db()
    assert email.status == EmailStatus.PENDING


def test_disconnected_backend_really_raises():
    with pytest.raises(OSError):  # SMTPServerDisconnected is an OSError subclass
        DisconnectedBackend().send_messages([])


def test_tasks_are_registered_on_the_portal_app_with_a_minute_sweep():
    from celery.schedules import crontab

    from portal.celery import app

    app.loader.import_default_modules()
    assert "notifications.tasks.send_email" in app.tasks
    assert "notifications.tasks.send_pending_emails" in app.tasks
    entry = tasks.beat_schedule["notifications-send-pending-emails"]
    assert entry["task"] == "notifications.tasks.send_pending_emails"
    assert entry["schedule"] == crontab()
    app.finalize()
    assert "notifications-send-pending-emails" in app.conf.beat_schedule
