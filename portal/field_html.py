"""Form fields written in Python (issue 10: a list page's CPU). The Received lists render
about twenty fields a page (the search form and the bulk-processing form) through
`invoicing/received/_field.html` and Django's widget templates (attrs, options…): more than
half of the page's CPU. `field_group` writes the same markup, byte for byte, for the widgets
these forms use (text, number, date, email, search, hidden, select, textarea, checkbox);
any other widget goes through the template as before. Every value is escaped.
"""

from __future__ import annotations

from django import forms
from django.forms import BoundField
from django.template.loader import render_to_string
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

FIELD_TEMPLATE = "invoicing/received/_field.html"
_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "number", "date", "email", "search", "hidden", "checkbox")
)
_SELECT = "django/forms/widgets/select.html"
_OPTION = "django/forms/widgets/select_option.html"
_TEXTAREA = "django/forms/widgets/textarea.html"
_PYTHON_TEMPLATES = _INPUT_TEMPLATES | {_SELECT, _TEXTAREA}


def _text(value) -> str:
    """`{{ value|stringformat:'s' }}` with autoescaping (a safe string stays as it is)."""
    return conditional_escape(value if hasattr(value, "__html__") else str(value))


def _attrs(attrs: dict) -> str:
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{_text(value)}"')
    return "".join(parts)


def _option(option: dict) -> str:
    return (
        f'<option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
        f"{conditional_escape(option['label'])}</option>"
    )


def _widget(widget: dict) -> str:
    template = widget["template_name"]
    name = conditional_escape(widget["name"])
    if template in _INPUT_TEMPLATES:
        value = widget["value"]
        shown = "" if value is None else f' value="{_text(value)}"'
        return f'<input type="{conditional_escape(widget["type"])}" name="{name}"{shown}{_attrs(widget["attrs"])}>'
    if template == _TEXTAREA:
        value = conditional_escape(widget["value"]) if widget["value"] else ""
        return f'<textarea name="{name}"{_attrs(widget["attrs"])}>\n{value}</textarea>'
    parts = [f'<select name="{name}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            if option["template_name"] != _OPTION:
                raise _Unsupported
            parts.append(f"\n  {_option(option)}\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class _Unsupported(Exception):
    pass


def widget_context_html(template_name: str, widget: dict) -> str | None:
    """A widget's template rendered from its context dictionary, or None for a template
    this module does not write (a form renderer then hands it to Django)."""
    if template_name not in _PYTHON_TEMPLATES:
        return None
    try:
        return _widget(widget)
    except _Unsupported:
        return None


def _plain_select(widget) -> bool:
    """A single-choice `Select` whose options Django builds the standard way (no subclass
    hook overridden): its markup can be written from `widget.choices` directly."""
    kind = type(widget)
    return (
        isinstance(widget, forms.Select)
        and not widget.allow_multiple_selected
        and not widget.option_inherits_attrs
        and widget.option_template_name == _OPTION
        and kind.get_context is forms.Select.get_context
        and kind.optgroups is forms.Select.optgroups
        and kind.create_option is forms.Select.create_option
        and kind.format_value is forms.Select.format_value
    )


def _select(widget, name: str, value, attrs: dict) -> str:
    """What `Select.get_context` + `select.html` write (options, `selected` on the first
    matching choice), without building an option dictionary per choice."""
    values = widget.format_value(value)
    parts = [
        f'<select name="{conditional_escape(name)}"{_attrs(widget.build_attrs(widget.attrs, attrs))}>'
    ]
    has_selected = False
    for option_value, option_label in widget.choices:
        if isinstance(option_label, (list, tuple)):
            raise _Unsupported  # option groups: Django's own rendering
        shown = "" if option_value is None else str(option_value)
        selected = not has_selected and shown in values
        has_selected |= selected
        parts.append(
            f'\n  <option value="{escape(shown)}"{" selected" if selected else ""}>'
            f"{conditional_escape(option_label)}</option>\n"
        )
    parts.append("\n</select>")
    return "".join(parts)


def widget_html(field: BoundField) -> str:
    """What `{{ field }}` writes, for the widgets of `_PYTHON_TEMPLATES`."""
    widget = field.field.widget
    if widget.template_name not in _PYTHON_TEMPLATES or field.field.show_hidden_initial:
        raise _Unsupported
    if field.field.localize:
        widget.is_localized = True
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    value = field.value()
    if widget.template_name == _SELECT and _plain_select(widget):
        return _select(widget, field.html_name, value, attrs)
    context = widget.get_context(field.html_name, value, attrs)["widget"]
    return _widget(context)


def python_widget(field: BoundField) -> SafeString | None:
    """`widget_html(field)`, or None for a widget it does not write (Django's template then)."""
    try:
        return mark_safe(widget_html(field))  # noqa: S308 - every value escaped above
    except _Unsupported:
        return None


def widget_markup(field: BoundField) -> SafeString:
    """What `{{ field }}` writes: in Python when its widget allows, else Django's template."""
    if field.field.show_hidden_initial:
        return str(field)
    html = python_widget(field)
    return field.as_widget() if html is None else html


def _label(field: BoundField) -> str:
    hint = ""
    if field.help_text:
        hint = f'<span class="fr-hint-text">{conditional_escape(field.help_text)}</span>'
    return (
        f'<label class="fr-label" for="{conditional_escape(field.id_for_label)}">'
        f"{conditional_escape(field.label)}{hint}</label>"
    )


def _errors(field: BoundField) -> str:
    if not field.errors:
        return ""
    listed = "".join(f"{conditional_escape(error)} " for error in field.errors)
    return f'<p class="fr-error-text" id="error-{field.html_name}">{listed}</p>'


def field_group(field: BoundField) -> SafeString:
    """`invoicing/received/_field.html` for `field`, in Python when its widget allows."""
    try:
        return mark_safe(_field_group(field))  # noqa: S308 - every value escaped above
    except _Unsupported:
        return render_to_string(FIELD_TEMPLATE, {"field": field})


def _field_group(field: BoundField) -> str:
    if field.is_hidden:
        return widget_html(field) + "\n"
    kind = field.widget_type
    name = field.html_name
    if kind == "checkbox":
        error_class = " fr-checkbox-group--error" if field.errors else ""
        return (
            f'\n<div class="fr-checkbox-group fr-mb-2w{error_class}" id="group-{name}">\n'
            f"  {widget_html(field)}\n"
            f"  {_label(field)}\n"
            f"  {_errors(field)}\n"
            "</div>\n\n"
        )
    if kind == "select":
        group = "fr-select-group" + (" fr-select-group--error" if field.errors else "")
    elif kind in ("radioselect", "clearablefile", "file"):
        raise _Unsupported
    else:
        group = "fr-input-group" + (" fr-input-group--error" if field.errors else "")
    return (
        f'\n<div class="{group} fr-mb-2w" id="group-{name}">\n'
        f"  {_label(field)}\n"
        f"  {widget_html(field)}\n"
        f"  {_errors(field)}\n"
        "</div>\n\n"
    )
