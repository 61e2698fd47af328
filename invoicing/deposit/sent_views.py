"""After sending: the summary page (DEP-3) and the deposit certificate (DEP-4)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from invoicing import queries
from invoicing.deposit import services
from invoicing.documents.certificate import certificate_filename
from invoicing.documents.files import attachment_response
from invoicing.enums import VALIDATION_FRAMES, InvoiceStatus

S = InvoiceStatus


@require_GET
def deposit_done(request, pk: int):
    """DEP-3 / VAL-2: the summary page; its links lead to the certificate, the invoice and
    its tracking."""
    invoice = get_object_or_404(
        queries.issued_invoices(request.user)
        .exclude(status=S.BROUILLON)
        .select_related("recipient", "validator"),
        pk=pk,
    )
    context = {
        "invoice": invoice,
        "is_validation_frame": invoice.frame in VALIDATION_FRAMES,
        "detail_url": reverse("invoicing:issued_detail", args=[invoice.pk]),
        "tracking_url": reverse("invoicing:issued_search"),
    }
    return render(request, "invoicing/deposit/done.html", context)


@require_GET
def certificate(request, pk: int):
    """DEP-4: a download for whoever may see the invoice; 404 for anyone else."""
    invoice = get_object_or_404(
        queries.any_visible(request.user).exclude(status=S.BROUILLON), pk=pk
    )
    invoice = services.ensure_certificate(invoice)
    return attachment_response(
        invoice.certificate_file, certificate_filename(invoice), "application/pdf"
    )
