"""Views of the Received invoices area (DOMAIN §7): Synthèse, Rechercher, the invoice page,
its processing (one invoice or several) and the dossier download.

Thin: parse input with a form, call `received_services` / the workflow, turn domain errors
into messages. Invoices come from `queries.received_invoices` only: an invoice of another
structure, or of a service the user is not attached to, is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from invoicing import detail_reads
from invoicing.documents import files
from invoicing.errors import InvoiceError, ReasonRequired, StatusChangedMeanwhile
from invoicing.received import services
from invoicing.received.forms import BulkProcessForm, ProcessForm, SearchForm
from portal import pagination
from portal.areas import AreaCode, Mode
from portal.pagination import BoundedPaginator
from structures.access import area_required

PER_PAGE = 25


def _page(
    request, queryset, cap: int | None = None, *, estimate: bool = False, count: int | None = None
):
    rows = services.for_rows(queryset)
    paginator = BoundedPaginator(rows, PER_PAGE, cap=cap, estimate=estimate, known_count=count)
    return paginator.get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _back(request, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect(default)


def _list_context(request, page) -> dict:
    can_change = services.can_process_any(request.user)
    return {
        "page": page,
        "invoices": page.object_list,
        "today": timezone.localdate(),
        "can_change": can_change,
        "bulk_form": BulkProcessForm() if can_change else None,
        "next_url": request.get_full_path(),
    }


@require_GET
@area_required(AreaCode.RECEIVED)
def synthesis(request):
    """ "Synthèse": the invoices to process, overdue ones first (RCV-1, §5.10)."""
    scope = services.scope(request.user)
    counts = services.synthesis_counts(request.user, scope)
    # The list holds the waiting invoices, which the status counters count (issue 10).
    page = _page(request, services.to_process(request.user, scope), count=counts["waiting"])
    context = _list_context(request, page)
    context.update(
        counts=counts,
        query="",
        tab="synthesis",
    )
    return render(request, "invoicing/received/synthesis.html", context)


@require_GET
@area_required(AreaCode.RECEIVED)
def search(request):
    """ "Rechercher": every received invoice, filtered and sorted (RCV-1)."""
    scope = services.scope(request.user)
    form = SearchForm(request.GET or None, user=request.user, scope=scope)
    queryset = services.list_queryset(request.user, scope=scope)
    queryset = form.filter(queryset) if form.is_bound else queryset.order_by("-deposited_at", "-id")
    a_part = form.searches_a_part()
    cap = pagination.NAME_PART_CAP if a_part else None
    status = form.counted_status()
    count = None if status is False else services.scope_count(scope, status)
    page = _page(request, queryset, cap, estimate=a_part, count=count)
    context = _list_context(request, page)
    context.update(form=form, query=_query_without_page(request), tab="search")
    return render(request, "invoicing/received/search.html", context)


def _detail_context(request, invoice, form=None) -> dict:
    can_act = services.can_process(request.user, invoice)
    if can_act and form is None and services.action_choices(invoice):
        form = ProcessForm(invoice=invoice)
    main_file = next((a for a in invoice.attachments.all() if a.is_main), None)
    return {
        "invoice": invoice,
        "attachments": list(invoice.attachments.all()),
        "main_file": main_file,
        "events": detail_reads.events(invoice),
        "can_act": can_act,
        "form": form if can_act else None,
        "today": timezone.localdate(),
        "tab": "detail",
    }


def _get_invoice(request, pk: int, mode: Mode = Mode.VIEW):
    queryset = services.detail_queryset(request.user, mode).prefetch_related("attachments")
    return get_object_or_404(queryset, pk=pk)


@require_GET
@area_required(AreaCode.RECEIVED)
def detail(request, pk: int):
    # The page reads the recipient and its service (due date, RCV-4's possible actions),
    # not the supplier nor the validator: two joins, not four (issue 10).
    invoice = services.visible_invoice(request.user, pk, related=("recipient", "recipient_service"))
    if invoice is None:
        raise Http404
    return render(request, "invoicing/received/detail.html", _detail_context(request, invoice))


@require_POST
@area_required(AreaCode.RECEIVED, Mode.CHANGE)
def process(request, pk: int):
    """One action on one invoice; only what `recipient_targets` allows from its status."""
    invoice = _get_invoice(request, pk, Mode.CHANGE)
    detail_url = reverse("invoicing:received_detail", args=[invoice.pk])
    form = ProcessForm(request.POST, invoice=invoice)
    if form.status_changed:
        messages.error(request, StatusChangedMeanwhile.default_message)
        return redirect(detail_url)
    if not form.is_valid():
        messages.error(request, _("La facture n'a pas été modifiée : corrigez le formulaire."))
        return render(
            request,
            "invoicing/received/detail.html",
            _detail_context(request, invoice, form),
            status=400,
        )
    target = form.cleaned_data["target"]
    try:
        services.process_one(
            invoice,
            target,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            mandate_number=form.cleaned_data["mandate_number"],
        )
    except ReasonRequired as error:
        form.add_error(
            "mandate_number" if error.field == "numeroMandat" else "reason", error.message
        )
        return render(
            request,
            "invoicing/received/detail.html",
            _detail_context(request, invoice, form),
            status=400,
        )
    except InvoiceError as error:
        messages.error(request, error.message)
        return redirect(detail_url)
    messages.success(
        request,
        _("Facture n° %(number)s : « %(action)s » enregistré.")
        % {"number": invoice.number, "action": services.action_label(target)},
    )
    return redirect(detail_url)


@require_POST
@area_required(AreaCode.RECEIVED, Mode.CHANGE)
def bulk_process(request):
    """Several invoices at once; one message per refused invoice, with its reason."""
    form = BulkProcessForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label} : {error}" if label else error)
        return _back(request, reverse("invoicing:received"))
    results = services.process_many(
        form.cleaned_data["invoices"],
        form.cleaned_data["target"],
        actor=request.user,
        reason=form.cleaned_data["reason"],
        mandate_number=form.cleaned_data["mandate_number"],
    )
    done = [result for result in results if result.done]
    if done:
        messages.success(
            request,
            ngettext(
                "%(count)d facture traitée : « %(action)s ».",
                "%(count)d factures traitées : « %(action)s ».",
                len(done),
            )
            % {
                "count": len(done),
                "action": services.action_label(form.cleaned_data["target"]),
            },
        )
    for result in results:
        if not result.done:
            messages.error(
                request,
                _("Facture n° %(number)s non traitée : %(reason)s")
                % {"number": result.number or result.invoice_id, "reason": result.message},
            )
    return _back(request, reverse("invoicing:received"))


@require_GET
@area_required(AreaCode.RECEIVED)
def download(request, pk: int):
    """The invoice and its attachments in one zip (RCV-6: marks it downloaded)."""
    invoice = _get_invoice(request, pk)
    try:
        archive = services.dossier_file(invoice, actor=request.user)
    except InvoiceError as error:
        messages.error(request, error.message)
        return redirect("invoicing:received_detail", pk=invoice.pk)
    response = FileResponse(
        archive,
        as_attachment=True,
        filename=files.sanitize_filename(f"facture-{invoice.number or invoice.pk}.zip"),
        content_type="application/zip",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
