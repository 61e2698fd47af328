"""Issue 10: DSFR forms share one renderer (and its template cache) per process."""

from __future__ import annotations

import pytest
from django import forms

from commitments.forms import FilterForm
from invoicing.issued.forms import IssuedSearchForm
from invoicing.received.forms import BulkProcessForm
from portal.forms import RENDERER


def test_dsfr_forms_share_one_renderer_and_its_template_engine():
    # dsfr's DsfrBaseForm gives a renderer class: a new engine (templates parsed again) per form.
    first, second = BulkProcessForm(), BulkProcessForm()
    assert first.renderer is second.renderer is RENDERER
    assert first.renderer.engine is second.renderer.engine
    assert IssuedSearchForm(structures=[]).renderer is RENDERER
    assert FilterForm(supplier_side=False).renderer is RENDERER


def test_templates_are_parsed_once_per_process_outside_debug():
    """Issue 10: the cached template loader (Django's default without `loaders`; settings
    must not replace it)."""
    from django.conf import settings
    from django.template import engines

    assert "loaders" not in settings.TEMPLATES[0]["OPTIONS"]
    loader = engines["django"].engine.template_loaders[0]
    assert type(loader).__module__ == "django.template.loaders.cached"


@pytest.mark.django_db
def test_few_rows_choices_are_one_plain_query(monkeypatch):
    """Issue 10: the options of a user's structures or services are read by one plain
    query; Django's `iterator()` opens a server-side cursor on PostgreSQL (DECLARE ... WITH
    HOLD, FETCH, CLOSE) for a handful of rows. Every such field of the portal uses it."""
    from django.db.models.query import QuerySet

    from commitments.forms import CommitmentForm
    from invoicing.received.forms import SearchForm
    from portal.forms import FewRowsChoiceField
    from structures.models import Structure
    from tests.factories.structures import StructureFactory

    StructureFactory(company_name="Alpha")

    def no_cursor(self, *args, **kwargs):
        raise AssertionError("a server-side cursor for a few options")

    monkeypatch.setattr(QuerySet, "iterator", no_cursor)
    field = FewRowsChoiceField(queryset=Structure.objects.order_by("pk"), empty_label="—")
    assert [str(label) for _value, label in field.choices][0] == "—"
    assert len(list(field.choices)) == 2
    for form_class in (SearchForm, CommitmentForm):
        for name, form_field in form_class.base_fields.items():
            if isinstance(form_field, forms.ModelChoiceField):
                assert isinstance(form_field, FewRowsChoiceField), (form_class, name)
