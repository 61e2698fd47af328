"""The FLOWS list filters (FLW-11): number, state, deposit dates, syntax."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from flows.enums import FlowState, FlowSyntax

DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "fr-input"}, format="%Y-%m-%d")


class FilterForm(forms.Form):
    number = forms.CharField(
        label=_("Numéro de flux"),
        max_length=25,
        required=False,
        widget=forms.TextInput(attrs={"class": "fr-input"}),
    )
    state = forms.ChoiceField(
        label=_("État"),
        choices=[("", _("Tous"))] + list(FlowState.choices),
        required=False,
        widget=forms.Select(attrs={"class": "fr-select"}),
    )
    syntax = forms.ChoiceField(
        label=_("Syntaxe"),
        choices=[("", _("Toutes"))] + list(FlowSyntax.choices),
        required=False,
        widget=forms.Select(attrs={"class": "fr-select"}),
    )
    deposited_from = forms.DateField(label=_("Déposé du"), required=False, widget=DATE_WIDGET)
    deposited_to = forms.DateField(label=_("au"), required=False, widget=DATE_WIDGET)

    def filter(self, queryset):
        """The filtered queryset; an invalid form filters nothing it could not read."""
        if not self.is_bound:
            return queryset
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("number"):
            queryset = queryset.filter(number=data["number"].strip().upper())
        if data.get("state"):
            queryset = queryset.filter(state=data["state"])
        if data.get("syntax"):
            queryset = queryset.filter(syntax=data["syntax"])
        # Ranges on the timestamp itself (Paris days), so that the index serves them.
        if data.get("deposited_from"):
            queryset = queryset.filter(deposited_at__gte=_day_start(data["deposited_from"]))
        if data.get("deposited_to"):
            next_day = data["deposited_to"] + datetime.timedelta(days=1)
            queryset = queryset.filter(deposited_at__lt=_day_start(next_day))
        return queryset


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
