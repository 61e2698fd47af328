"""The supplier's deposit screens (DEP-1..DEP-4, seeds 001, 002, 004).

    deposit          choose: "Déposer une facture PDF" (upload) or "Saisir une facture"
    deposit_upload   the invoice file → the form, pre-filled (REC-7, FMT-0)
    deposit_form     the PDF deposit form (also the simplified deposit of seed 001)
    deposit_entry    online entry (saisie), with lines
    draft_edit       resume a draft; draft_delete
    The form pages answer three POST actions, one view function each, chosen by the
    submit button's `action`: save_draft, validate (→ confirmation page), confirm.
    deposit_done     the summary page after sending (DEP-3)
    certificate      the deposit certificate (DEP-4), as a download

Every page needs ISSUED in modification on at least one structure; the certificate and
the summary need the invoice to be visible (a foreign id is a 404). Rules live in
`invoicing.rules` and the deposit use cases (`services`, `drafts`, `uploads`); these views
only translate.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from invoicing import queries
from invoicing.deposit import confirmation, drafts, flow_upload, services, uploads
from invoicing.deposit.contexts import lookup_context, mandate_context, totals, validator_context
from invoicing.deposit.forms import (
    DepositForm,
    UploadForm,
    deposit_structures,
)
from invoicing.deposit.initial import form_initial, initial_from_prefill, line_initial
from invoicing.deposit.line_forms import LineFormSet, lines_of
from invoicing.documents.forms import AttachmentForm
from invoicing.enums import DepositMode, InvoiceStatus
from invoicing.errors import InvoiceError, InvoiceValidationError
from invoicing.models import Attachment, Invoice
from portal.areas import AreaCode, Mode
from portal.params import parse_id, parse_ids
from structures import access

S = InvoiceStatus
DRAFTS_SHOWN = 20


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
    if form.is_valid() and flow_upload.wanted(form):
        return flow_upload.upload_as_flow(request, form) or _choose_page(request, form, status=400)
    if form.is_valid():
        try:
            upload = uploads.upload_main_file(form.cleaned_data["file"], actor=request.user)
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
    main_id = parse_id(request.POST.get("main_attachment")) if request.method == "POST" else None
    main_id = main_id or parse_id(request.GET.get("main"))
    main = uploads.main_attachment_for(request.user, main_id)
    if main is None:
        if request.method == "POST":
            used = uploads.used_main_file(request.user, main_id)
            if used is not None and used.status == S.BROUILLON:
                return redirect("invoicing:draft_edit", pk=used.pk)
            if used is not None:
                return _already_sent(request, used)
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
            return _already_sent(request, invoice)  # a repeated "Confirmer et envoyer"
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
        drafts.delete_draft(invoice, actor=request.user)
    except InvoiceError as exc:
        messages.error(request, exc.message)
        return redirect("invoicing:draft_edit", pk=pk)
    messages.success(request, _("Le brouillon est supprimé."))
    return redirect("invoicing:deposit")


def _invoice_redirect(invoice: Invoice) -> HttpResponseRedirect:
    return redirect("invoicing:issued_detail", pk=invoice.pk)


def _already_sent(request, invoice: Invoice) -> HttpResponseRedirect:
    """A repeated click: the summary of the invoice the first click sent, saying so."""
    messages.info(request, _("Cette facture a déjà été envoyée."))
    return _done_redirect(request, invoice)


def _done_redirect(request, invoice: Invoice) -> HttpResponseRedirect:
    if queries.issued_invoices(request.user).filter(pk=invoice.pk).exists():
        return redirect("invoicing:deposit_done", pk=invoice.pk)
    return redirect("invoicing:deposit")


def _formset(data, *, draft: Invoice | None, bound: bool):
    if bound:
        if data.get("action") == "add_line":
            data = data.copy()
            total = parse_id(data.get("lines-TOTAL_FORMS") or "0") or 0
            if total or (data.get("lines-TOTAL_FORMS") or "0").strip() == "0":
                # a tampered count is left for the formset to report
                data["lines-TOTAL_FORMS"] = str(total + 1)
        return LineFormSet(data, prefix="lines")
    initial = line_initial(draft) if draft is not None else []
    formset = LineFormSet(prefix="lines", initial=initial or [{}])
    return formset


def _dossier(request, data, *, draft, bound: bool) -> list[Attachment]:
    if bound:
        ids = parse_ids(data.getlist("attachment_ids"))
        return uploads.dossier_attachments(request.user, ids, draft=draft, strict=False)
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


def _deposit_page(
    request, *, is_entry_mode: bool, draft: Invoice | None = None, main=None, stashed=None
):
    """The deposit form (GET) or one of its three POST actions, named by the submit button;
    with `stashed` (the fields of a validated form), the confirmation page."""
    page = _FormPage(request, is_entry_mode=is_entry_mode, draft=draft, main=main, data=stashed)
    if stashed is not None:
        action = show_confirmation
    else:
        action = POST_ACTIONS.get(request.POST.get("action", "")) if page.bound else None
    page.acted = action is not None
    if action is not None and page.is_valid():
        try:
            return action(request, page)
        except drafts.AlreadySent as exc:
            return _already_sent(request, exc.invoice)
        except InvoiceValidationError as exc:
            page.other_errors = _apply_errors(page.form, exc)
        except InvoiceError as exc:
            page.form.add_error(None, str(exc.message))
    return page.render()


def save_draft(request, page: _FormPage) -> HttpResponse:
    """ "Enregistrer le brouillon" (T1, or a plain save of the draft)."""
    invoice = drafts.save_draft(page.data(), token=page.token(), **page.service_kwargs())
    messages.success(request, _("Le brouillon est enregistré."))
    return redirect("invoicing:draft_edit", pk=invoice.pk)


def validate(request, page: _FormPage) -> HttpResponse:
    """ "Valider": every check of §5.4, then a redirect to the confirmation page (nothing
    stored yet but the posted fields, in the session: a refresh does not post again)."""
    services.validate_deposit(page.data(), main=page.main, **page.service_kwargs())
    key = confirmation.stash(
        request,
        token=page.token(),
        is_entry_mode=page.is_entry_mode,
        draft_pk=page.draft.pk if page.draft else None,
        main_pk=page.main.pk if page.main else None,
    )
    return redirect("invoicing:deposit_confirmation", key=key)


def show_confirmation(request, page: _FormPage) -> HttpResponse:
    data = page.data()
    deposit = services.validate_deposit(data, main=page.main, **page.service_kwargs())
    return confirmation.confirmation_page(request, page, deposit, data)


def confirm(request, page: _FormPage) -> HttpResponse:
    """ "Confirmer et envoyer": checks again, then T2/T3 and the certificate."""
    invoice = services.send_invoice(page.data(), token=page.token(), **page.service_kwargs())
    confirmation.forget(request, page.token())
    return redirect("invoicing:deposit_done", pk=invoice.pk)


@access.area_required(AreaCode.ISSUED, Mode.CHANGE)
@require_GET
def deposit_confirmation(request, key: str):
    """The "Confirmation d'envoi" page of a validated form (see `confirmation`)."""
    found = confirmation.stashed(request, key)
    if found is None:
        messages.info(request, _("Cette confirmation a expiré : validez de nouveau la facture."))
        return redirect("invoicing:deposit")
    entry, data = found
    draft = None
    if entry.get("draft"):
        queryset = queries.issued_invoices(request.user, Mode.CHANGE)
        draft = get_object_or_404(queryset, pk=entry["draft"])
        if draft.status != S.BROUILLON:
            return _already_sent(request, draft)
    main = None
    if not entry.get("is_entry_mode"):
        main = uploads.main_attachment_for(request.user, entry.get("main"), draft=draft)
        if main is None:
            used = uploads.used_main_file(request.user, entry.get("main"))
            if used is not None and used.status != S.BROUILLON:
                return _already_sent(request, used)
            messages.info(request, _("Déposez d'abord le fichier de la facture."))
            return redirect("invoicing:deposit")
    is_entry = bool(entry.get("is_entry_mode"))
    return _deposit_page(request, is_entry_mode=is_entry, draft=draft, main=main, stashed=data)


POST_ACTIONS = {"save_draft": save_draft, "validate": validate, "confirm": confirm}


class _FormPage:
    """The bound or initial deposit form of one request, with its lines and dossier."""

    def __init__(self, request, *, is_entry_mode: bool, draft: Invoice | None, main, data=None):
        self.request = request
        self.is_entry_mode = is_entry_mode
        self.draft = draft
        self.main = main
        self.post_data = request.POST if data is None else data
        self.bound = data is not None or request.method == "POST"
        # The main file's pre-fill, read once for the initial values and the badges.
        self.prefill = self.prefilled = None
        if not self.bound and main is not None and draft is None:
            self.prefill = uploads.stored_prefill(main)
            self.prefilled = initial_from_prefill(self.prefill, user=request.user)
        if self.bound:
            self.form = DepositForm(self.post_data, user=request.user, is_entry_mode=is_entry_mode)
        else:
            initial = form_initial(
                request.user, request.structure, draft=draft, main=main, prefilled=self.prefilled
            )
            self.form = DepositForm(user=request.user, is_entry_mode=is_entry_mode, initial=initial)
        self.formset = (
            _formset(self.post_data, draft=draft, bound=self.bound) if is_entry_mode else None
        )
        self.attachments = _dossier(request, self.post_data, draft=draft, bound=self.bound)
        self.other_errors: dict[str, list] = {}
        self.acted = False

    def is_valid(self) -> bool:
        return self.form.is_valid() and (self.formset is None or self.formset.is_valid())

    def data(self) -> dict:
        return self.form.service_data(lines_of(self.formset) if self.formset is not None else None)

    def token(self) -> str:
        return self.form.cleaned_data.get("token") or ""

    def service_kwargs(self) -> dict:
        return {
            "actor": self.request.user,
            "draft": self.draft,
            "main_attachment_id": self.main.pk if self.main else None,
            "attachment_ids": [a.pk for a in self.attachments],
            "is_entry_mode": self.is_entry_mode,
        }

    def _formset_errors(self) -> bool:
        formset = self.formset
        # Only after a button that acts (not "add a line"): its lines were refused.
        return self.acted and formset is not None and formset.is_bound and not formset.is_valid()

    def render(self) -> HttpResponse:
        form, request = self.form, self.request
        notice, prefilled = None, frozenset()
        if self.prefill is not None:
            notice = self.prefill.notice
            # the fields read from the file get a badge: the user checks them (issue 11)
            prefilled = frozenset(self.prefilled)
        supplier_id = form["supplier"].value()
        context = {
            "form": form,
            "formset": self.formset,
            "is_entry_mode": self.is_entry_mode,
            "draft": self.draft,
            "main": self.main,
            "attachments": self.attachments,
            "attachment_form": AttachmentForm(),
            "other_errors": self.other_errors,
            "notice": notice,
            "prefilled": prefilled,
            "mandate": mandate_context(request.user, supplier_id) if self.is_entry_mode else None,
            "totals": totals(self.formset, form) if self.is_entry_mode else None,
            "lookup": lookup_context(
                form["recipient_identifier"].value(),
                form["recipient_service_code"].value(),
                supplier_id,
            ),
            "validator_lookup": validator_context(
                form["validator_identifier"].value(),
                form["validator_service_code"].value(),
                supplier_id,
            ),
            "has_errors": bool(form.errors or self.other_errors or self._formset_errors()),
            "form_action": confirmation.form_url(
                is_entry_mode=self.is_entry_mode, draft_pk=self.draft.pk if self.draft else None
            ),
        }
        status = 400 if context["has_errors"] else 200
        return render(request, "invoicing/deposit/form.html", context, status=status)
