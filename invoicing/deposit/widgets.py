"""The deposit form's widgets rendered without a template per widget (issue 10).

The deposit form has some thirty fields; Django renders each widget through two or three
templates (the widget's, `input.html`, `attrs.html`, one `select_option.html` per option),
which was a third of the form page's CPU. `FastWidgetRenderer` has `portal.field_html` write
the same HTML as Django's templates of those widgets (text, number, date, hidden, select,
textarea…) in Python, and hands every other template to Django. The HTML is byte for byte
Django's: a test renders the form both ways.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates

from portal.field_html import widget_context_html


class FastWidgetRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if widget is not None and not context.get("form"):
            html = widget_context_html(template_name, widget)
            if html is not None:
                return html
        return super().render(template_name, context, request)


RENDERER = FastWidgetRenderer()
