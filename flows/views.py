"""The FLOWS area (FLW-11): the list of the user's structures' flows with filters, a flow's
detail (errors, integrated invoices) and its compte rendu (FLW-10).

The list needs FLOWS; a flow's page is also open to its depositors (ISSUED in
modification on the depositing structure), whom the deposit page sends there. Another
structure's flow is a 404.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from flows import services
from flows.forms import FilterForm
from flows.report import report_file_name, report_pdf_path
from invoicing import queries
from invoicing.documents.files import attachment_response
from portal.areas import AreaCode
from structures import access

PER_PAGE = 25


@access.area_required(AreaCode.FLOWS)
@require_GET
def index(request):
    ids = access.structure_ids_with_area(request.user, AreaCode.FLOWS)
    form = FilterForm(request.GET or None)
    queryset = form.filter(
        services.flows_visible_to(request.user)
        .filter(structure_id__in=ids)
        .order_by("-deposited_at", "-id")
    )
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "flows/index.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def _flow_or_404(user, pk: int):
    return get_object_or_404(services.flows_visible_to(user), pk=pk)


@require_GET
def detail(request, pk: int):
    flow = _flow_or_404(request.user, pk)
    links = list(flow.integrated.select_related("invoice").order_by("position"))
    visible = set(
        queries.issued_invoices(request.user)
        .filter(pk__in=[link.invoice_id for link in links])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "flows/detail.html",
        {
            "flow": flow,
            "links": links,
            "visible": visible,
            "can_see_list": access.has_area(request.user, flow.structure_id, AreaCode.FLOWS),
        },
    )


@require_GET
def report(request, pk: int):
    """FLW-10: the PDF, rendered on the first download of a final flow."""
    flow = _flow_or_404(request.user, pk)
    if not flow.is_final:
        raise Http404
    return attachment_response(
        str(report_pdf_path(flow)), f"{report_file_name(flow)}.pdf", "application/pdf"
    )
