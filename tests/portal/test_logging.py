"""Issue 9, item 13: a 403 is logged as one line, without a traceback."""

import logging
import sys

from portal.logging import ForbiddenWithoutTraceback


def _console_filters():
    handler = next(h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler))
    return handler.filters


def test_console_handler_drops_tracebacks_of_403():
    assert any(isinstance(f, ForbiddenWithoutTraceback) for f in _console_filters())


def test_filter_strips_exception_of_403_only():
    try:
        raise PermissionError("no")
    except PermissionError:
        info = sys.exc_info()
    forbidden = logging.LogRecord("django.request", logging.WARNING, "", 0, "Forbidden", (), info)
    forbidden.status_code = 403
    error = logging.LogRecord("django.request", logging.ERROR, "", 0, "Error", (), info)
    error.status_code = 500

    ForbiddenWithoutTraceback().filter(forbidden)
    ForbiddenWithoutTraceback().filter(error)

    assert forbidden.exc_info is None
    assert error.exc_info is info
