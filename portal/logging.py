"""Logging filters of the portal."""

from __future__ import annotations

import logging


class ForbiddenWithoutTraceback(logging.Filter):
    """A refused access (403) is an expected event: one line, not a traceback.

    Django logs PermissionDenied on `django.request` with the exception attached; every
    probe of another structure's page would otherwise fill the logs with tracebacks.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
