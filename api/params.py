"""Reading what clients send (API.md §4.6, §4.7): ids as numbers or numeric strings
(DAT-3), amounts (DAT-4), dates (DAT-2), booleans (TOL-5), trimmed enumerations (TOL-4),
and zero values meaning "not provided" (TOL-3). Each reader raises the API error that
names the field (20005 malformed, 20006 unknown value)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from api.errors import ApiError, malformed, missing, unknown_value
from invoicing.errors import ReturnCode

EMPTY_VALUES = (None, "", [], {})
MAX_ID = 2**63 - 1
TRUE = {"true", "oui", "1", "yes"}
FALSE = {"false", "non", "0", "no"}


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def get(data: Mapping | None, *path: str) -> Any:
    """data[a][b]..., None where any step is missing or not an object."""
    value: Any = data
    for name in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(name)
    return None if is_empty(value) else value


def optional_id(value: Any, field: str) -> int | None:
    """DAT-3 and TOL-3: an id (number or numeric string); 0 means "not provided"."""
    if is_empty(value) or value is False:
        return None
    if isinstance(value, bool):
        raise malformed(field)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        value = value.strip()
        if not value.lstrip("-").isdigit():
            raise malformed(field)
        value = int(value)
    if not isinstance(value, int) or abs(value) > MAX_ID:
        raise malformed(field)
    return value or None


def required_id(value: Any, field: str) -> int:
    found = optional_id(value, field)
    if found is None:
        raise missing(field)
    return found


def id_list(values: Any, field: str) -> list[int]:
    if is_empty(values):
        return []
    if not isinstance(values, list):
        values = [values]
    return [i for i in (optional_id(v, field) for v in values) if i is not None]


def text(value: Any, field: str, *, max_length: int | None = None) -> str:
    if is_empty(value):
        return ""
    if isinstance(value, (bool, dict, list)):
        raise malformed(field)
    value = str(value).strip()
    if max_length is not None and len(value) > max_length:
        raise ApiError(
            ReturnCode.FORMAT,
            _("Le champ %(field)s ne peut pas dépasser %(max)d caractères.")
            % {"field": field, "max": max_length},
        )
    return value


def choice(value: Any, field: str, allowed: Iterable[str]) -> str:
    """TOL-4: trimmed; an unknown value answers 20006."""
    value = text(value, field)
    if not value:
        return ""
    if value not in set(allowed):
        raise unknown_value(field, value)
    return value


def choices(value: Any, field: str, allowed: Iterable[str]) -> list[str]:
    """TOL-6: a string counts as a one-element list."""
    if is_empty(value):
        return []
    if not isinstance(value, list):
        value = [value]
    return [c for c in (choice(v, field, allowed) for v in value) if c]


def boolean(value: Any, field: str) -> bool | None:
    """TOL-5: true/false, "true"/"false", "OUI"/"NON"."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        return value
    lowered = str(value).strip().lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise malformed(field)


def amount(value: Any, field: str) -> Decimal | None:
    """DAT-4: a JSON number or a numeric string with a point decimal."""
    if is_empty(value):
        return None
    if isinstance(value, (bool, dict, list)):
        raise malformed(field)
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise malformed(field) from None
    if not number.is_finite():
        raise malformed(field)
    return number


def date(value: Any, field: str) -> dt.date | None:
    """DAT-2: YYYY-MM-DD or an ISO 8601 date-time whose time part is ignored."""
    if is_empty(value):
        return None
    if not isinstance(value, str):
        raise malformed(field)
    raw = value.strip()
    try:
        return dt.date.fromisoformat(raw[:10]) if len(raw) >= 10 else dt.date.fromisoformat(raw)
    except ValueError:
        raise malformed(field) from None


def datetime(value: Any, field: str) -> dt.datetime | None:
    """DAT-2: ISO 8601 with or without offset; without one, Europe/Paris."""
    if is_empty(value):
        return None
    if not isinstance(value, str):
        raise malformed(field)
    try:
        parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise malformed(field) from None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def required(value: Any, field: str) -> Any:
    if is_empty(value):
        raise missing(field)
    return value
