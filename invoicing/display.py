"""How invoices' values are shown: status badges and money in the user's language. Plain
functions, registered as template tags by `invoicing.templatetags.invoicing_tags` and called
by the rows rendered in Python (`invoicing.received.rows`)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import NamedTuple

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import reverse
from django.utils import dateformat, formats, timezone, translation
from django.utils.html import format_html

from invoicing.enums import InvoiceStatus

S = InvoiceStatus
_BADGE_CLASS = {
    S.BROUILLON: "fr-badge--new",
    S.REJETEE: "fr-badge--error",
    S.REFUSEE_1: "fr-badge--error",
    S.SUSPENDUE: "fr-badge--warning",
    S.A_RECYCLER: "fr-badge--warning",
    S.ABSENCE_VALIDATION_1_HORS_DELAI: "fr-badge--warning",
    S.MISE_EN_PAIEMENT: "fr-badge--success",
    S.COMPTABILISEE: "fr-badge--success",
    S.MISE_A_DISPOSITION_COMPTABLE: "fr-badge--success",
    S.MANDATEE: "fr-badge--success",
    S.SERVICE_FAIT: "fr-badge--success",
    S.VALIDEE_1: "fr-badge--success",
}
_CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF"}


def status_badge(status: str):
    """A DSFR badge for an invoice status code; an unknown code is shown as is. Built once
    per status and language (a list page shows up to a hundred)."""
    return _badge(status, translation.get_language())


def badge_maker() -> Callable[[str], str]:
    """`status_badge` with the active language looked up once for a whole table."""
    language = translation.get_language()
    return lambda status: _badge(status, language)


@lru_cache(maxsize=256)
def _badge(status: str, language: str | None):
    try:
        label = InvoiceStatus(status).label
    except ValueError:
        label = status
    css = _BADGE_CLASS.get(status, "fr-badge--info")
    return format_html(
        '<span class="fr-badge fr-badge--sm fr-badge--no-icon {}" data-status="{}">{}</span>',
        css,
        status,
        label,
    )


def url_maker(name: str) -> Callable[[int], str]:
    """pk → `reverse(name, args=[pk])`, reversed once for a whole table."""
    probe = 987654321
    before, after = reverse(name, args=[probe]).split(str(probe))
    return lambda pk: f"{before}{int(pk)}{after}"


# Django date-format characters that are plain zero-padded numbers: a format made only of
# them (and of characters that are not format characters) is written by `str.format`,
# ten times cheaper than `dateformat.format` on a page of a hundred rows (issue 10).
_NUMERIC_FORMAT_CHARS = {
    "d": "{0.day:02d}",
    "m": "{0.month:02d}",
    "Y": "{0.year:04d}",
    "H": "{0.hour:02d}",
    "i": "{0.minute:02d}",
    "s": "{0.second:02d}",
}
# Every character `django.utils.dateformat` interprets (and its escape).
_DJANGO_FORMAT_CHARS = frozenset("aAbBcdDeEfFgGhHiIjlLmMnNoOPrsStTuUwWyYzZ\\")


def _numeric_template(fmt: str) -> str | None:
    """`fmt` as a `str.format` template, or None when it needs `dateformat` (names of
    months, unpadded numbers, a.m./p.m., escapes...)."""
    parts = []
    for char in fmt:
        if char in _NUMERIC_FORMAT_CHARS:
            parts.append(_NUMERIC_FORMAT_CHARS[char])
        elif char in _DJANGO_FORMAT_CHARS:
            return None
        else:
            parts.append(char.replace("{", "{{").replace("}", "}}"))
    return "".join(parts)


def date_maker(format_name: str = "SHORT_DATE_FORMAT") -> Callable[[object], str]:
    """A date or an aware datetime (in the portal's time zone) → text in the active
    language's `format_name`; the format and the time zone looked up once for a whole
    table. None → ""."""
    fmt = formats.get_format(format_name)
    template = _numeric_template(fmt)
    zone = timezone.get_current_timezone()

    def show(value) -> str:
        if value is None:
            return ""
        if getattr(value, "tzinfo", None) is not None:
            value = value.astimezone(zone)
        if template is not None:
            return template.format(value)
        return dateformat.format(value, fmt)

    return show


def money(value, currency: str = "EUR") -> str:
    """Two decimals, grouped the way the active language writes amounts."""
    return money_maker()(value, currency)


# Amounts of 10^15 and more are written by Django's `number_format` (whatever it does
# with them), the others by `format(amount, ",.2f")` with the language's separators.
_PLAIN_DIGITS = 15
_CENT = Decimal("0.01")


def money_maker() -> Callable[..., str]:
    """`money` with the language and its separators looked up once for a whole table
    (issue 10: a list page shows up to two hundred amounts; `number_format` read three
    formats and the active language for each)."""
    language = translation.get_language()
    # No active language (translations deactivated): Django's settings-wide formats.
    style = _number_style(language) if language else None
    english = (language or "fr").startswith("en")

    def show(value, currency: str = "EUR") -> str:
        if value is None or (type(value) is str and not value):
            return ""
        try:
            amount = Decimal(str(value)).quantize(_CENT, rounding=ROUND_HALF_UP)
        except (InvalidOperation, ValueError):
            return str(value)
        if not amount.is_finite():  # a NaN (PostgreSQL's numeric has one): as it is
            return str(value)
        if style is None or amount.adjusted() >= _PLAIN_DIGITS:
            number = formats.number_format(
                amount, decimal_pos=2, use_l10n=True, force_grouping=True
            )
        else:  # Django writes no sign on a zero ("-0.00")
            number = format(amount if amount else abs(amount), ",.2f").translate(style)
        currency = (currency or "EUR").upper()
        symbol = _CURRENCY_SYMBOLS.get(currency, currency)
        if english:
            if symbol == currency:
                return f"{number} {currency}"
            return f"{symbol}{number}" if number[0] != "-" else f"-{symbol}{number[1:]}"
        return f"{number}\N{NO-BREAK SPACE}{symbol}"

    return show


@lru_cache(maxsize=16)
def _number_style(language: str) -> dict[int, str] | None:
    """The `str.translate` table turning "1,234.50" into `language`'s writing, or None
    when its grouping is not by threes."""
    grouping = formats.get_format("NUMBER_GROUPING", language, use_l10n=True)
    if grouping != 3:
        return None
    decimal = formats.get_format("DECIMAL_SEPARATOR", language, use_l10n=True)
    thousands = formats.get_format("THOUSAND_SEPARATOR", language, use_l10n=True)
    return str.maketrans({",": thousands, ".": decimal})


@receiver(setting_changed)
def _forget_number_styles(*, setting, **kwargs) -> None:
    """Where Django forgets its formats (`django.test.signals`), and on a new format path."""
    if setting in formats.FORMAT_SETTINGS or setting in {
        "USE_THOUSAND_SEPARATOR",
        "FORMAT_MODULE_PATH",
        "LANGUAGES",
    }:
        _number_style.cache_clear()


class Writers(NamedTuple):
    """How one table writes its values, each writer's lookups (language, formats, the
    detail page's address) done once for the table."""

    url: Callable[[int], str]
    date: Callable[[object], str]
    money: Callable[..., str]
    badge: Callable[[str], str]


def writers(detail_url_name: str) -> Writers:
    return Writers(url_maker(detail_url_name), date_maker(), money_maker(), badge_maker())
