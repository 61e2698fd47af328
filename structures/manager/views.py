"""Manager activities (the MANAGER area): the dashboard and its pending requests, their
decisions, attachment, duplication of rights and the history. The pages of one managed
structure are in `members.py`.

Thin: every view needs the MANAGER area; a structure is fetched among the ones the user
manages (`access.get_managed_structure_or_404`), so a foreign id is a 404; then one service
call, whose errors become messages.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.services import resend_activation as send_new_link
from flows.services import rejected_flows_for_manager
from portal.areas import AreaCode
from portal.params import clean_param
from structures import access, memberships, queries, requests
from structures.core.forms import apply_error
from structures.manager.forms import (
    AttachForm,
    DecisionForm,
    DuplicateRightsForm,
)
from structures.models import LinkRequest, Structure, SubscriptionRequest

PER_PAGE = 25


def _page(request, queryset, *, param: str = "page", per_page: int = PER_PAGE):
    return Paginator(queryset, per_page).get_page(request.GET.get(param))


def _managed_ids(user) -> list[int]:
    return list(access.managed_structures(user).values_list("pk", flat=True))


def _error_messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@require_GET
@access.area_required(AreaCode.MANAGER)
def manager(request):
    """The MANAGER area: pending requests, my structures, latest manager actions."""
    ids = _managed_ids(request.user)
    structures = Structure.objects.filter(pk__in=ids).order_by("company_name", "id")
    actions = queries.labelled(queries.manager_actions(ids)[:10])
    return render(
        request,
        "structures/manager/dashboard.html",
        {
            "link_requests": _page(
                request, queries.pending_link_requests(ids), param="lr", per_page=20
            ),
            "subscription_requests": _page(
                request,
                queries.pending_subscription_requests(ids),
                param="sr",
                per_page=20,
            ),
            "structures": structures,
            "actions": actions,
            "rejected_flows": list(rejected_flows_for_manager(ids)[:10]),
        },
    )


@require_GET
@access.area_required(AreaCode.MANAGER)
def history(request):
    ids = _managed_ids(request.user)
    page = _page(request, queries.manager_actions(ids), per_page=30)
    actions = queries.labelled(page)
    return render(
        request, "structures/manager/history.html", {"page_obj": page, "actions": actions}
    )


def _decide(request, obj, template: str):
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            requests.decide_request(
                obj,
                actor=request.user,
                approve=form.approve,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            apply_error(form, error)
        else:
            if form.approve:
                messages.success(request, _("La demande est validée."))
            else:
                messages.success(request, _("La demande est refusée."))
            return redirect("structures:manager")
    return render(request, template, {"form": form, "object": obj})


@require_http_methods(["GET", "POST"])
@access.area_required(AreaCode.MANAGER)
def link_request_decide(request, pk: int):
    """LNK-2: a manager of the structure validates or refuses a pending request."""
    obj = get_object_or_404(
        LinkRequest.objects.filter(structure_id__in=_managed_ids(request.user))
        .select_related("requester", "structure", "decided_by")
        .prefetch_related("services"),
        pk=pk,
    )
    return _decide(request, obj, "structures/manager/link_request_decide.html")


@require_http_methods(["GET", "POST"])
@access.area_required(AreaCode.MANAGER)
def subscription_request_decide(request, pk: int):
    obj = get_object_or_404(
        SubscriptionRequest.objects.filter(
            structure_id__in=_managed_ids(request.user)
        ).select_related("requester", "structure", "decided_by"),
        pk=pk,
    )
    return _decide(request, obj, "structures/manager/subscription_request_decide.html")


@require_http_methods(["GET", "POST"])
@access.area_required(AreaCode.MANAGER)
def attach(request):
    """LNK-3: attach an existing account to several managed structures at once."""
    form = AttachForm(
        request.POST or None,
        actor=request.user,
        initial={
            "structures": [request.GET.get("structure")] if request.GET.get("structure") else []
        },
    )
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        # The same answer whether an active account uses the address or not: the form must
        # not tell who has an account (the members list shows who was attached).
        done_message = _(
            "Si un compte actif utilise l'adresse %(email)s, il est maintenant rattaché aux "
            "structures choisies. Sinon, rien n'a changé : la personne doit d'abord créer son "
            "compte et l'activer."
        ) % {"email": email}
        user = memberships.find_active_account(email)
        if user is None:
            messages.info(request, done_message)
            return redirect("structures:manager")
        try:
            memberships.attach_user(
                actor=request.user,
                user=user,
                structures=form.cleaned_data["structures"],
                role=form.cleaned_data["role"],
                services=form.cleaned_data["services"],
            )
        except (ValidationError, PermissionDenied) as error:
            if isinstance(error, PermissionDenied):
                error = ValidationError(str(error))
            apply_error(form, error)
        else:
            messages.info(request, done_message)
            return redirect("structures:manager")
    return render(request, "structures/manager/attach.html", {"form": form})


@require_POST
@access.area_required(AreaCode.MANAGER)
def resend_activation(request):
    """LNK-3: a manager re-sends a pending user's activation mail (a new link, the previous
    ones stop working). The answer does not say whether such an account exists."""
    email = clean_param(request.POST.get("email"), max_length=1000)
    if not email or len(email) > 254 or "@" not in email:
        messages.error(request, _("Saisissez l'adresse de connexion de l'utilisateur."))
    else:
        send_new_link(email, request=request)
        messages.success(
            request,
            _(
                "Si un compte en attente d'activation existe pour %(email)s, un nouveau lien "
                "d'activation lui a été envoyé."
            )
            % {"email": email},
        )
    return redirect("structures:attach")


@require_http_methods(["GET", "POST"])
@access.area_required(AreaCode.MANAGER)
def duplicate(request):
    """LNK-4: "Duplication des droits"."""
    form = DuplicateRightsForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target_email"]
        try:
            done = memberships.duplicate_rights(
                actor=request.user, source=form.cleaned_data["source_email"], target=target
            )
        except ValidationError as error:
            apply_error(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "Les droits sont copiés pour %(user)s sur %(count)d structure.",
                    "Les droits sont copiés pour %(user)s sur %(count)d structures.",
                    len(done),
                )
                % {"user": target.email, "count": len(done)},
            )
            return redirect("structures:manager")
    return render(request, "structures/manager/duplicate.html", {"form": form})
