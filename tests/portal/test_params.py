"""Issue 9: request parameters become ids and text in one place (portal.params)."""

import pytest
from django import forms

from portal.params import (
    MAX_ID,
    ControlCharactersMixin,
    clean_param,
    parse_id,
    parse_ids,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("42", 42),
        (" 7 ", 7),
        (3, 3),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("9" * 40, None),
        ("0", None),
        ("-3", None),
        ("²", None),
        ("١٢", None),  # Arabic-Indic digits pass str.isdigit()
        ("1E+30", None),
        ("a\x00b", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_id_accepts_only_ascii_digits_within_the_database_range(value, expected):
    assert parse_id(value) == expected


def test_parse_ids_drops_what_is_not_an_id():
    assert parse_ids(["3", "²", "x", "9" * 40, "5"]) == [3, 5]


def test_clean_param_refuses_control_characters_and_cuts_the_length():
    assert clean_param("a\x00b") == ""
    assert clean_param(" 123 ") == "123"
    assert clean_param("x" * 300) == "x" * 255
    assert clean_param(None) == ""


class _Form(ControlCharactersMixin, forms.Form):
    name = forms.CharField(required=False)
    comment = forms.CharField(required=False, widget=forms.Textarea)


@pytest.mark.parametrize("control", ["\x01", "\x1b", "\x7f", "\x0b"])
def test_form_text_with_control_characters_is_refused_in_french(control):
    form = _Form({"name": f"a{control}b", "comment": f"a{control}b"})

    assert not form.is_valid()
    assert form.errors["name"] == ["Ce champ contient des caractères de contrôle non autorisés."]
    assert "comment" in form.errors


def test_form_multiline_text_keeps_tabs_and_new_lines():
    form = _Form({"name": "Nom", "comment": "ligne 1\r\n\tligne 2"})

    assert form.is_valid(), form.errors


def test_form_single_line_text_refuses_a_new_line():
    form = _Form({"name": "a\nb"})

    assert not form.is_valid()
