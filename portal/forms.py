"""The portal's base form for DSFR rendering (issue 10: list pages' CPU).

`dsfr.forms.DsfrBaseForm.default_renderer` is a class, so Django made a renderer per form
instance, and with it a template engine whose cache died with the form: every form on
every page parsed its widget templates again (a quarter of a list page's CPU). One renderer
per process, same templates, same markup.
"""

from __future__ import annotations

from django import forms
from dsfr.forms import DsfrBaseForm, DsfrBoundField, DsfrDjangoTemplates

from portal.field_html import python_widget

RENDERER = DsfrDjangoTemplates()


class BoundField(DsfrBoundField):
    """A field's widget (`{{ field }}`, and inside `as_field_group`) written in Python by
    `portal.field_html` when it handles the widget, the same markup as Django's widget
    templates (issue 10: a search form's selects and inputs were half of its page's CPU);
    any other widget, or a call with its own widget or attributes, goes through Django."""

    def as_widget(self, widget=None, attrs=None, only_initial=False):
        if widget is None and not attrs and not only_initial:
            html = python_widget(self)
            if html is not None:
                return html
        return super().as_widget(widget, attrs, only_initial)


class DsfrForm(DsfrBaseForm):
    default_renderer = RENDERER
    bound_field_class = BoundField


class _PlainQueryChoices(forms.models.ModelChoiceIterator):
    """The options from one plain query: Django's `iterator()` opens a server-side cursor on
    PostgreSQL (DECLARE ... WITH HOLD, then FETCH and CLOSE: three round trips, 5 ms of a
    search page) for a list of a few rows."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        # The field's own queryset (a copy per form): its rows are read once per form, by
        # whichever reads them first (the options, or a count of them).
        for obj in self.queryset:
            yield self.choice(obj)


class FewRowsChoiceField(forms.ModelChoiceField):
    """A choice among the user's own few rows (structures, services, bank accounts)."""

    iterator = _PlainQueryChoices
