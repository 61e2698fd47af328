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


def test_services_and_accounts_offered_are_those_of_the_active_structures(db):
    """The options of "Service" and "Coordonnées bancaires": the active rows of the active
    structures where the user deposits, named after their structure when there are several;
    nothing of an inactive structure, of a structure seen only, or of another user's."""
    from structures.enums import Role
    from tests.factories.accounts import UserFactory
    from tests.factories.structures import (
        BankAccountFactory,
        ServiceFactory,
        StructureFactory,
        attach,
    )

    user = UserFactory()
    first = StructureFactory(company_name="Alpha SARL")
    attach(user, first, Role.USER, {"ISSUED": "change"})
    service = ServiceFactory(structure=first, code="ACHATS", name="Achats")
    ServiceFactory(structure=first, code="OLD", name="Fermé", is_active=False)
    account = BankAccountFactory(structure=first, label="Compte Alpha")

    form = DepositForm(user=user)
    assert [label for _value, label in form.fields["supplier_service"].choices][1:] == [
        str(service)
    ]
    assert [label for _value, label in form.fields["bank_account"].choices][1:] == [str(account)]

    second = StructureFactory(company_name="Beta SAS")
    attach(user, second, Role.USER, {"ISSUED": "change"})
    other = ServiceFactory(structure=second, code="COMPTA", name="Compta")
    closed = StructureFactory(company_name="Gamma fermée")
    attach(user, closed, Role.USER, {"ISSUED": "change"})
    ServiceFactory(structure=closed, code="GONE", name="Disparu")
    BankAccountFactory(structure=closed, label="Compte Gamma")
    closed.is_active = False
    closed.save()
    seen = StructureFactory(company_name="Delta consultée")
    attach(user, seen, Role.USER, {"ISSUED": "view"})
    ServiceFactory(structure=seen, code="VU", name="Vu")
    ServiceFactory(structure=StructureFactory(), code="AUTRE", name="Autre")

    form = DepositForm(user=user)
    services = sorted(label for value, label in form.fields["supplier_service"].choices if value)
    assert services == sorted([f"Alpha SARL — {service}", f"Beta SAS — {other}"])
    accounts = [label for value, label in form.fields["bank_account"].choices if value]
    assert accounts == [f"Alpha SARL — {account}"]
    posted = DepositForm({"supplier_service": str(other.pk)}, user=user)
    posted.is_valid()
    assert "supplier_service" not in posted.errors
