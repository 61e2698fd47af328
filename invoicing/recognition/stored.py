"""A `Prefill` as a small JSON document, so that a file is read once (issue 9).

The deposit keeps the pre-fill of an upload beside the stored file (`uploads.py`); the form
reads it back instead of reading the PDF again. Decimals and dates keep their type (tagged
objects), the notice is kept as its code and becomes the translated text again on reading.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import asdict, fields
from decimal import Decimal, InvalidOperation
from typing import Any

from invoicing.recognition.prefill import NOTICES, Prefill

VERSION = 1
_FIELDS = frozenset(f.name for f in fields(Prefill)) - {"notice"}


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, datetime.date):
        return {"$date": value.isoformat()}
    raise TypeError(f"Cannot store {type(value).__name__} in a pre-fill")


def _decode(obj: dict) -> Any:
    if obj.keys() == {"$decimal"}:
        return Decimal(obj["$decimal"])
    if obj.keys() == {"$date"}:
        return datetime.date.fromisoformat(obj["$date"])
    return obj


def dumps(prefill: Prefill | None, kind: str | None = None) -> str:
    """`kind`: the file's detected format, kept too so that sending the invoice does not
    parse the file again to choose its deposit mode (issue 10). `prefill` None: the text
    was not read yet (`loads` answers None, `kind_of` the format)."""
    document: dict[str, Any] = {"version": VERSION}
    if prefill is not None:
        document["prefill"] = {
            name: value for name, value in asdict(prefill).items() if name in _FIELDS
        }
    if kind:
        document["kind"] = kind
    return json.dumps(document, default=_encode)


def loads(text: str) -> Prefill | None:
    """The stored pre-fill, or None when it is unreadable or of another version."""
    try:
        document = json.loads(text, object_hook=_decode)
        if document.get("version") != VERSION:
            return None
        data = {k: v for k, v in document["prefill"].items() if k in _FIELDS}
        prefill = Prefill(**data)
    except (ValueError, KeyError, TypeError, AttributeError, InvalidOperation):
        return None
    prefill.notice = NOTICES.get(prefill.notice_code)
    return prefill


def kind_of(text: str) -> str | None:
    """The detected format kept with a pre-fill, or None (none kept, or unreadable)."""
    try:
        document = json.loads(text)
        kind = document.get("kind") if document.get("version") == VERSION else None
    except (ValueError, AttributeError):
        return None
    return kind if isinstance(kind, str) else None
