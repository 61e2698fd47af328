"""Celery tasks of the outbox: send one mail after commit, and sweep what is still pending."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.schedules import crontab

from notifications import delivery, digest

logger = logging.getLogger(__name__)

beat_schedule = {
    "notifications-send-pending-emails": {
        "task": "notifications.tasks.send_pending_emails",
        "schedule": crontab(),  # every minute
    },
    # NOT-2: CELERY_TIMEZONE is Europe/Paris, so these are Paris times.
    "notifications-send-daily-digests": {
        "task": "notifications.tasks.send_daily_digests",
        "schedule": crontab(hour=6, minute=0),
    },
    "notifications-send-weekly-digests": {
        "task": "notifications.tasks.send_weekly_digests",
        "schedule": crontab(hour=6, minute=0, day_of_week=1),
    },
}


@shared_task(bind=True, acks_late=True, max_retries=delivery.MAX_ATTEMPTS)
def send_email(self, email_id: int) -> str:
    outcome = delivery.deliver(email_id)
    if outcome == delivery.Outcome.RETRY and not (
        self.request.is_eager or self.request.called_directly
    ):
        # The row stays PENDING: if this retry is lost, the periodic sweep sends it.
        raise self.retry(countdown=delivery.backoff(self.request.retries + 1))
    return outcome.value


@shared_task(acks_late=True)
def send_pending_emails() -> dict[str, int]:
    counts: dict[str, int] = {}
    for email_id in delivery.pending_ids():
        outcome = delivery.deliver(email_id, skip_locked=True)
        counts[outcome.value] = counts.get(outcome.value, 0) + 1
    return counts


@shared_task(acks_late=True)
def send_daily_digests() -> int:
    """NOT-2: yesterday's activity, at 06:00 (built once per user and day, NOT-5)."""
    return _send_all(digest.send_digests(digest.DAILY))


@shared_task(acks_late=True)
def send_weekly_digests() -> int:
    """NOT-2: last week's recap, on Monday at 06:00."""
    return _send_all(digest.send_digests(digest.WEEKLY))


def _send_all(ids: list[int]) -> int:
    for email_id in ids:
        try:
            send_email.apply_async((email_id,), retry=False)
        except Exception:  # noqa: BLE001 - broker down: the periodic sweep sends it
            logger.warning("Could not queue digest %s; the periodic task will send it.", email_id)
    return len(ids)
