"""Issue 10: the deposit form's fields are written in Python (`FastWidgetRenderer`, the
`deposit_field` tag) instead of three templates per field; the HTML stays Django's and
`_field.html`'s, byte for byte."""

from __future__ import annotations

import pytest
from django.forms.renderers import DjangoTemplates
from django.template import engines

from invoicing.deposit.forms import DepositForm
from invoicing.deposit.widgets import FastWidgetRenderer
from tests.invoicing.deposit.helpers import form_payload

pytestmark = pytest.mark.django_db

HOSTILE = 'a <b> & "q" \'s'


def forms(actor, supplier, recipient, renderer=None):
    """An initial form (the upload's pre-fill) and a posted one with errors."""
    kwargs = {"user": actor} if renderer is None else {"user": actor, "renderer": renderer}
    initial = DepositForm(initial={"number": HOSTILE, "comment": HOSTILE, "token": "t"}, **kwargs)
    posted = DepositForm(
        form_payload(supplier, recipient, comment=HOSTILE, number="<x>", vat_type="SANS_TVA"),
        **kwargs,
    )
    posted.is_valid()
    posted.add_error("number", HOSTILE)
    posted.add_error("number", "second")
    return initial, posted


def test_the_fast_renderer_writes_djangos_html(actor, supplier, recipient):
    django_forms = forms(actor, supplier, recipient, DjangoTemplates())
    fast_forms = forms(actor, supplier, recipient, FastWidgetRenderer())

    for django_form, fast_form in zip(django_forms, fast_forms, strict=True):
        for name in django_form.fields:
            assert str(fast_form[name]) == str(django_form[name]), name
    assert "&lt;b&gt; &amp; &quot;q&quot; &#x27;s" in str(fast_forms[0]["comment"])


def test_the_field_tag_writes_the_field_templates_html(actor, supplier, recipient):
    engine = engines["django"]
    included = engine.from_string(
        '{% for field in form %}{% include "invoicing/deposit/_field.html" %}{% endfor %}'
    )
    tagged = engine.from_string(
        "{% load deposit_tags %}{% for field in form %}{% deposit_field field %}{% endfor %}"
    )

    for form in forms(actor, supplier, recipient):
        context = {"form": form, "prefilled": frozenset({"number", "amount_ht"})}
        html = tagged.render(context)
        assert html == included.render(context)
    assert 'id="error-number"' in html and "prefilled-badge" in html
