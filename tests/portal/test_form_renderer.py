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
