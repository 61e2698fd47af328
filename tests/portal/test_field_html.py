"""Issue 10: `portal.field_html` writes the markup of `invoicing/received/_field.html` and
Django's widget templates byte for byte, for every widget it handles, bound or not, with
errors, and escapes every value."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils import translation

from portal.field_html import field_group, widget_markup
from portal.forms import DsfrForm

pytestmark = pytest.mark.django_db


class Sample(DsfrForm):
    text = forms.CharField(label="Nom <b>", help_text="Aide & <i>", max_length=20)
    number = forms.DecimalField(label="Montant", required=False, min_value=0)
    day = forms.DateField(
        label="Jour", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    choice = forms.ChoiceField(
        label="Choix",
        required=False,
        choices=[("", "Tous"), ("a<", "A & <b>"), ("Groupe", [("g1", "G1"), ("g2", "G2")])],
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    agree = forms.BooleanField(label="J'accepte", required=False)
    secret = forms.CharField(required=False, widget=forms.HiddenInput)
    email = forms.EmailField(label="Courriel", required=False)
    pick = forms.ChoiceField(
        label="Radio", required=False, choices=[("x", "X")], widget=forms.RadioSelect
    )


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {
            "text": 'a"<script>',
            "number": "-3",
            "day": "2026-13-45",
            "choice": "a<",
            "note": "</textarea><b>",
            "agree": "on",
            "secret": "s'\"",
            "email": "nope",
            "pick": "x",
        },
        {"text": "ok", "choice": "g2", "number": "12.5", "day": "2026-01-31"},
    ],
)
def test_fields_written_in_python_match_the_template(data):
    form = Sample(data) if data is not None else Sample()
    if form.is_bound:
        form.is_valid()
    with translation.override("fr"):
        for field in form:
            expected = render_to_string("invoicing/received/_field.html", {"field": field})
            assert str(field_group(field)) == expected, field.name


class Selects(DsfrForm):
    plain = forms.ChoiceField(
        label="Statut",
        required=False,
        choices=[("", "Tous"), ("a", "A <b>"), ("a", "A bis"), (None, "Aucun"), (3, "Trois")],
    )
    required = forms.ChoiceField(label="Tri", choices=[("x", "X & Y"), ("y", "Y")])
    model = forms.ModelChoiceField(
        label="Utilisateur", required=False, queryset=get_user_model().objects.order_by("pk")
    )


@pytest.mark.parametrize("data", [None, {}, {"plain": "a", "required": "y"}, {"plain": "3"}])
def test_selects_written_from_their_choices_match_django(data, django_user_model):
    django_user_model.objects.create_user("a@example.org", "x-Mot-de-passe-1", first_name="<A>")
    django_user_model.objects.create_user("b@example.org", "x-Mot-de-passe-1")
    if data is not None and "plain" in data:
        data["model"] = str(django_user_model.objects.order_by("pk").last().pk)
    form = Selects(data) if data is not None else Selects()
    if form.is_bound:
        form.is_valid()
    with translation.override("fr"):
        for field in form:
            assert str(widget_markup(field)) == forms.BoundField.as_widget(field), field.name
            expected = render_to_string("invoicing/received/_field.html", {"field": field})
            assert str(field_group(field)) == expected, field.name
