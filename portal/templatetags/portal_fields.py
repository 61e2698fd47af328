"""`{% dsfr_field form.x %}`: one form field in DSFR markup, written in Python
(`portal.field_html`, issue 10), the same markup as `invoicing/received/_field.html`."""

from __future__ import annotations

from django import template

from portal.field_html import field_group

register = template.Library()


@register.simple_tag
def dsfr_field(field):
    return field_group(field)
