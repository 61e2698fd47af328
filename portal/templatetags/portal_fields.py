"""`{% dsfr_field form.x %}`: one form field in DSFR markup, written in Python
(`portal.field_html`, issue 10), the same markup as `invoicing/received/_field.html`;
`{% dsfr_widget form.x %}`: the widget alone, what `{{ form.x }}` writes."""

from __future__ import annotations

from django import template

from portal.field_html import field_group, widget_markup

register = template.Library()


@register.simple_tag
def dsfr_field(field):
    return field_group(field)


@register.simple_tag
def dsfr_widget(field):
    return widget_markup(field)
