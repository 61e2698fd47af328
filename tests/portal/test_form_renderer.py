"""Issue 10: DSFR forms share one renderer (and its template cache) per process."""

from __future__ import annotations

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
