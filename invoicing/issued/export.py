"""CSV export of the Issued invoices search (issue 11): the results of the current filters,
streamed (portal.csv_export: UTF-8 with BOM, formulas neutralised), one query."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from invoicing import queries
from invoicing.csv_rows import invoice_rows
from invoicing.issued import services
from invoicing.issued.forms import IssuedSearchForm
from invoicing.issued.views import _issued_structures, acknowledgement_gate
from portal.areas import AreaCode
from portal.csv_export import csv_response
from structures.access import area_required


@area_required(AreaCode.ISSUED)
@acknowledgement_gate
@require_GET
def export(request):
    form = IssuedSearchForm(request.GET or None, structures=_issued_structures(request.user))
    if form.is_bound and not form.is_valid():
        # the search page says what is wrong with the filters
        return redirect(f"{reverse('invoicing:issued_search')}?{request.GET.urlencode()}")
    criteria = form.cleaned_data if form.is_bound else {}
    results = services.search(queries.issued_invoices(request.user), criteria)
    filename = f"factures-emises-{timezone.localdate():%Y%m%d}.csv"
    return csv_response(filename, invoice_rows(results))
