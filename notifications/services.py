"""Mail outbox API (NOT-5, NOT-6): what the other apps call to send a mail.

A mail is rendered at once, in the recipient's language, from
`templates/emails/<template>_{subject,body}.{txt,html}`, stored in the current transaction,
and handed to the `send_email` task only after commit. A rollback therefore drops the mail
with the change that caused it; a broker outage only delays it (the periodic task sends
whatever is still pending).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import IntegrityError, transaction

from notifications.models import Email
from notifications.rendering import PORTAL_NAME, base_context, render_email
from notifications.tasks import send_email

logger = logging.getLogger(__name__)

__all__ = ["PORTAL_NAME", "base_context", "render_email"]  # also read from here


def queue_email(
    template: str,
    *,
    to: str,
    context: dict,
    language: str = "fr",
    user=None,
    structure=None,
    dedup_key: str | None = None,
) -> Email:
    """Render and store one mail; it is sent after the current transaction commits.

    With a `dedup_key` already used, nothing new is stored and the existing row is returned
    (a mail is sent at most once per event and recipient).
    """
    if dedup_key:
        existing = Email.objects.filter(dedup_key=dedup_key).first()
        if existing is not None:
            return existing
    subject, text, html = render_email(template, context, language)
    return queue_rendered(
        template=template,
        to=to,
        subject=subject,
        body_text=text,
        body_html=html,
        language=language,
        user=user,
        structure=structure,
        dedup_key=dedup_key,
    )


def queue_rendered(
    *,
    template: str,
    to: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    language: str = "fr",
    user=None,
    structure=None,
    dedup_key: str | None = None,
) -> Email:
    """Store an already rendered mail (used for allauth's mails) and schedule its sending."""
    try:
        # The savepoint keeps the caller's transaction usable if a concurrent transaction
        # stored the same event first.
        with transaction.atomic():
            email = Email.objects.create(
                to=to,
                subject=subject[:255],
                body_text=body_text,
                body_html=body_html,
                template=template,
                language=language,
                user=user,
                structure=structure,
                dedup_key=dedup_key or None,
            )
    except IntegrityError:
        if not dedup_key:
            raise
        return Email.objects.get(dedup_key=dedup_key)
    transaction.on_commit(lambda: schedule_send(email.pk))
    return email


def schedule_send(email_id: int) -> None:
    """Hand the mail to Celery; if the broker is down the periodic task will send it."""
    try:
        send_email.apply_async((email_id,), retry=False)
    except Exception:  # noqa: BLE001 - any broker failure: the row stays PENDING
        logger.warning("Could not queue mail %s; the periodic task will send it.", email_id)


def notify_user(
    user, template: str, *, context: dict, structure=None, dedup_key: str | None = None
) -> Email:
    """An activity mail: to the contact address (ACC-2), in the user's language (ACC-10)."""
    return queue_email(
        template,
        to=user.notification_email,
        context={"user": user, "structure": structure, **context},
        language=user.language or settings.LANGUAGE_CODE,
        user=user,
        structure=structure,
        dedup_key=dedup_key,
    )


def send_transactional(
    user, template: str, *, context: dict, structure=None, dedup_key: str | None = None
) -> Email:
    """A transactional mail (NOT-1): to the connection address, in the user's language."""
    return queue_email(
        template,
        to=user.email,
        context={"user": user, "structure": structure, **context},
        language=user.language or settings.LANGUAGE_CODE,
        user=user,
        structure=structure,
        dedup_key=dedup_key,
    )
