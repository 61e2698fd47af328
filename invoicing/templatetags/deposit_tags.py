"""`{% deposit_field form.number %}`: one field of the deposit form with its DSFR group,
label, badges, hint and errors (issue 10: some thirty `{% include %}` of a field template
were a fifth of the form page's CPU). The HTML is the one `_field.html` wrote; a test
renders a form both ways."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag(takes_context=True)
def deposit_field(context, field):
    if field.is_hidden:
        return mark_safe(f"{field}\n")
    errors = field.errors
    if field.widget_type == "select":
        group = "fr-select-group" + (" fr-select-group--error" if errors else "")
    else:
        group = "fr-input-group" + (" fr-input-group--error" if errors else "")
    name = conditional_escape(field.html_name)
    label = [conditional_escape(field.label)]
    if getattr(field.field, "required_to_send", False) and not field.field.disabled:
        label.append('<span class="fr-required-marker" aria-hidden="true"> *</span>')
    if field.html_name in (context.get("prefilled") or ()):
        label.append(
            format_html(
                ' <span class="fr-badge fr-badge--sm fr-badge--info fr-badge--no-icon '
                'prefilled-badge">{}</span>',
                gettext("Pré-rempli"),
            )
        )
    if field.help_text:
        label.append(format_html('<span class="fr-hint-text">{}</span>', field.help_text))
    error = ""
    if errors:
        messages = "".join(f"{conditional_escape(e)} " for e in errors)
        error = f'<p class="fr-error-text" id="error-{name}">{messages}</p>'
    return mark_safe(
        f'\n<div class="{group} fr-mb-2w" id="group-{name}">\n'
        f'  <label class="fr-label" for="{conditional_escape(field.id_for_label)}">'
        f"{''.join(label)}</label>\n"
        f"  {field}\n"
        f"  {error}\n"
        "</div>\n\n"
    )
