"""CSV export of the Received invoices search (issue 11): the results of the current
filters, streamed (portal.csv_export: UTF-8 with BOM, formulas neutralised), one query."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from invoicing.csv_rows import invoice_rows
from invoicing.received import services
from invoicing.received.forms import SearchForm
from portal.areas import AreaCode
from portal.csv_export import csv_response
from structures.access import area_required


@require_GET
@area_required(AreaCode.RECEIVED)
def export(request):
    form = SearchForm(request.GET or None, user=request.user)
    queryset = services.list_queryset(request.user)
    if form.is_bound:
        if not form.is_valid():
            return redirect(f"{reverse('invoicing:received_search')}?{request.GET.urlencode()}")
        queryset = form.filter(queryset)
    else:
        queryset = queryset.order_by("-deposited_at", "-id")
    filename = f"factures-recues-{timezone.localdate():%Y%m%d}.csv"
    return csv_response(filename, invoice_rows(queryset))
