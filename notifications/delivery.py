"""Sending one outbox row, at most once (NOT-5)."""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from enum import StrEnum

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from notifications.models import Email, EmailStatus

logger = logging.getLogger(__name__)

# SMTP refusals and network failures are worth another try; anything else is a bug
# in the mail itself and is marked FAILED at once.
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)
# 30 s, 1, 2, 4, 8, 16, 32 min, then hourly: an SMTP outage of about half a day loses nothing.
MAX_ATTEMPTS = 16
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600


class Outcome(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"  # already sent, failed for good, gone, or being sent right now
    RETRY = "retry"
    FAILED = "failed"


def backoff(attempts: int) -> int:
    """Seconds before the next try after `attempts` failures: 30 s, 60 s, 2 min... capped."""
    return min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)


def deliver(email_id: int, *, skip_locked: bool = False) -> Outcome:
    """Send the mail if it is still pending.

    The row stays locked (select_for_update) while the SMTP conversation runs, so a second
    run of the task for the same row waits, then sees SENT and does nothing: a mail is
    never sent twice. `skip_locked` lets the periodic sweep pass over rows being sent.
    """
    with transaction.atomic():
        email = Email.objects.select_for_update(skip_locked=skip_locked).filter(pk=email_id).first()
        if email is None or email.status != EmailStatus.PENDING:
            return Outcome.SKIPPED
        email.attempts += 1
        try:
            email.as_message().send()
        except TRANSIENT_ERRORS as exc:
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            email.next_attempt_at = timezone.now() + timedelta(seconds=backoff(email.attempts))
            if email.attempts >= MAX_ATTEMPTS:
                email.status = EmailStatus.FAILED
            email.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            logger.warning("Mail %s not sent (attempt %s): %s", email_id, email.attempts, exc)
            return Outcome.FAILED if email.status == EmailStatus.FAILED else Outcome.RETRY
        except Exception as exc:
            logger.exception("Mail %s cannot be sent", email_id)
            email.status = EmailStatus.FAILED
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            email.save(update_fields=["attempts", "last_error", "status"])
            return Outcome.FAILED
        email.status = EmailStatus.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
        email.next_attempt_at = None
        email.save(update_fields=["attempts", "last_error", "status", "sent_at", "next_attempt_at"])
        return Outcome.SENT


def pending_ids(limit: int = 500) -> list[int]:
    """Pending mails whose back-off delay, if any, has elapsed, oldest first."""
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now())
    return list(
        Email.objects.filter(due, status=EmailStatus.PENDING)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
