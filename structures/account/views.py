"""My account's links and subscriptions (ACC-8): attachments and link requests, transfer of
the main role, subscriptions and subscription requests, the ISSUED self-service.

Thin: parse input with a form, call a service, turn its errors into messages.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.areas import AreaCode, Mode
from portal.params import clean_param
from structures import memberships, openings, requests
from structures.account.forms import (
    LinkRequestForm,
    SelfServiceForm,
    StructureSearchForm,
    SubscriptionRequestForm,
    TransferForm,
)
from structures.core.forms import apply_error


def _back(request, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return HttpResponseRedirect(target)
    return redirect(default)


@require_GET
def my_links(request):
    """ "Mes rattachements aux structures" (ACC-8) as a full page."""
    return render(request, "structures/account/my_links.html")


@require_GET
def my_subscriptions(request):
    """ "Mes abonnements aux espaces" (ACC-8) as a full page."""
    return render(request, "structures/account/my_subscriptions.html")


@require_http_methods(["GET", "POST"])
def link_request(request):
    """LNK-1: search structures, then ask to be attached to some of them."""
    query = clean_param(request.POST.get("q") or request.GET.get("q"))
    search_form = StructureSearchForm({"q": query} if query else None)
    form = LinkRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = requests.request_links(
                actor=request.user,
                structures=form.cleaned_data["structures"],
                services=form.cleaned_data["services"],
            )
        except ValidationError as error:
            apply_error(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d demande de rattachement envoyée aux gestionnaires.",
                    "%(count)d demandes de rattachement envoyées aux gestionnaires.",
                    len(created),
                )
                % {"count": len(created)},
            )
            return redirect("structures:my_links")
    results = None
    if search_form.is_bound and search_form.is_valid():
        found = memberships.search_structures(search_form.cleaned_data["q"])
        results = Paginator(found.prefetch_related("services"), 20).get_page(
            request.GET.get("page")
        )
    return render(
        request,
        "structures/account/link_request.html",
        {
            "search_form": search_form,
            "form": form,
            "results": results,
            "query": query,
            "query_param": urlencode({"q": query}),
        },
    )


@require_http_methods(["GET", "POST"])
def transfer(request):
    """ROL-3: choose the structure, designate the new main manager (by connection address
    or search), confirm."""
    form = TransferForm(
        request.POST or None,
        actor=request.user,
        initial={
            "structure": request.GET.get("structure"),
            "email": request.GET.get("email", ""),
        },
    )
    if not form.fields["structure"].queryset.exists():
        raise PermissionDenied(_("Vous n'êtes gestionnaire principal d'aucune structure."))
    search = clean_param(request.GET.get("search"))
    found = memberships.search_accounts(search, actor=request.user) if search else None
    confirm = False
    if request.method == "POST" and form.is_valid():
        new_main = form.cleaned_data["email"]
        if new_main is None:
            form.add_error(
                "email", _("Indiquez l'adresse de connexion du nouveau gestionnaire principal.")
            )
        elif request.POST.get("confirm") == "1":
            structure = form.cleaned_data["structure"]
            try:
                memberships.transfer_main_role(structure, actor=request.user, new_main=new_main)
            except ValidationError as error:
                apply_error(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "%(user)s est désormais gestionnaire principal de %(structure)s ; vous en êtes gestionnaire secondaire."
                    )
                    % {"user": new_main.email, "structure": structure.company_name},
                )
                return redirect("structures:my_links")
        else:
            confirm = True
    return render(
        request,
        "structures/account/transfer.html",
        {
            "form": form,
            "confirm": confirm,
            "search": search,
            "found": found,
            "search_too_short": bool(search) and len(search) < memberships.SEARCH_MIN_LENGTH,
        },
    )


@require_http_methods(["GET", "POST"])
def subscription_request(request):
    """AREA-4: "Ajouter un abonnement" (ISSUED is granted at once, AREA-2)."""
    form = SubscriptionRequestForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            created = requests.request_subscription(
                actor=request.user,
                structure=form.cleaned_data["structure"],
                code=form.cleaned_data["area"],
                mode=form.cleaned_data["mode"],
            )
        except ValidationError as error:
            apply_error(form, error)
        else:
            if created is None:
                messages.success(request, _("L'abonnement est ajouté."))
            else:
                messages.success(
                    request, _("Votre demande d'abonnement a été envoyée aux gestionnaires.")
                )
            return redirect("structures:my_subscriptions")
    return render(
        request,
        "structures/account/subscription_request.html",
        {"form": form, "has_structures": form.fields["structure"].queryset.exists()},
    )


@require_POST
def self_service(request):
    """AREA-2: add or remove ISSUED for oneself, without validation."""
    form = SelfServiceForm(request.POST, actor=request.user)
    if not form.is_valid():
        raise Http404
    structure = form.cleaned_data["structure"]
    try:
        if form.cleaned_data["action"] == "add":
            requests.request_subscription(
                actor=request.user,
                structure=structure,
                code=AreaCode.ISSUED,
                mode=form.cleaned_data["mode"] or Mode.CHANGE,
            )
            messages.success(request, _("L'espace Factures émises est ajouté."))
        else:
            openings.remove_self_service_subscription(
                actor=request.user, structure=structure, code=AreaCode.ISSUED
            )
            messages.success(request, _("L'espace Factures émises est retiré."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return _back(request, "structures:my_subscriptions")
