"""Celery tasks of the outbox: send one mail after commit, and sweep what is still pending."""

from __future__ import annotations

from celery import shared_task
from celery.schedules import crontab

from notifications import delivery

beat_schedule = {
    "notifications-send-pending-emails": {
        "task": "notifications.tasks.send_pending_emails",
        "schedule": crontab(),  # every minute
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
