"""htmx fragments of the deposit screens: the recipient checked as it is typed (seed 001),
attachments added without saving first (DEP-1), and the live totals of online entry."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST

from invoicing.deposit import uploads
from invoicing.deposit.contexts import lookup_context, totals, validator_context
from invoicing.deposit.forms import DepositForm
from invoicing.deposit.line_forms import LineFormSet
from invoicing.documents.forms import AttachmentForm
from invoicing.errors import InvoiceError, InvoiceValidationError
from invoicing.models import Attachment, Invoice
from invoicing.queries import issued_invoices
from portal.areas import AreaCode, Mode
from portal.params import clean_param, parse_id, parse_ids
from structures import access


@access.area_required(AreaCode.ISSUED, Mode.CHANGE)
@require_GET
def recipient_lookup(request):
    """The recipient's name, its usable services and parameters (STR-11), or "Destinataire
    inconnu ou inactif" (REC-8); with `role=validator`, the titulaire / mandataire."""
    supplier_id = parse_id(request.GET.get("supplier"))
    if request.GET.get("role") == "validator":
        context = validator_context(
            clean_param(request.GET.get("validator_identifier")),
            clean_param(request.GET.get("validator_service_code")),
            supplier_id,
        )
        return render(request, "invoicing/deposit/_validator_info.html", {"lookup": context})
    context = lookup_context(
        clean_param(request.GET.get("recipient_identifier")),
        clean_param(request.GET.get("recipient_service_code")),
        supplier_id,
    )
    return render(request, "invoicing/deposit/_recipient_info.html", {"lookup": context})


def _draft(request) -> Invoice | None:
    pk = parse_id(request.POST.get("draft"))
    if pk is None:
        return None
    return get_object_or_404(
        issued_invoices(request.user, Mode.CHANGE).filter(status="BROUILLON"), pk=pk
    )


@access.area_required(AreaCode.ISSUED, Mode.CHANGE)
@require_POST
def attachment_upload(request):
    """One complementary attachment (ATT-1..ATT-6), stored unlinked; the answer is its row
    in the dossier table, or the upload block again with the errors at their fields."""
    form = AttachmentForm(request.POST, request.FILES)
    form.is_valid()
    draft = _draft(request)
    try:
        attachment = uploads.upload_attachment(
            form.cleaned_data.get("file"),
            actor=request.user,
            designation=form.cleaned_data.get("designation", ""),
            attachment_type=form.cleaned_data.get("attachment_type", ""),
            dossier_ids=parse_ids(request.POST.getlist("attachment_ids")),
            main_attachment_id=parse_id(request.POST.get("main_attachment")),
            draft=draft,
        )
    except InvoiceValidationError as exc:
        for name, messages in exc.errors.items():
            for message in messages:
                form.add_error(name if name in form.fields else None, str(message))
        response = render(
            request,
            "invoicing/deposit/_attachment_upload.html",
            {"attachment_form": form, "draft": draft},
            status=200,
        )
        response["HX-Retarget"] = "#attachment-upload"
        response["HX-Reswap"] = "outerHTML"
        return response
    return render(
        request,
        "invoicing/deposit/_attachment_added.html",
        {"attachment": attachment, "attachment_form": AttachmentForm(), "draft": draft},
    )


@access.area_required(AreaCode.ISSUED, Mode.CHANGE)
@require_POST
def attachment_remove(request, pk: int):
    """ATT-8: the row goes; on a draft, the link goes too (the file stays)."""
    drafts = issued_invoices(request.user, Mode.CHANGE).filter(status="BROUILLON")
    attachment = get_object_or_404(
        Attachment.objects.filter(is_main=False).filter(
            invoice__isnull=True, uploaded_by=request.user
        )
        | Attachment.objects.filter(is_main=False, invoice__in=drafts),
        pk=pk,
    )
    try:
        uploads.remove_attachment(attachment, actor=request.user)
    except InvoiceError as exc:
        return HttpResponse(str(exc.message), status=400)
    return HttpResponse("")


@access.area_required(AreaCode.ISSUED, Mode.CHANGE)
@require_POST
def entry_recompute(request):
    """The VAT recap and totals of online entry, recomputed as lines are typed."""
    form = DepositForm(request.POST, user=request.user, is_entry_mode=True)
    formset = LineFormSet(request.POST, prefix="lines")
    formset.is_valid()
    form.is_valid()
    return render(
        request,
        "invoicing/deposit/_totals.html",
        {"totals": totals(formset, form), "form": form},
    )
