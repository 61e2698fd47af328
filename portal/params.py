"""Request parameters made safe before they reach a query (issue 9).

    parse_id(value)           a database id, or None ("²", "1E+30", 40 digits, NUL...)
    parse_ids(values)         the ids of a list, the others dropped
    clean_param(value)        the text of a query-string / POST value, controls refused
    refuse_control_characters the form validator (NUL and the other C0 controls)
    ControlCharactersMixin    adds it to every text field of a form

Why: `str.isdigit()` accepts "²" that `int()` refuses, a 30-digit number overflows the
database driver, and PostgreSQL refuses a NUL byte in any text (a 500 for each).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The largest primary key a database holds (a signed 64-bit integer).
MAX_ID = 2**63 - 1

# C0 controls and DEL; tab, line feed and carriage return are allowed in multi-line text.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROLS_SINGLE_LINE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
CONTROL_MESSAGE = _("Ce champ contient des caractères de contrôle non autorisés.")


def parse_id(value) -> int | None:
    """A positive database id (ASCII digits, 1..2**63-1) from a request, else None."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def parse_ids(values: Iterable) -> list[int]:
    return [pk for pk in (parse_id(value) for value in values or ()) if pk is not None]


def has_control_characters(value, *, multiline: bool = True) -> bool:
    pattern = _CONTROLS if multiline else _CONTROLS_SINGLE_LINE
    return isinstance(value, str) and pattern.search(value) is not None


def clean_param(value, *, max_length: int = 255) -> str:
    """A text parameter read directly from request.GET / POST: stripped, cut to
    `max_length`, and empty when it holds control characters (a NUL byte breaks PostgreSQL)."""
    text = "" if value is None else str(value).strip()
    if has_control_characters(text, multiline=False):
        return ""
    return text[:max_length]


def refuse_control_characters(value) -> None:
    if has_control_characters(value):
        raise ValidationError(CONTROL_MESSAGE, code="control_characters")


def refuse_control_characters_single_line(value) -> None:
    if has_control_characters(value, multiline=False):
        raise ValidationError(CONTROL_MESSAGE, code="control_characters")


class ControlCharactersMixin:
    """Every CharField of the form refuses control characters (tab and new lines only in a
    Textarea). Put it first in the bases: it completes the fields once they are built."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and not isinstance(field, forms.ModelChoiceField):
                multiline = isinstance(field.widget, forms.Textarea)
                validator = (
                    refuse_control_characters
                    if multiline
                    else refuse_control_characters_single_line
                )
                if validator not in field.validators:
                    field.validators = [*field.validators, validator]
