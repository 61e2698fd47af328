"""The Issued invoices area (Factures émises), supplier side: Synthèse, Rechercher, the
invoice page and the supplier's actions, the acknowledgement of rejections and suspensions
(LIF-6), and the attachment download shared by every area.

Rights: `area_required("ISSUED")` on the area's pages, then the scoped queryset
`queries.issued_invoices(user)`: an invoice of another structure is a 404. Acting needs
ISSUED in modification mode on the invoice's supplier structure; a consultation user sees
everything and every POST of theirs is refused (403) before anything happens.

The LIF-6 gate (`acknowledgement_gate`): when one of the user's rejected or suspended
invoices has waited 7 days or more for acknowledgement, the area's pages other than the
Synthèse (which shows the blocking pop-up) and the acknowledgement page redirect to the
acknowledgement page. One cheap EXISTS query per gated page.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from invoicing import detail_reads, queries, workflow
from invoicing.documents import files
from invoicing.documents.attachments import stored_dossier_size
from invoicing.errors import InvoiceError, InvoiceValidationError
from invoicing.issued import acknowledgements as lif6
from invoicing.issued import services
from invoicing.issued.forms import (
    ACTION_FORMS,
    CompleteForm,
    CorrectValidatorForm,
    IssuedSearchForm,
    ProcessRejectionForm,
    RecycleForm,
)
from invoicing.models import Attachment, Invoice
from portal import pagination
from portal.areas import AreaCode, Mode
from portal.pagination import BoundedPaginator
from portal.params import clean_param, parse_id, parse_ids
from structures import access
from structures.access import area_required

PAGE_SIZE = 25
SHOW_LAST_COMMENT = ("SUSPENDUE", "A_RECYCLER", "REJETEE", "REFUSEE_1")


def acknowledgement_gate(view):
    """LIF-6, server side: past 7 days, acknowledging comes before the rest of the area."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if lif6.request_blocks(request):
            messages.warning(
                request,
                _(
                    "Des factures rejetées ou suspendues attendent votre acquittement depuis "
                    "plus de 7 jours : acquittez-les pour continuer."
                ),
            )
            return redirect("invoicing:issued_acknowledgements")
        return view(request, *args, **kwargs)

    return wrapper


def _issued_structures(user):
    return list(access.structures_with_area(user, AreaCode.ISSUED).order_by("company_name", "id"))


def _can_deposit(user) -> bool:
    return bool(access.structure_ids_with_area(user, AreaCode.ISSUED, Mode.CHANGE))


# The page and RCV-4's transitions read these; the validator only by its id.
DETAIL_RELATED = ("supplier", "recipient", "recipient_service")


def _visible_invoice(request, pk: int) -> Invoice:
    return get_object_or_404(
        queries.issued_invoices(request.user).select_related(*DETAIL_RELATED), pk=pk
    )


def _actionable_invoice(request, pk: int) -> Invoice:
    """Visible (else 404) and held in modification mode (else 403: the user sees it)."""
    invoice = _visible_invoice(request, pk)
    if not access.has_area(request.user, invoice.supplier_id, AreaCode.ISSUED, Mode.CHANGE):
        raise PermissionDenied(_("Vous consultez cet espace : vous ne pouvez pas agir."))
    return invoice


# --- Synthèse ------------------------------------------------------------------------


@area_required(AreaCode.ISSUED)
@require_GET
def synthesis(request):
    structures = _issued_structures(request.user)
    selected = None
    wanted = parse_id(request.GET.get("structure"))
    if wanted is not None:
        selected = next((s for s in structures if s.pk == wanted), None)
    invoices = queries.issued_invoices(request.user)
    supplier_ids = [s.pk for s in structures]
    if selected is not None:
        invoices = invoices.filter(supplier_id=selected.pk)
        supplier_ids = [selected.pk]
    return render(
        request,
        "invoicing/issued/synthesis.html",
        {
            "structures": structures,
            "selected": selected,
            "synthesis": services.synthesis(invoices, supplier_ids),
            "several_structures": len(structures) > 1,
            "can_deposit": _can_deposit(request.user),
            "limit": services.MAX_NEEDING_ATTENTION,
            "search_url": reverse("invoicing:issued_search")
            + (f"?structure={selected.pk}" if selected is not None else ""),
        },
    )


# --- Rechercher ----------------------------------------------------------------------


@area_required(AreaCode.ISSUED)
@acknowledgement_gate
@require_GET
def search(request):
    structures = _issued_structures(request.user)
    form = IssuedSearchForm(request.GET or None, structures=structures)
    page = None
    if not form.is_bound or form.is_valid():
        # The structure choices are the user's own: the form refuses any other id.
        criteria = form.cleaned_data if form.is_bound else {}
        results = services.search(queries.issued_invoices(request.user), criteria)
        cap = pagination.NAME_PART_CAP if services.searches_a_part(criteria) else None
        rows = results.only(*services.SEARCH_ROW_COLUMNS)
        page = BoundedPaginator(rows, PAGE_SIZE, cap=cap).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "invoicing/issued/search.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "several_structures": len(structures) > 1,
            "can_deposit": _can_deposit(request.user),
        },
    )


# --- The invoice page ----------------------------------------------------------------


def _render_detail(request, invoice: Invoice, *, forms: dict | None = None, status: int = 200):
    can_change = access.has_area(request.user, invoice.supplier_id, AreaCode.ISSUED, Mode.CHANGE)
    actions = (
        services.supplier_actions(request.user, invoice)
        if can_change
        else dict.fromkeys(
            ("complete", "recycle", "process_rejection", "correct_validator", "acknowledge"),
            False,
        )
    )
    forms = forms or {}
    expected = {"expected_status": invoice.status}
    context = {
        "invoice": invoice,
        "attachments": detail_reads.attachments(invoice),
        "events": detail_reads.events(invoice),
        "can_change": can_change,
        "actions": actions,
        "any_action": any(actions.values()),
        "can_deposit": _can_deposit(request.user),
        "show_last_comment": invoice.status in SHOW_LAST_COMMENT and bool(invoice.status_comment),
    }
    for action, (name, given, build) in ACTION_FORMS.items():
        # Only the forms of the actions offered: the four cost a tenth of the page.
        context[name] = forms.get(given) or (build(invoice, expected) if actions[action] else None)
    return render(request, "invoicing/issued/detail.html", context, status=status)


@area_required(AreaCode.ISSUED)
@acknowledgement_gate
@require_GET
def detail(request, pk: int):
    # By its primary key, then the scope on the row: statements prepared once (issue 10).
    invoice = detail_reads.invoice(pk, DETAIL_RELATED)
    if invoice is None or not queries.in_issued_scope(request.user, invoice):
        raise Http404
    detail_reads.load_children(invoice)
    return _render_detail(request, invoice)


def _back(invoice: Invoice):
    return redirect("invoicing:issued_detail", pk=invoice.pk)


@area_required(AreaCode.ISSUED)
@acknowledgement_gate
@require_POST
def complete(request, pk: int):
    invoice = _actionable_invoice(request, pk)
    form = CompleteForm(request.POST, request.FILES, dossier_size=stored_dossier_size(invoice))
    if not form.is_valid():
        return _render_detail(request, invoice, forms={"complete": form}, status=400)
    try:
        services.complete_suspended(
            invoice,
            actor=request.user,
            comment=form.cleaned_data.get("comment", ""),
            attachments=form.cleaned_data["attachments"],
            expected_status=form.cleaned_data.get("expected_status") or None,
        )
    except InvoiceError as exc:
        messages.error(request, exc.message)
        return _back(invoice)
    messages.success(request, _("La facture est complétée : le destinataire en est informé."))
    return _back(invoice)


@area_required(AreaCode.ISSUED)
@acknowledgement_gate
@require_POST
def recycle(request, pk: int):
    invoice = _actionable_invoice(request, pk)
    form = RecycleForm(request.POST)
    if form.is_valid():
        try:
            services.recycle_invoice(
                invoice,
                actor=request.user,
                recipient_identifier=form.cleaned_data["recipient_identifier"],
                service_code=form.cleaned_data["recipient_service_code"],
                engagement_number=form.cleaned_data["engagement_number"],
                expected_status=form.cleaned_data.get("expected_status") or None,
            )
        except InvoiceValidationError as exc:
            form.add_domain_errors(exc)
        except InvoiceError as exc:
            messages.error(request, exc.message)
            return _back(invoice)
        else:
            messages.success(
                request,
                _("La facture est recyclée : elle est transmise au destinataire indiqué."),
            )
            return _back(invoice)
    return _render_detail(request, invoice, forms={"recycle": form}, status=400)


@area_required(AreaCode.ISSUED)
@acknowledgement_gate
@require_POST
def correct_validator(request, pk: int):
    invoice = _actionable_invoice(request, pk)
    form = CorrectValidatorForm(request.POST)
    if form.is_valid():
        try:
            services.correct_validator(
                invoice,
                actor=request.user,
                validator_identifier=form.cleaned_data["validator_identifier"],
                expected_status=form.cleaned_data.get("expected_status") or None,
            )
        except InvoiceValidationError as exc:
            form.add_domain_errors(exc)
        except InvoiceError as exc:
            messages.error(request, exc.message)
            return _back(invoice)
        else:
            messages.success(
                request, _("La facture est renvoyée au titulaire ou au mandataire indiqué.")
            )
            return _back(invoice)
    return _render_detail(request, invoice, forms={"validator": form}, status=400)


@area_required(AreaCode.ISSUED)
@acknowledgement_gate
@require_POST
def process_rejection(request, pk: int):
    invoice = _actionable_invoice(request, pk)
    form = ProcessRejectionForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, invoice, forms={"rejection": form}, status=400)
    try:
        services.process_rejection(
            invoice,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            details=form.cleaned_data["details"],
        )
    except InvoiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Le rejet est traité : la facture quitte votre synthèse."))
    return _back(invoice)


@area_required(AreaCode.ISSUED)
@require_POST
def acknowledge(request, pk: int):
    """Not gated: acknowledging is what the gate asks for."""
    invoice = _actionable_invoice(request, pk)
    try:
        services.acknowledge(invoice, actor=request.user)
    except InvoiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Vous avez acquitté la facture."))
    return _back(invoice)


# --- LIF-6: acknowledgement page (the pop-up's form posts here too) ------------------


@area_required(AreaCode.ISSUED)
@require_http_methods(["GET", "POST"])
def acknowledgements(request):
    if request.method == "POST":
        acknowledge_all = "all" in request.POST
        ids = None if acknowledge_all else request.POST.getlist("invoice")
        ids = None if ids is None else parse_ids(ids)
        if ids == []:
            messages.error(request, _("Sélectionnez au moins une facture à acquitter."))
            return redirect("invoicing:issued_acknowledgements")
        done = lif6.acknowledge_many(request.user, ids)
        if done:
            messages.success(request, _("Factures acquittées : %(n)s.") % {"n": done})
        next_url = clean_param(request.POST.get("next"), max_length=2000)
        # A path of this site only: redirect() would take "1E+30" for a view name.
        if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = reverse("invoicing:issued")
        if lif6.acknowledgement_blocks(request.user):
            next_url = reverse("invoicing:issued_acknowledgements")
        return HttpResponseRedirect(next_url)
    page = lif6.pending_page(request.user, request.GET.get("page"))
    return render(
        request,
        "invoicing/issued/acknowledgements.html",
        {
            "pending": list(page.object_list),
            "page": page,
            "mandatory": lif6.acknowledgement_blocks(request.user),
            "delay_days": lif6.ACKNOWLEDGEMENT_DELAY_DAYS,
            "next_url": reverse("invoicing:issued"),
            "can_deposit": _can_deposit(request.user),
        },
    )


# --- Downloads (every area) ----------------------------------------------------------


@require_GET
def attachment(request, invoice_pk: int, attachment_pk: int):
    """An attachment of an invoice the user may see in any area, always as a download.
    The recipient downloading the main file marks the invoice downloaded (RCV-6)."""
    invoice = get_object_or_404(queries.any_visible(request.user), pk=invoice_pk)
    item = get_object_or_404(Attachment, invoice=invoice, pk=attachment_pk)
    response = files.attachment_response(item.path, item.original_name, item.content_type or None)
    if item.is_main and queries.received_invoices(request.user).filter(pk=invoice.pk).exists():
        try:
            workflow.mark_downloaded(invoice, actor=request.user)
        except BaseException:
            response.close()
            raise
    return response
