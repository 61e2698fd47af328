"""The Commitments area (COMMITMENTS): a public structure's legal commitments (EJ-1, EJ-2)
and a supplier's orders (EJ-3).

Thin: parse with a form, call `commitments.services`, turn its errors into messages. Every
commitment is fetched through `services.commitments_visible_to`, so another structure's
commitment is a 404; consultation mode sees but cannot act (403 from the services).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commitments import services
from commitments.enums import SupplierAnswer
from commitments.forms import AnswerForm, CommitmentForm, FilterForm, apply_error
from invoicing.documents.forms import AttachmentForm
from portal.areas import AreaCode, Mode
from portal.csv_export import csv_response
from portal.pagination import BoundedPaginator
from structures import access
from structures.models import Structure

AREA = AreaCode.COMMITMENTS
PER_PAGE = 25
CSV_LIMIT = 5000

# Invoice pages of the other areas, if built: (area, url name candidates).
INVOICE_PAGES = (
    (AreaCode.RECEIVED, ("invoicing:received_detail", "invoicing:received_invoice")),
    (AreaCode.ISSUED, ("invoicing:issued_detail", "invoicing:issued_invoice")),
)


def _area_structures(user) -> list[Structure]:
    return list(
        Structure.objects.filter(pk__in=services.structure_ids(user)).order_by("company_name", "id")
    )


def _current(request, structures: list[Structure]) -> Structure:
    """The current structure (middleware, `?structure=`) if it holds the area, else the first."""
    current = getattr(request, "structure", None)
    current_id = getattr(current, "pk", None)
    for structure in structures:
        if structure.pk == current_id:
            return structure
    return structures[0]


def _listing(request):
    structures = _area_structures(request.user)
    current = _current(request, structures)
    supplier_side = not current.is_public
    form = FilterForm(request.GET or None, supplier_side=supplier_side)
    criteria = form.criteria() if form.is_bound else {}
    party = criteria.pop("party", "")
    criteria["recipient" if supplier_side else "supplier"] = party
    queryset = services.orders_of(current) if supplier_side else services.published_by(current)
    return structures, current, supplier_side, form, services.filter_commitments(queryset, criteria)


@access.area_required(AREA)
@require_GET
def index(request):
    structures, current, supplier_side, form, queryset = _listing(request)
    page = BoundedPaginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "commitments/index.html",
        {
            "structures": structures,
            "current": current,
            "supplier_side": supplier_side,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_change": access.has_area(request.user, current, AREA, Mode.CHANGE),
        },
    )


@access.area_required(AREA)
@require_GET
def export(request):
    """EJ-2 "télécharger": the filtered list as CSV (semicolon-separated, for spreadsheets)."""
    _structures, current, supplier_side, _form, queryset = _listing(request)

    def rows():
        yield [
            _("Numéro d'engagement"),
            _("Type"),
            _("Objet"),
            _("Structure publique"),
            _("Fournisseur"),
            _("Identifiant du fournisseur"),
            _("Service"),
            _("Montant HT"),
            _("Devise"),
            _("Date de l'engagement"),
            _("Début de validité"),
            _("Fin de validité"),
            _("État"),
            _("Réponse du fournisseur"),
        ]
        items = queryset.select_related("recipient", "supplier", "service")[:CSV_LIMIT]
        for item in items.iterator(chunk_size=1000):
            yield [
                item.number,
                item.get_commitment_type_display(),
                item.label,
                item.recipient.company_name,
                item.supplier.company_name,
                item.supplier_identifier,
                item.service.code if item.service else "",
                item.amount_ht,
                item.currency,
                item.date.isoformat(),
                item.valid_from.isoformat() if item.valid_from else "",
                item.valid_until.isoformat() if item.valid_until else "",
                item.get_state_display(),
                item.get_supplier_answer_display() if item.supplier_answer else "",
            ]

    return csv_response("engagements.csv", rows())


def _invoice_url(user, invoice, structure_ids: set[int]) -> str | None:
    """The invoice's page in the area the user sees it from, when that page is built."""
    for area, names in INVOICE_PAGES:
        owner = invoice.recipient_id if area == AreaCode.RECEIVED else invoice.supplier_id
        if owner not in structure_ids or not access.has_area(user, owner, area):
            continue
        for name in names:
            try:
                return reverse(name, args=[invoice.pk])
            except NoReverseMatch:
                continue
    return None


def get_visible(request, pk: int):
    queryset = services.commitments_visible_to(request.user).select_related(
        "recipient", "supplier", "service", "created_by", "answered_by"
    )
    return get_object_or_404(queryset, pk=pk)


@access.area_required(AREA)
@require_GET
def detail(request, pk: int):
    return render_detail(request, get_visible(request, pk))


def render_detail(request, commitment, *, attachment_form=None, status: int = 200):
    """The commitment's page; `attachment_form` bound when an added attachment was refused."""
    ids = set(services.structure_ids(request.user))
    links = commitment.invoice_links.select_related("invoice").order_by("-invoice__deposited_at")
    invoices = [
        {"invoice": link.invoice, "url": _invoice_url(request.user, link.invoice, ids)}
        for link in links
    ]
    can_manage = services.can_manage(request.user, commitment)
    return render(
        request,
        "commitments/detail.html",
        {
            "commitment": commitment,
            "invoices": invoices,
            "attachments": list(commitment.attachments.all()),
            "attachment_form": attachment_form or (AttachmentForm() if can_manage else None),
            "attachment_upload_url": (
                reverse("commitments:attachment_upload", args=[commitment.pk]) if can_manage else ""
            ),
            "recipient_side": commitment.recipient_id in ids,
            "supplier_side": commitment.supplier_id in ids,
            "can_manage": can_manage,
            "can_answer": services.can_answer(request.user, commitment),
            "can_delete": not invoices,
            "answers": SupplierAnswer,
        },
        status=status,
    )


def _form_values(cleaned: dict) -> dict:
    values = dict(cleaned)
    values.pop("recipient", None)
    return values


@access.area_required(AREA, Mode.CHANGE)
@require_http_methods(["GET", "POST"])
def create(request):
    recipients = services.publishing_structures(request.user).order_by("company_name", "id")
    if not recipients.exists():
        raise PermissionDenied(
            _("Seule une structure publique en modification publie des engagements.")
        )
    current = getattr(request, "structure", None)
    initial = {
        "recipient": getattr(current, "pk", None),
        "is_active": True,
        "date": timezone.localdate(),
    }
    form = CommitmentForm(request.POST or None, recipients=recipients, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            commitment = services.create_commitment(
                actor=request.user,
                recipient=form.cleaned_data["recipient"],
                **_form_values(form.cleaned_data),
            )
        except ValidationError as error:
            apply_error(form, error)
        else:
            messages.success(
                request, _("L'engagement %(number)s est créé.") % {"number": commitment.number}
            )
            return redirect("commitments:detail", commitment.pk)
    return render(request, "commitments/form.html", {"form": form, "commitment": None})


@access.area_required(AREA, Mode.CHANGE)
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    commitment = get_visible(request, pk)
    if not services.can_manage(request.user, commitment):
        raise PermissionDenied(_("Vous ne pouvez pas modifier cet engagement."))
    initial = {
        name: getattr(commitment, name)
        for name in (
            "number",
            "commitment_type",
            "label",
            "supplier_identifier",
            "service",
            "amount_ht",
            "currency",
            "date",
            "valid_from",
            "valid_until",
        )
    }
    form = CommitmentForm(
        request.POST or None,
        recipients=Structure.objects.filter(pk=commitment.recipient_id),
        commitment=commitment,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_commitment(
                commitment, actor=request.user, **_form_values(form.cleaned_data)
            )
        except ValidationError as error:
            apply_error(form, error)
        else:
            messages.success(
                request,
                _("L'engagement %(number)s est modifié.") % {"number": commitment.number},
            )
            return redirect("commitments:detail", commitment.pk)
    return render(request, "commitments/form.html", {"form": form, "commitment": commitment})


def _set_active(request, pk: int, active: bool):
    commitment = get_visible(request, pk)
    services.set_active(commitment, actor=request.user, active=active)
    if active:
        message = _("L'engagement %(number)s est de nouveau actif.")
    else:
        message = _("L'engagement %(number)s est désactivé.")
    messages.success(request, message % {"number": commitment.number})
    return redirect("commitments:detail", commitment.pk)


@access.area_required(AREA, Mode.CHANGE)
@require_POST
def deactivate(request, pk: int):
    return _set_active(request, pk, False)


@access.area_required(AREA, Mode.CHANGE)
@require_POST
def activate(request, pk: int):
    return _set_active(request, pk, True)


@access.area_required(AREA, Mode.CHANGE)
@require_http_methods(["GET", "POST"])
def delete(request, pk: int):
    commitment = get_visible(request, pk)
    if not services.can_manage(request.user, commitment):
        raise PermissionDenied(_("Vous ne pouvez pas supprimer cet engagement."))
    if request.method == "POST":
        number = commitment.number
        try:
            services.delete_commitment(commitment, actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("commitments:detail", commitment.pk)
        messages.success(request, _("L'engagement %(number)s est supprimé.") % {"number": number})
        return redirect("commitments:index")
    linked = commitment.invoice_links.exists()
    return render(
        request, "commitments/confirm_delete.html", {"commitment": commitment, "linked": linked}
    )


@access.area_required(AREA, Mode.CHANGE)
@require_POST
def answer(request, pk: int):
    """EJ-3: the supplier accepts or refuses the order."""
    commitment = get_visible(request, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez d'accepter ou de refuser la commande."))
        return redirect("commitments:detail", commitment.pk)
    try:
        services.answer_commitment(
            commitment, actor=request.user, answer=form.cleaned_data["answer"]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if form.cleaned_data["answer"] == SupplierAnswer.ACCEPTEE:
            message = _("Vous avez accepté la commande %(number)s.")
        else:
            message = _("Vous avez refusé la commande %(number)s.")
        messages.success(request, message % {"number": commitment.number})
    return redirect("commitments:detail", commitment.pk)
