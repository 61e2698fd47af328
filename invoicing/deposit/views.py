"""The supplier's deposit screens (DEP-1..DEP-4, seeds 001, 002, 004).

    deposit          choose: "Déposer une facture PDF" (upload) or "Saisir une facture"
    deposit_upload   the invoice file → the form, pre-filled (REC-7, FMT-0)
    deposit_form     the PDF deposit form (also the simplified deposit of seed 001)
    deposit_entry    online entry (saisie), with lines
    draft_edit       resume a draft; draft_delete
    deposit_done     the summary page after sending (DEP-3)
    certificate      the deposit certificate (DEP-4), as a download

Every page needs ISSUED in modification on at least one structure; the certificate and
the summary need the invoice to be visible (a foreign id is a 404). Rules live in
`invoicing.rules.checks` and `invoicing.deposit.services`; these views only translate.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from invoicing import queries
from invoicing.deposit import services
from invoicing.deposit.forms import (
    AttachmentForm,
    DepositForm,
    LineFormSet,
    UploadForm,
    deposit_structures,
    initial_from_invoice,
    initial_from_prefill,
    line_initial,
    lines_of,
)
from invoicing.documents.certificate import certificate_filename
from invoicing.documents.files import attachment_response
from invoicing.enums import VALIDATION_FRAMES, DepositMode, InvoiceStatus
from invoicing.errors import InvoiceError, InvoiceValidationError
from invoicing.models import Attachment, Invoice
from invoicing.rules import amounts, fields
from invoicing.rules import routing as routing_rules
from portal.areas import AreaCode, Mode
from structures import access
from structures.models import Structure

S = InvoiceStatus
DRAFTS_SHOWN = 20
NOT_POSTED_BACK = frozenset({"csrfmiddlewaretoken", "action"})


def _reverse_or_none(name: str, *args) -> str | None:
    """URLs of other areas (the invoice page, the tracking), present once integrated."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _drafts(user):
    return (
        queries.issued_invoices(user, Mode.CHANGE)
        .filter(status=S.BROUILLON)
        .select_related("supplier")
        .order_by("-updated_at", "-id")
    )


def _draft_or_404(user, pk: int) -> Invoice:
    return get_object_or_404(_drafts(user), pk=pk)


# --- Choose --------------------------------------------------------------------------


@access.area_required(AreaCode.ISSUED, Mode.CHANGE)
@require_GET
def deposit(request):
    return _choose_page(request, UploadForm())


def _choose_page(request, upload_form, status=200):
    structures = list(deposit_structures(request.user))
    context = {
        "upload_form": upload_form,
        "structures": structures,
        "drafts": list(_drafts(request.user)[:DRAFTS_SHOWN]),
    }
    return render(request, "invoicing/deposit/choose.html", context, status=status)


@access.area_required(AreaCode.ISSUED, Mode.CHANGE)
@require_http_methods(["GET", "POST"])
def deposit_upload(request):
    """DEP-1: one file, detected by its content; then the form, pre-filled."""
    if request.method == "GET":
        return redirect("invoicing:deposit")
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            upload = services.upload_main_file(form.cleaned_data["file"], actor=request.user)
        except InvoiceValidationError as exc:
            for message in exc.errors.get("file", [exc.message]):
                form.add_error("file", message)
        else:
            return redirect(f"{reverse('invoicing:deposit_form')}?main={upload.attachment.pk}")
    return _choose_page(request, form, status=400)


# --- The deposit form ------------------------------------------------------------------


@access.area_required(AreaCode.ISSUED, Mode.CHANGE)
@require_http_methods(["GET", "POST"])
def deposit_form(request):
    """PDF / structured-file deposit: needs the uploaded main file (?main=<id>)."""
    main_id = request.POST.get("main_attachment") if request.method == "POST" else None
    main_id = main_id or request.GET.get("main")
    main = services.main_attachment_for(request.user, main_id)
    if main is None:
        if request.method == "POST":
            used = services.used_main_file(request.user, main_id)
            if used is not None and used.status == S.BROUILLON:
                return redirect("invoicing:draft_edit", pk=used.pk)
            if used is not None:
                return _done_redirect(request, used)
        messages.info(request, _("Déposez d'abord le fichier de la facture."))
        return redirect("invoicing:deposit")
    return _deposit_page(request, is_entry_mode=False, main=main)


@access.area_required(AreaCode.ISSUED, Mode.CHANGE)
@require_http_methods(["GET", "POST"])
def deposit_entry(request):
    """Online entry (saisie): lines, VAT recap and totals computed, PDF generated."""
    return _deposit_page(request, is_entry_mode=True)


@access.area_required(AreaCode.ISSUED, Mode.CHANGE)
@require_http_methods(["GET", "POST"])
def draft_edit(request, pk: int):
    queryset = queries.issued_invoices(request.user, Mode.CHANGE)
    invoice = get_object_or_404(queryset, pk=pk)
    if invoice.status != S.BROUILLON:
        if request.method == "POST":
            return _done_redirect(request, invoice)  # a repeated "Confirmer et envoyer"
        messages.info(request, _("Cette facture est envoyée : elle ne peut plus être modifiée."))
        return _invoice_redirect(invoice)
    is_entry = invoice.deposit_mode == DepositMode.SAISIE_PORTAIL
    main = None if is_entry else invoice.attachments.filter(is_main=True).first()
    return _deposit_page(request, is_entry_mode=is_entry, draft=invoice, main=main)


@access.area_required(AreaCode.ISSUED, Mode.CHANGE)
@require_POST
def draft_delete(request, pk: int):
    invoice = _draft_or_404(request.user, pk)
    try:
        services.delete_draft(invoice, actor=request.user)
    except InvoiceError as exc:
        messages.error(request, exc.message)
        return redirect("invoicing:draft_edit", pk=pk)
    messages.success(request, _("Le brouillon est supprimé."))
    return redirect("invoicing:deposit")


def _invoice_redirect(invoice: Invoice) -> HttpResponseRedirect:
    url = _reverse_or_none("invoicing:issued_detail", invoice.pk)
    return redirect(url or reverse("invoicing:deposit_done", args=[invoice.pk]))


def _done_redirect(request, invoice: Invoice) -> HttpResponseRedirect:
    if queries.issued_invoices(request.user).filter(pk=invoice.pk).exists():
        return redirect("invoicing:deposit_done", pk=invoice.pk)
    return redirect("invoicing:deposit")


def _formset(request, *, draft: Invoice | None, bound: bool):
    if bound:
        data = request.POST
        if request.POST.get("action") == "add_line":
            data = request.POST.copy()
            total = (data.get("lines-TOTAL_FORMS") or "0").strip()
            if total.isdigit():  # a tampered count is left for the formset to report
                data["lines-TOTAL_FORMS"] = str(int(total) + 1)
        return LineFormSet(data, prefix="lines")
    initial = line_initial(draft) if draft is not None else []
    formset = LineFormSet(prefix="lines", initial=initial or [{}])
    return formset


def _dossier(request, *, draft, bound: bool) -> list[Attachment]:
    if bound:
        ids = request.POST.getlist("attachment_ids")
        return services.dossier_attachments(request.user, ids, draft=draft, strict=False)
    if draft is not None:
        return list(draft.attachments.filter(is_main=False).order_by("pk"))
    return []


def _apply_errors(form, exc: InvoiceValidationError) -> dict[str, list]:
    """Field errors onto the form; the others (lines, files) returned for their blocks."""
    others: dict[str, list] = {}
    for name, errors in exc.errors.items():
        for error in errors:
            if name in form.fields and not form.fields[name].disabled:
                form.add_error(name, str(error))
            else:
                others.setdefault(name, []).append(str(error))
    return others


def _deposit_page(request, *, is_entry_mode: bool, draft: Invoice | None = None, main=None):
    bound = request.method == "POST"
    action = request.POST.get("action", "") if bound else ""
    if bound:
        form = DepositForm(request.POST, user=request.user, is_entry_mode=is_entry_mode)
    else:
        form = DepositForm(
            user=request.user,
            is_entry_mode=is_entry_mode,
            initial=_initial(request, draft=draft, main=main),
        )
    formset = _formset(request, draft=draft, bound=bound) if is_entry_mode else None
    attachments = _dossier(request, draft=draft, bound=bound)
    other_errors: dict[str, list] = {}
    notice = None
    if not bound and main is not None and draft is None:
        notice = services.read_prefill(main).notice
    if bound and action in ("save_draft", "validate", "confirm"):
        valid = form.is_valid() and (formset is None or formset.is_valid())
        if valid:
            kwargs = {
                "actor": request.user,
                "draft": draft,
                "main_attachment_id": main.pk if main else None,
                "attachment_ids": [a.pk for a in attachments],
                "is_entry_mode": is_entry_mode,
            }
            data = form.service_data(lines_of(formset) if formset is not None else None)
            try:
                token = form.cleaned_data.get("token") or ""
                if action == "save_draft":
                    invoice = services.save_draft(data, token=token, **kwargs)
                    messages.success(request, _("Le brouillon est enregistré."))
                    return redirect("invoicing:draft_edit", pk=invoice.pk)
                if action == "validate":
                    deposit = services.validate_deposit(data, **kwargs)
                    return _confirmation_page(
                        request, form, deposit, attachments, main, formset, draft, data
                    )
                invoice = services.send_invoice(data, token=token, **kwargs)
                return redirect("invoicing:deposit_done", pk=invoice.pk)
            except services.AlreadySent as exc:
                return _done_redirect(request, exc.invoice)
            except InvoiceValidationError as exc:
                other_errors = _apply_errors(form, exc)
            except InvoiceError as exc:
                form.add_error(None, str(exc.message))
    supplier_id = form["supplier"].value()
    mandate = _mandate_context(request.user, supplier_id) if is_entry_mode else None
    totals = _totals(formset, form) if is_entry_mode else None
    context = {
        "form": form,
        "formset": formset,
        "is_entry_mode": is_entry_mode,
        "draft": draft,
        "main": main,
        "attachments": attachments,
        "attachment_form": AttachmentForm(),
        "other_errors": other_errors,
        "notice": notice,
        "mandate": mandate,
        "totals": totals,
        "lookup": _lookup_context(
            form["recipient_identifier"].value(),
            form["recipient_service_code"].value(),
            supplier_id,
        ),
        "validator_lookup": _validator_context(
            form["validator_identifier"].value(),
            form["validator_service_code"].value(),
            supplier_id,
        ),
        "has_errors": bool(form.errors or other_errors),
    }
    status = 400 if context["has_errors"] else 200
    return render(request, "invoicing/deposit/form.html", context, status=status)


def _initial(request, *, draft, main) -> dict:
    if draft is not None:
        return initial_from_invoice(draft)
    initial = {}
    if main is not None:
        initial = initial_from_prefill(services.read_prefill(main), user=request.user)
        initial["main_attachment"] = main.pk
    structure = getattr(request, "structure", None)
    if (
        "supplier" not in initial
        and structure is not None
        and deposit_structures(request.user).filter(pk=structure.pk).exists()
    ):
        initial["supplier"] = structure.pk
    return initial


def _mandate_context(user, supplier_id) -> dict | None:
    """MAN-1 / INV-9: the supplier's billing mandate, and where to accept it."""
    supplier_id = str(supplier_id or "").strip()
    structure = (
        deposit_structures(user).filter(pk=supplier_id).first() if supplier_id.isdigit() else None
    )
    if structure is None:
        structure = deposit_structures(user).first()
    if structure is None:
        return None
    return {
        "structure": structure,
        "accepted": structure.has_billing_mandate,
        "url": reverse("structures:mandate", args=[structure.pk])
        if access.is_manager(user, structure)
        else None,
    }


def _totals(formset, form) -> dict:
    lines = []
    for line_form in formset.forms:
        if line_form.is_bound:
            line_form.is_valid()
        else:
            line_form.cleaned_data = {
                name: line_form.initial.get(name) for name in line_form.fields
            }
        line = line_form.line()
        if (
            line is not None
            and line.get("quantity") is not None
            and line.get("unit_price") is not None
        ):
            lines.append(line)
    discount = form["global_discount"].value() or 0
    try:
        return amounts.compute_totals(lines, discount)
    except ArithmeticError:
        return amounts.compute_totals(lines, 0)


def _confirmation_page(request, form, deposit, attachments, main, formset, draft, data):
    """The "Confirmation d'envoi" page: a summary and the same data posted back with
    "Confirmer et envoyer" (nothing is stored until then)."""
    posted = [
        (name, value)
        for name in request.POST
        if name not in NOT_POSTED_BACK
        for value in request.POST.getlist(name)
    ]
    action_url = (
        reverse("invoicing:draft_edit", args=[draft.pk])
        if draft is not None
        else reverse("invoicing:deposit_entry" if form.is_entry_mode else "invoicing:deposit_form")
    )
    if form.is_entry_mode:
        data = services.with_entry_totals(data)
    context = {
        "form": form,
        "data": data,
        "deposit": deposit,
        "posted": posted,
        "attachments": attachments,
        "main": main,
        "lines": deposit.invoice.lines,
        "vat_lines": deposit.invoice.vat_lines,
        "action_url": action_url,
        "is_validation_frame": deposit.invoice.frame in VALIDATION_FRAMES,
    }
    return render(request, "invoicing/deposit/confirm.html", context)


# --- After sending ---------------------------------------------------------------------


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
        "detail_url": _reverse_or_none("invoicing:issued_detail", invoice.pk),
        "tracking_url": _reverse_or_none("invoicing:issued_search")
        or _reverse_or_none("invoicing:issued"),
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


# --- htmx fragments ---------------------------------------------------------------------


def _lookup_context(identifier, service_code, supplier_id) -> dict:
    identifier = fields.normalise_identifier(identifier or "")
    service_code = (service_code or "").strip()
    context = {
        "identifier": identifier,
        "service_code": service_code,
        "recipient": None,
        "own": False,
        "services": [],
        "service": None,
        "service_usable": False,
    }
    if not identifier:
        return context
    recipient = routing_rules.find_recipient(identifier)
    context["recipient"] = recipient
    if recipient is None:
        return context
    context["own"] = str(recipient.pk) == str(supplier_id or "")
    context["services"] = routing_rules.usable_services(recipient)
    if service_code:
        service = recipient.services.filter(code=service_code).first()
        context["service"] = service
        context["service_usable"] = bool(service and service.is_usable())
    return context


def _validator_context(identifier, service_code, supplier_id) -> dict:
    identifier = fields.normalise_identifier(identifier or "")
    context = {
        "identifier": identifier,
        "validator": None,
        "own": False,
        "service_code": (service_code or "").strip(),
        "service": None,
    }
    if identifier:
        validator = Structure.objects.filter(identifier=identifier, is_active=True).first()
        context["validator"] = validator
        context["own"] = bool(validator) and str(validator.pk) == str(supplier_id or "")
        if validator is not None and service_code:
            context["service"] = validator.services.filter(
                code=service_code.strip(), is_active=True
            ).first()
    return context
