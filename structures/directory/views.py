"""Public directory (Annuaire) of the structures that receive invoices, DIR-1..5.

No login (DIR-1). Listed: active public structures with RECEIVED open (DIR-2). Private
structures are never listed, whatever areas they open. The CSV file is built from current
data at each download and streamed row by row (DIR-4); `directory_csv_rows()` is the one
source of its rows, for the web download and for the API's `telecharger/annuaire/destinataire`.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from portal.csv_export import csv_response
from portal.pagination import NAME_PART_CAP, BoundedPaginator
from structures.directory.forms import DirectorySearchForm
from structures.directory.listing import directory_csv_rows, directory_structures
from structures.models import Service, Structure

PAGE_SIZE = 20
# A name or city part is counted up to this (it matches thousands of the 100,000 receiving
# structures, and no index narrows it): past it the page says "plus de 1 000 structures,
# affinez votre recherche" (issue 10). Any other search, and the whole directory, up to
# `pagination.COUNT_CAP`. The CSV download lists them all.
COUNT_CAP = NAME_PART_CAP
CSV_FILENAME = "annuaire_destinataires.csv"


def usable_services(on=None) -> QuerySet[Service]:
    """SRV-2 as a query: active, and the day within the validity dates."""
    day = on or timezone.localdate()
    return (
        Service.objects.filter(is_active=True)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .order_by("code", "id")
    )


def _with_services(queryset: QuerySet[Structure]) -> QuerySet[Structure]:
    return queryset.prefetch_related(
        Prefetch("services", queryset=usable_services(), to_attr="usable_services")
    )


def search_directory(criteria: dict) -> QuerySet[Structure]:
    """DIR-3: identifier (partial, 3 characters at least: checked by the form), name,
    postcode, city; criteria combine."""
    queryset = directory_structures()
    if criteria.get("identifier"):
        queryset = queryset.filter(identifier__contains=criteria["identifier"])
    if criteria.get("name"):
        queryset = queryset.filter(company_name__icontains=criteria["name"].strip())
    if criteria.get("postcode"):
        queryset = queryset.filter(postcode__startswith=criteria["postcode"].strip())
    if criteria.get("city"):
        queryset = queryset.filter(city__icontains=criteria["city"].strip())
    return queryset.order_by("company_name", "id")


def _paginator(structures: QuerySet[Structure], criteria: dict) -> BoundedPaginator:
    """The page's ids come first, index-only from `structure_directory_order` in its order:
    the planner, which takes the RECEIVED area for independent of the kind, expects 1 % of
    the matches there are and would sort them all to keep 20 (77 ms against 3 ms)."""
    cap = COUNT_CAP if criteria.get("name") or criteria.get("city") else None
    return BoundedPaginator(_with_services(structures), PAGE_SIZE, cap=cap, ids_first=True)


@login_not_required
@require_GET
def directory(request):
    form = DirectorySearchForm(request.GET or None)
    page, criteria = None, {}
    if form.is_bound and form.is_valid():
        criteria = form.cleaned_data
        page = _paginator(search_directory(criteria), criteria).get_page(request.GET.get("page"))
    elif not form.is_bound:
        page = _paginator(search_directory({}), {}).get_page(1)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "structures/directory/directory.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "searched": any(criteria.values()),
        },
    )


@login_not_required
@require_GET
def directory_detail(request, pk: int):
    structure = get_object_or_404(_with_services(directory_structures()), pk=pk)
    return render(request, "structures/directory/directory_detail.html", {"structure": structure})


@login_not_required
@require_GET
def directory_csv(request):
    return csv_response(CSV_FILENAME, directory_csv_rows())
