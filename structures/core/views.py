"""Pages of the structure itself: creation (STR-7), edition, services, bank details,
billing mandate and SIRET change (§14).

Every page but creation is for the managers of the structure (ROL-6): the structure is
fetched through `access.managed_structures`, so anyone else, including a manager of another
structure using a forged id, gets a 404.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.middleware import STRUCTURE_SESSION_KEY
from portal.params import clean_param
from requests_app import siret_change as siret_requests
from structures import access, billing, identifier_change, identity
from structures.core.forms import (
    BankAccountForm,
    IdentifierForm,
    MandateForm,
    NewIdentifierForm,
    ServiceForm,
    StructureCreateForm,
    StructureEditForm,
)
from structures.validators import IDENTIFIER_HINTS

PAGE_SIZE = 25


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# --- Creation (STR-7) ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def create(request):
    """Search the identifier first; create only when no active structure holds it."""
    context = {
        "hints": {str(code): str(hint) for code, hint in IDENTIFIER_HINTS.items()},
        "existing": None,
        "create_form": None,
    }
    if request.method == "POST":
        form = StructureCreateForm(request.POST)
        if form.is_valid():
            try:
                structure = identity.create_private_structure(
                    actor=request.user, **form.service_data()
                )
            except identity.IdentifierInUse as exc:
                context["existing"] = exc.structure
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                request.session[STRUCTURE_SESSION_KEY] = structure.pk
                messages.success(
                    request,
                    _("La structure %(name)s est créée ; vous en êtes le gestionnaire principal.")
                    % {"name": structure.company_name},
                )
                return redirect("structures:edit", pk=structure.pk)
        search = IdentifierForm(
            initial={
                "identifier_type": request.POST.get("identifier_type"),
                "identifier": request.POST.get("identifier"),
            }
        )
        if context["existing"] is None:
            context["create_form"] = form
    elif "identifier" in request.GET:
        search = IdentifierForm(request.GET)
        if search.is_valid():
            data = search.cleaned_data
            existing = identity.find_active_structure(data["identifier_type"], data["identifier"])
            if existing is not None:
                context["existing"] = existing
            else:
                context["create_form"] = StructureCreateForm(
                    initial={
                        "identifier_type": data["identifier_type"],
                        "identifier": data["identifier"],
                        "country": "FR",
                    }
                )
    else:
        search = IdentifierForm()
    context["search_form"] = search
    if context["existing"] is not None:
        context["link_request_url"] = (
            reverse("structures:link_request")
            + "?"
            + urlencode({"q": context["existing"].identifier})
        )
    return render(request, "structures/core/create.html", context)


# --- Edition ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    structure = access.get_managed_structure_or_404(request.user, pk)
    if request.method == "POST":
        form = StructureEditForm(request.POST, instance=structure)
        if form.is_valid():
            try:
                identity.update_structure(structure, actor=request.user, **form.service_data())
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Les données de la structure sont enregistrées."))
                return redirect("structures:edit", pk=structure.pk)
        structure.refresh_from_db()
    else:
        form = StructureEditForm(instance=structure)
    return render(
        request,
        "structures/core/edit.html",
        {
            "structure": structure,
            "form": form,
            "duplicates": list(structure.duplicates.order_by("created_at", "id")),
            "origin": structure.origin,
            "is_main_manager": access.is_main_manager(request.user, structure),
            "nav": "edit",
        },
    )


# --- Services (SRV-1) ------------------------------------------------------------------


@require_http_methods(["GET"])
def service_list(request, pk: int):
    structure = access.get_managed_structure_or_404(request.user, pk)
    page = _page(request, structure.services.order_by("code", "id"))
    return render(
        request,
        "structures/core/services.html",
        {"structure": structure, "page": page, "query": "", "nav": "services"},
    )


def _service_form_page(request, structure, service=None):
    if request.method == "POST":
        form = ServiceForm(request.POST, instance=service)
        if form.is_valid():
            try:
                if service is None:
                    service = billing.create_service(
                        structure, actor=request.user, **form.service_data()
                    )
                else:
                    service = billing.update_service(
                        service, actor=request.user, **form.service_data()
                    )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("Le service %(code)s est enregistré.") % {"code": service.code},
                )
                return redirect("structures:services", pk=structure.pk)
    else:
        form = ServiceForm(instance=service, initial={"country": "FR"} if service is None else None)
    return render(
        request,
        "structures/core/service_form.html",
        {"structure": structure, "form": form, "service": service, "nav": "services"},
    )


@require_http_methods(["GET", "POST"])
def service_create(request, pk: int):
    return _service_form_page(request, access.get_managed_structure_or_404(request.user, pk))


@require_http_methods(["GET", "POST"])
def service_edit(request, pk: int, service_pk: int):
    structure = access.get_managed_structure_or_404(request.user, pk)
    service = get_object_or_404(structure.services, pk=service_pk)
    return _service_form_page(request, structure, service)


# --- Bank details (BNK-1/2) ------------------------------------------------------------


@require_http_methods(["GET"])
def bank_account_list(request, pk: int):
    structure = access.get_managed_structure_or_404(request.user, pk)
    page = _page(request, structure.bank_accounts.order_by("-is_active", "label", "id"))
    return render(
        request,
        "structures/core/bank_accounts.html",
        {"structure": structure, "page": page, "query": "", "nav": "bank_accounts"},
    )


def _bank_form_page(request, structure, account=None):
    if request.method == "POST":
        form = BankAccountForm(request.POST, instance=account)
        if form.is_valid():
            try:
                if account is None:
                    billing.create_bank_account(
                        structure, actor=request.user, **form.service_data()
                    )
                else:
                    billing.update_bank_account(account, actor=request.user, **form.service_data())
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Les coordonnées bancaires sont enregistrées."))
                return redirect("structures:bank_accounts", pk=structure.pk)
    else:
        form = BankAccountForm(instance=account)
    return render(
        request,
        "structures/core/bank_account_form.html",
        {"structure": structure, "form": form, "account": account, "nav": "bank_accounts"},
    )


@require_http_methods(["GET", "POST"])
def bank_account_create(request, pk: int):
    return _bank_form_page(request, access.get_managed_structure_or_404(request.user, pk))


@require_http_methods(["GET", "POST"])
def bank_account_edit(request, pk: int, account_pk: int):
    structure = access.get_managed_structure_or_404(request.user, pk)
    account = get_object_or_404(structure.bank_accounts, pk=account_pk)
    return _bank_form_page(request, structure, account)


@require_POST
def bank_account_deactivate(request, pk: int, account_pk: int):
    structure = access.get_managed_structure_or_404(request.user, pk)
    account = get_object_or_404(structure.bank_accounts, pk=account_pk)
    billing.deactivate_bank_account(account, actor=request.user)
    messages.success(
        request,
        _("Les coordonnées bancaires %(label)s sont désactivées.") % {"label": account.label},
    )
    return redirect("structures:bank_accounts", pk=structure.pk)


# --- Billing mandate (MAN-1) -----------------------------------------------------------


@require_http_methods(["GET", "POST"])
def mandate(request, pk: int):
    structure = access.get_managed_structure_or_404(request.user, pk)
    form = MandateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            billing.accept_billing_mandate(structure, actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Le mandat de facturation est souscrit."))
            return redirect("structures:mandate", pk=structure.pk)
    return render(
        request,
        "structures/core/mandate.html",
        {"structure": structure, "form": form, "nav": "mandate"},
    )


# --- SIRET change (§14) ----------------------------------------------------------------

STEP_WARNING, STEP_IDENTIFIER, STEP_REVIEW = "warning", "identifier", "review"


def _siret_change_requested(request, structure, form, identifier):
    """SIR-1: a local authority's change becomes a sollicitation to the support desk."""
    try:
        sollicitation = siret_requests.request_siret_change(
            actor=request.user, structure=structure, new_identifier=identifier
        )
    except ValidationError as exc:
        form.add_error(None, exc.messages[0])
        return render(
            request,
            "structures/core/siret_change.html",
            {"structure": structure, "step": STEP_IDENTIFIER, "form": form, "nav": "edit"},
        )
    messages.success(
        request,
        _(
            "Votre demande de changement d'identifiant est transmise au support (sollicitation "
            "%(number)s) : il la réalisera."
        )
        % {"number": sollicitation.number},
    )
    return redirect("requests_app:sent_detail", sollicitation.pk)


@require_http_methods(["GET", "POST"])
def siret_change(request, pk: int):
    """SIR-2 as a small wizard: warning → « Confirmer » → new identifier → « Continuer »
    → review (SIREN warning, SIR-3) → « Valider ». Each step re-checks everything it gets."""
    structure = access.get_managed_structure_or_404(request.user, pk)
    action = request.POST.get("action") if request.method == "POST" else None
    step, form, siren_changes, new_identifier = STEP_WARNING, None, False, None

    if action == "validate" and not structure.is_active:
        # A second click on « Valider »: the change is done, show its result.
        try:
            new = identifier_change.change_siret(
                structure, clean_param(request.POST.get("identifier")), actor=request.user
            )
        except ValidationError:
            pass
        else:
            return _siret_changed(request, new)

    if not structure.is_active:
        step = None
    elif action == "confirm":
        step, form = STEP_IDENTIFIER, NewIdentifierForm(structure=structure)
    elif action in ("continue", "validate"):
        form = NewIdentifierForm(request.POST, structure=structure)
        step = STEP_IDENTIFIER
        if form.is_valid():
            identifier = new_identifier = form.cleaned_data["identifier"]
            siren_changes = identifier_change.siren_changes(structure, identifier)
            step = STEP_REVIEW
            if action == "validate":
                if siren_changes and not request.POST.get("confirm_siren"):
                    form.add_error(
                        None,
                        _(
                            "Le SIREN change : cochez la case pour confirmer qu'il ne s'agit pas d'une erreur de saisie."
                        ),
                    )
                elif identifier_change.through_support(structure):
                    return _siret_change_requested(request, structure, form, identifier)
                else:
                    try:
                        new = identifier_change.change_siret(
                            structure, identifier, actor=request.user
                        )
                    except ValidationError as exc:
                        form.add_error(None, exc)
                        step = STEP_IDENTIFIER
                    else:
                        return _siret_changed(request, new)
    return render(
        request,
        "structures/core/siret_change.html",
        {
            "structure": structure,
            "step": step,
            "form": form,
            "siren_changes": siren_changes,
            "new_identifier": new_identifier,
            "through_support": identifier_change.through_support(structure),
            "nav": "edit",
        },
    )


def _siret_changed(request, new) -> HttpResponseRedirect:
    request.session[STRUCTURE_SESSION_KEY] = new.pk
    messages.success(
        request,
        _(
            "L'identifiant est modifié : la structure %(old)s est désactivée et la structure %(new)s la remplace."
        )
        % {"old": new.origin.identifier, "new": new.identifier},
    )
    # SIR-7
    messages.warning(
        request,
        _(
            "Pensez à souscrire le mandat de facturation de la nouvelle structure si vos utilisateurs déposent des factures en mode saisie, et à créer un compte technique si vous utilisez l'API."
        ),
    )
    return redirect("structures:edit", pk=new.pk)
