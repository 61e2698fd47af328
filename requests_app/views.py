"""The sollicitation screens: Sent requests (REQUESTS_SENT), Received requests
(REQUESTS_RECEIVED, SOL-4) and the support desk queue (SUPPORT, SOL-6).

Thin: forms parse, `requests_app.services` decides. Every sollicitation is fetched through
a scoped queryset of `requests_app.queries`: another structure's is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from invoicing.documents.files import attachment_response
from portal.areas import AreaCode
from portal.params import parse_id
from requests_app import guided, queries, services, transitions
from requests_app.enums import TO_PROCESS, Action, Side
from requests_app.forms import FilterForm, MessageForm, SollicitationForm
from requests_app.models import EntryFile
from structures import access

PER_PAGE = 25


@dataclass(frozen=True)
class Scope:
    name: str
    area: str
    side: str
    title: object

    def queryset(self, user):
        return {
            "sent": queries.sent,
            "received": queries.received,
            "support": queries.support_queue,
        }[self.name](user)


SCOPES = {
    "sent": Scope(
        "sent", AreaCode.REQUESTS_SENT, Side.SENDER, gettext_lazy("Sollicitations émises")
    ),
    "received": Scope(
        "received", AreaCode.REQUESTS_RECEIVED, Side.ADDRESSEE, "Mes sollicitations à traiter"
    ),
    "support": Scope("support", AreaCode.SUPPORT, Side.ADDRESSEE, gettext_lazy("File du support")),
}


def _require(request, scope: Scope) -> None:
    if scope.name == "support":
        if not access.is_support(request.user):
            raise PermissionDenied(_("Vous n'avez pas accès à cet espace."))
    elif scope.name == "sent":
        # AREA-1: every user (technical accounts do not log in) writes to the support desk.
        if getattr(request.user, "is_technical", False):
            raise PermissionDenied(_("Vous n'avez pas accès à cet espace."))
    elif not access.structure_ids_with_area(request.user, scope.area):
        raise PermissionDenied(_("Vous n'avez pas accès à cet espace."))


def _error_text(exc) -> str:
    return " ".join(exc.messages)


@require_GET
def listing(request, scope_name: str):
    scope = SCOPES[scope_name]
    _require(request, scope)
    form = FilterForm(request.GET or None)
    queryset = scope.queryset(request.user)
    # SOL-4: "à traiter" by default; "?tout=1" lists every status.
    show_all = scope.name == "sent" or request.GET.get("tout") == "1"
    if not show_all and not request.GET.get("status"):
        queryset = queryset.filter(status__in=TO_PROCESS)
    queryset = form.filter(queryset).select_related(*queries.LIST_RELATED)
    page = Paginator(queryset.order_by("-created_at", "-id"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "requests_app/list.html",
        {
            "scope": scope.name,
            "title": scope.title,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "show_all": show_all,
        },
    )


@require_http_methods(["GET", "POST"])
def create(request):
    _require(request, SCOPES["sent"])
    structures = access.structures_with_area(request.user, AreaCode.REQUESTS_SENT).order_by(
        "company_name"
    )
    invoices = queries.invoices_for_follow_up(request.user)
    current = getattr(request, "structure", None)
    initial = {
        "structure": getattr(current, "pk", None),
        "category": request.GET.get("categorie", ""),
    }
    if "facture" in request.GET:  # from the assistant or an invoice page (ASS-5)
        invoice_id = parse_id(request.GET["facture"])
        invoice = invoices.filter(pk=invoice_id).first() if invoice_id else None
        if invoice is None:
            raise Http404
        initial.update(
            invoice_id=invoice.pk,
            structure=invoice.supplier_id,
            category="SUIVI_FACTURE",
            invoice_number=invoice.number,
            subject=_("Suivi de la facture %(number)s") % {"number": invoice.number},
        )
    form = SollicitationForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        structures=structures,
        invoices=invoices,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sollicitation = services.create(
                actor=request.user,
                sender_structure=data["structure"],
                category=data["category"],
                subcategory=data["subcategory"],
                subject=data["subject"],
                message=data["message"],
                invoice=form.invoice,
                files=data["files"],
                details=form.details(),
            )
        except services.SollicitationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Votre sollicitation %(number)s a été envoyée.")
                % {"number": sollicitation.number},
            )
            return redirect("requests_app:sent_detail", sollicitation.pk)
    return render(
        request,
        "requests_app/form.html",
        {"form": form, "guided_fields": form.guided_fields()},
    )


def _apply_errors(form, exc) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


def _get(request, scope: Scope, pk: int):
    _require(request, scope)
    return get_object_or_404(
        scope.queryset(request.user).select_related(*queries.LIST_RELATED), pk=pk
    )


@require_GET
def detail(request, scope_name: str, pk: int):
    scope = SCOPES[scope_name]
    sollicitation = _get(request, scope, pk)
    entries = sollicitation.entries.select_related("author").prefetch_related("files")
    actions = transitions.available(
        scope.side, sollicitation.status, at_support=sollicitation.at_support
    )
    if scope.name == "support":
        actions = [t for t in actions if not t.structure_only]
    return render(
        request,
        "requests_app/detail.html",
        {
            "scope": scope.name,
            "sollicitation": sollicitation,
            "entries": entries,
            "actions": actions,
            "form": MessageForm(),
            "Action": Action,
            "guided_labels": guided.LABELS.get(sollicitation.subcategory, {}),
            "can_carry_out": scope.name == "support"
            and guided.can_carry_out(sollicitation)
            and any(t.action == Action.ANSWER for t in actions),
        },
    )


@require_POST
def carry_out(request, pk: int):
    """SOL-3 / SOL-6: the support desk carries out a guided request from the sollicitation."""
    sollicitation = _get(request, SCOPES["support"], pk)
    try:
        services.carry_out(sollicitation, actor=request.user)
    except services.SollicitationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("La demande a été réalisée et la sollicitation répondue."))
    return redirect("requests_app:support_detail", pk)


@require_POST
def act(request, scope_name: str, pk: int):
    scope = SCOPES[scope_name]
    sollicitation = _get(request, scope, pk)
    action = request.POST.get("action", "")
    if action not in Action.values or action == Action.CREATE:
        messages.error(request, _("Choisissez une action."))
        return redirect(f"requests_app:{scope.name}_detail", pk)
    form = MessageForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _error_text_form(form))
        return redirect(f"requests_app:{scope.name}_detail", pk)
    try:
        services.act(
            sollicitation,
            action,
            actor=request.user,
            message=form.cleaned_data["message"],
            files=form.cleaned_data["files"],
        )
    except services.SollicitationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("La sollicitation a été mise à jour."))
        if action == Action.TRANSFER:
            return redirect(f"requests_app:{scope.name}")
    return redirect(f"requests_app:{scope.name}_detail", pk)


def _error_text_form(form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


@require_GET
def download(request, scope_name: str, pk: int, attachment_pk: int):
    scope = SCOPES[scope_name]
    sollicitation = _get(request, scope, pk)
    item = get_object_or_404(EntryFile, pk=attachment_pk, entry__sollicitation=sollicitation)
    return attachment_response(item.file_path, item.original_name, item.content_type or None)
