"""Views of the Invoices to validate area (TO_VALIDATE, DOMAIN §6): the list of invoices
waiting for the user's validator structures, the invoice page, and the decision.

Invoices come from `queries.invoices_to_validate` only: another structure's invoice is a
404. Deciding needs TO_VALIDATE in modification on the validator structure (VAL-7).
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from invoicing.enums import InvoiceStatus
from invoicing.errors import InvoiceError
from portal.areas import AreaCode, Mode
from portal.pagination import BoundedPaginator
from structures.access import area_required
from validation import services
from validation.forms import RefuseForm, ValidateForm

PER_PAGE = 25
FORM_FIELDS = {"confirmed", "message", "reason", "details", "document"}


@require_GET
@area_required(AreaCode.TO_VALIDATE)
def to_validate(request):
    """ "Synthèse": invoices waiting for a decision, nearest deadline first; then the
    invoices already decided."""
    now = timezone.now()
    counts = services.counts(request.user)
    pending = BoundedPaginator(
        services.pending(request.user).select_related(None).only(*services.PENDING_ROW_COLUMNS),
        PER_PAGE,
        known_count=counts["pending"],
    ).get_page(request.GET.get("page"))
    for invoice in pending.object_list:
        remaining = invoice.deadline - now if invoice.deadline else None
        invoice.remaining_days = max(remaining.days, 0) if remaining else None
    history = BoundedPaginator(
        services.decided(request.user).select_related(None).only(*services.HISTORY_ROW_COLUMNS),
        PER_PAGE,
        known_count=counts["decided"],
    ).get_page(request.GET.get("history_page"))
    return render(
        request,
        "validation/to_validate.html",
        {"pending": pending, "history": history, "query": ""},
    )


def _context(request, invoice, **extra) -> dict:
    context = {
        "invoice": invoice,
        "attachments": list(invoice.attachments.all()),
        "events": invoice.events.select_related("actor"),
        "can_decide": services.can_decide(request.user, invoice),
        "confirmation_label": services.confirmation_label(invoice),
    }
    context.update(extra)
    return context


@require_GET
@area_required(AreaCode.TO_VALIDATE)
def detail(request, pk: int):
    invoice = get_object_or_404(services.detail_queryset(request.user), pk=pk)
    return render(request, "validation/detail.html", _context(request, invoice))


def _decision(request, pk: int, form_class, template: str, decide):
    invoice = get_object_or_404(services.detail_queryset(request.user, Mode.CHANGE), pk=pk)
    if invoice.status != InvoiceStatus.A_VALIDER_1:
        messages.error(
            request,
            _("Cette facture n'est plus à valider : son statut est « %(status)s ».")
            % {"status": invoice.get_status_display()},
        )
        return redirect("validation:detail", pk=invoice.pk)
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, invoice=invoice)
        if form.is_valid():
            try:
                decide(invoice, form.cleaned_data)
            except InvoiceError as error:
                if error.field in FORM_FIELDS:
                    form.add_error(error.field, error.message)
                else:
                    messages.error(request, error.message)
                    return redirect("validation:detail", pk=invoice.pk)
            else:
                return redirect("validation:detail", pk=invoice.pk)
        status = 400
    else:
        form = form_class(invoice=invoice)
        status = 200
    return render(request, template, _context(request, invoice, form=form), status=status)


@require_http_methods(["GET", "POST"])
@area_required(AreaCode.TO_VALIDATE, Mode.CHANGE)
def validate(request, pk: int):
    """VAL-3 → VALIDEE_1, then the invoice goes to the public recipient by itself."""

    def decide(invoice, data):
        services.validate_invoice(
            invoice,
            actor=request.user,
            confirmed=data["confirmed"],
            message=data["message"],
            document=data.get("document"),
        )
        messages.success(
            request,
            _(
                "La facture n° %(number)s est validée : elle est transmise à son destinataire %(recipient)s."
            )
            % {"number": invoice.number, "recipient": invoice.recipient_name},
        )

    return _decision(request, pk, ValidateForm, "validation/validate.html", decide)


@require_http_methods(["GET", "POST"])
@area_required(AreaCode.TO_VALIDATE, Mode.CHANGE)
def refuse(request, pk: int):
    """VAL-4 → REFUSEE_1, with the reason the supplier reads."""

    def decide(invoice, data):
        services.refuse_invoice(
            invoice,
            actor=request.user,
            reason=data["reason"],
            details=data["details"],
            document=data.get("document"),
        )
        messages.success(
            request,
            _("La facture n° %(number)s est refusée ; le fournisseur en est informé avec le motif.")
            % {"number": invoice.number},
        )

    return _decision(request, pk, RefuseForm, "validation/refuse.html", decide)
