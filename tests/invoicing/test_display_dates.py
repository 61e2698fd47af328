"""`invoicing.display.date_maker`, the dates of the rows written in Python (issue 10): the
same text as Django's `date` filter in every language and format, the numeric formats
written without `dateformat`."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template.defaultfilters import date as date_filter
from django.utils import timezone, translation

from invoicing import display

VALUES = [
    dt.date(2026, 1, 5),
    dt.date(999, 12, 31),  # Django pads the year to 4 digits
    dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC),  # before the spring change in Paris
    dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC),  # after it
    dt.datetime(2026, 10, 25, 0, 59, 59, tzinfo=dt.UTC),
    dt.datetime(2026, 12, 31, 23, 5, 9, tzinfo=dt.UTC),  # another year in Paris
    dt.datetime(2026, 7, 14, 9, 7, tzinfo=ZoneInfo("America/Cayenne")),
]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    "format_name", ["SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT", "DATETIME_FORMAT"]
)
def test_same_text_as_the_date_filter(language, format_name):
    with translation.override(language), timezone.override("Europe/Paris"):
        show = display.date_maker(format_name)
        for value in VALUES:
            if format_name != "SHORT_DATE_FORMAT" and not isinstance(value, dt.datetime):
                continue  # a time format is for datetimes only
            expected = date_filter(
                timezone.localtime(value) if isinstance(value, dt.datetime) else value,
                format_name,
            )
            assert show(value) == expected, value
        assert show(None) == ""


def test_numeric_formats_skip_dateformat():
    assert display._numeric_template("d/m/Y H:i") == (
        "{0.day:02d}/{0.month:02d}/{0.year:04d} {0.hour:02d}:{0.minute:02d}"
    )
    assert display._numeric_template("{d}") == "{{{0.day:02d}}}"
    for needs_dateformat in ("j F Y", "m/d/Y P", r"d \d\e m", "N j, Y"):
        assert display._numeric_template(needs_dateformat) is None
