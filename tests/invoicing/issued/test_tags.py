"""invoicing_tags: money in the user's language and status badges."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import translation

from invoicing.templatetags.invoicing_tags import frame_short, money, status_badge


@pytest.mark.parametrize(
    ("language", "value", "currency", "expected"),
    [
        ("fr", Decimal("1234.5"), "EUR", "1\N{NO-BREAK SPACE}234,50\N{NO-BREAK SPACE}€"),
        ("en", Decimal("1234.5"), "EUR", "€1,234.50"),
        ("en", Decimal("-12.345"), "EUR", "-€12.35"),
        (
            "fr",
            Decimal("1000000.123456"),
            "USD",
            "1\N{NO-BREAK SPACE}000\N{NO-BREAK SPACE}000,12\N{NO-BREAK SPACE}$",
        ),
        ("en", Decimal("10"), "SEK", "10.00 SEK"),
        ("fr", None, "EUR", ""),
    ],
)
def test_money_follows_the_language(language, value, currency, expected):
    with translation.override(language):
        assert money(value, currency) == expected


def test_status_badge_is_translated_and_coloured():
    with translation.override("fr"):
        html = status_badge("REJETEE")
    assert "fr-badge--error" in html and "Rejetée" in html and 'data-status="REJETEE"' in html


def test_status_badge_unknown_code_is_shown_escaped():
    assert "&lt;b&gt;" in status_badge("<b>")


def test_frame_short():
    assert frame_short("A12_FACTURE_COTRAITANT") == "A12"


@pytest.mark.parametrize(
    ("language", "size", "expected"),
    [
        ("fr", 10 * 1024, "10,0\N{NO-BREAK SPACE}Ko"),
        ("fr", 10 * 1024 * 1024, "10,0\N{NO-BREAK SPACE}Mo"),
        ("fr", 120 * 1024 * 1024, "120,0\N{NO-BREAK SPACE}Mo"),
        ("en", 10 * 1024 * 1024, "10.0\N{NO-BREAK SPACE}MB"),
    ],
)
def test_file_size_in_ko_and_mo_in_french(language, size, expected):
    from invoicing.templatetags.invoicing_tags import file_size

    with translation.override(language):
        assert file_size(size) == expected


AMOUNTS = [
    "0", "-0.00", "-0.004", "0.005", "1", "-1", "12.345", "999.995", "1000", "-1000.5",
    "123456.78", "-9999999.99", "1234567890.12", "999999999999999.99", "-999999999999999.99",
    "1E+15", "-1E+15", "12345678901234567890.5", "-123456789012345678901234.5",
]  # fmt: skip


@pytest.mark.parametrize("language", ["fr", "en"])
def test_money_groups_as_django_number_format_does(language):
    """The separators looked up once per language give what `number_format` gives, sign,
    zero and huge amounts included (past 1E+15 it is `number_format` itself)."""
    from django.utils import formats

    with translation.override(language):
        for text in AMOUNTS:
            amount = Decimal(text).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            expected = formats.number_format(
                amount, decimal_pos=2, use_l10n=True, force_grouping=True
            )
            assert money(Decimal(text), "XYZ") == f"{expected}" + (
                " XYZ" if language == "en" else "\N{NO-BREAK SPACE}XYZ"
            ), text


def test_money_past_the_decimal_precision_is_written_as_given():
    assert money(Decimal("1E+30"), "EUR") == "1E+30"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1234.5", "1\N{NO-BREAK SPACE}234,50\N{NO-BREAK SPACE}€"),
        (1234, "1\N{NO-BREAK SPACE}234,00\N{NO-BREAK SPACE}€"),
        (0.1, "0,10\N{NO-BREAK SPACE}€"),
        ("", ""),
        (None, ""),
        ("abc", "abc"),
        (Decimal("NaN"), "NaN"),
        (Decimal("-Infinity"), "-Infinity"),
    ],
)
def test_money_of_other_values(value, expected):
    """Strings, ints and floats as amounts; what is no amount is written as it is (never
    an error on a list page)."""
    with translation.override("fr"):
        assert money(value) == expected


def test_money_without_an_active_language_uses_djangos_formats():
    from django.utils import formats

    with translation.override(None):
        expected = formats.number_format(Decimal("1234.50"), decimal_pos=2, force_grouping=True)
        assert money(Decimal("1234.5")) == f"{expected}\N{NO-BREAK SPACE}€"
