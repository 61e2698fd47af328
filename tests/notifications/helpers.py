"""Test helpers for the outbox: eager Celery, mail backends that fail or are slow."""

from __future__ import annotations

import re
import smtplib
import threading
import time

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

LINK = re.compile(r"https?://\S+")


def links_in(text: str) -> list[str]:
    return LINK.findall(text)


class DisconnectedBackend(BaseEmailBackend):
    """An SMTP server that drops the connection."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class SlowRecordingBackend(BaseEmailBackend):
    """Takes its time, so two concurrent senders would overlap; records every message."""

    sent: list = []
    lock = threading.Lock()
    delay = 0.5

    def send_messages(self, email_messages):
        time.sleep(self.delay)
        with self.lock:
            type(self).sent.extend(email_messages)
        return len(email_messages)


def outbox_messages() -> list:
    return list(mail.outbox)
