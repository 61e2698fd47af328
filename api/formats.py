"""Output formats (API.md §4.6, DAT-1, DAT-4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone


def day(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return value.isoformat()


def minute(value) -> str | None:
    """History, service and attachment timestamps: YYYY-MM-DD HH:MM."""
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return f"{value.isoformat()} 00:00"
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def iso(value) -> str | None:
    """ISO 8601 with milliseconds and offset, e.g. 2018-02-16T15:10:25.536+01:00."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="milliseconds")


def number(value) -> int | float | None:
    """Amounts as JSON numbers without trailing zeros."""
    if value is None:
        return None
    value = Decimal(value)
    if value == value.to_integral_value():
        return int(value)
    return float(value.normalize())


def or_none(value):
    """§1: unknown values are omitted or null, never ""."""
    return value if value not in ("", None) else None
