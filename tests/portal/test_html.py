"""Issue 10: `portal.html.format_html(_join)`, used by the list rows written in Python, escape
exactly as Django's `format_html(_join)` do (safe strings kept, lazy strings translated)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import html as django_html
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from portal import html

VALUES = [
    '<b>"l\'été" & co</b>',
    mark_safe("<span>sûr</span>"),
    gettext_lazy("Brouillon"),
    None,
    42,
    Decimal("-1.50"),
    "",
]


@pytest.mark.parametrize("value", VALUES)
def test_format_html_escapes_like_django(value):
    template = '<td data-x="{}">{}</td>'
    with translation.override("en"):
        ours = html.format_html(template, value, value)
        theirs = django_html.format_html(template, value, value)
    assert ours == theirs
    assert hasattr(ours, "__html__")


def test_format_html_join_escapes_like_django():
    rows = [(value, "<i>") for value in VALUES]
    for separator in ("", "<br>", mark_safe("<br>")):
        ours = html.format_html_join(separator, "{} [{}]", rows)
        assert ours == django_html.format_html_join(separator, "{} [{}]", rows)
