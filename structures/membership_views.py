"""Views of the members side: My account (attachments, subscriptions, transfer of the main
role) and Manager activities (requests, members, areas, bulk subscriptions, history).

Thin: parse input with a form, call a service, turn its errors into messages. Manager
pages need the MANAGER area; a structure is fetched among the ones the user manages, so a
foreign id is a 404.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal import areas
from portal.areas import Mode
from portal.middleware import MAX_ID
from structures import access, membership_queries
from structures import membership_services as services
from structures.enums import Role
from structures.membership_forms import (
    AreaForm,
    AttachForm,
    DecisionForm,
    DuplicateRightsForm,
    LinkRequestForm,
    MemberServicesForm,
    SelfServiceForm,
    StructureSearchForm,
    SubscriptionRequestForm,
    TransferForm,
    apply_error,
    parse_subscription_grid,
)
from structures.models import LinkRequest, Membership, Structure, SubscriptionRequest

PER_PAGE = 25


def _page(request, queryset, *, param: str = "page", per_page: int = PER_PAGE):
    return Paginator(queryset, per_page).get_page(request.GET.get(param))


def _managed_structure(request, pk: int) -> Structure:
    return get_object_or_404(access.managed_structures(request.user), pk=pk)


def _managed_ids(user) -> list[int]:
    return list(access.managed_structures(user).values_list("pk", flat=True))


def _error_messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _back(request, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return HttpResponseRedirect(target)
    return redirect(default)


# --- My account ------------------------------------------------------------------------


@require_GET
def my_links(request):
    """ "Mes rattachements aux structures" (ACC-8) as a full page."""
    return render(request, "structures/members/my_links.html")


@require_GET
def my_subscriptions(request):
    """ "Mes abonnements aux espaces" (ACC-8) as a full page."""
    return render(request, "structures/members/my_subscriptions.html")


@require_http_methods(["GET", "POST"])
def link_request(request):
    """LNK-1: search structures, then ask to be attached to some of them."""
    query = (request.POST.get("q") or request.GET.get("q") or "").strip()
    search_form = StructureSearchForm({"q": query} if query else None)
    form = LinkRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.request_links(
                actor=request.user,
                structures=form.cleaned_data["structures"],
                services=form.cleaned_data["services"],
            )
        except ValidationError as error:
            apply_error(form, error)
        else:
            messages.success(
                request,
                _("%(count)d demande(s) de rattachement envoyée(s) aux gestionnaires.")
                % {"count": len(created)},
            )
            return redirect("structures:my_links")
    results = None
    if search_form.is_bound and search_form.is_valid():
        results = _page(
            request,
            services.search_structures(search_form.cleaned_data["q"]).prefetch_related("services"),
            per_page=20,
        )
    return render(
        request,
        "structures/members/link_request.html",
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
    search = (request.GET.get("search") or "").strip()
    found = services.search_accounts(search) if search else None
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
                services.transfer_main_role(structure, actor=request.user, new_main=new_main)
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
        "structures/members/transfer.html",
        {
            "form": form,
            "confirm": confirm,
            "search": search,
            "found": found,
            "search_too_short": bool(search) and len(search) < services.SEARCH_MIN_LENGTH,
        },
    )


@require_http_methods(["GET", "POST"])
def subscription_request(request):
    """AREA-4: "Ajouter un abonnement" (ISSUED is granted at once, AREA-2)."""
    form = SubscriptionRequestForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.request_subscription(
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
        "structures/members/subscription_request.html",
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
            services.request_subscription(
                actor=request.user,
                structure=structure,
                code="ISSUED",
                mode=form.cleaned_data["mode"] or Mode.CHANGE,
            )
            messages.success(request, _("L'espace Factures émises est ajouté."))
        else:
            services.remove_self_service_subscription(
                actor=request.user, structure=structure, code="ISSUED"
            )
            messages.success(request, _("L'espace Factures émises est retiré."))
    except ValidationError as error:
        _error_messages(request, error)
    return _back(request, "structures:my_subscriptions")


# --- Manager activities ----------------------------------------------------------------


@require_GET
@access.area_required("MANAGER")
def manager(request):
    """The MANAGER area: pending requests, my structures, latest manager actions."""
    ids = _managed_ids(request.user)
    structures = Structure.objects.filter(pk__in=ids).order_by("company_name", "id")
    actions = list(membership_queries.manager_actions(ids)[:10])
    for action in actions:
        action.label = membership_queries.action_label(action.action)
    return render(
        request,
        "structures/manager/dashboard.html",
        {
            "link_requests": _page(
                request, membership_queries.pending_link_requests(ids), param="lr", per_page=20
            ),
            "subscription_requests": _page(
                request,
                membership_queries.pending_subscription_requests(ids),
                param="sr",
                per_page=20,
            ),
            "structures": structures,
            "actions": actions,
        },
    )


@require_GET
@access.area_required("MANAGER")
def history(request):
    ids = _managed_ids(request.user)
    page = _page(request, membership_queries.manager_actions(ids), per_page=30)
    for action in page:
        action.label = membership_queries.action_label(action.action)
    return render(request, "structures/manager/history.html", {"page_obj": page})


def _decide(request, obj, decide, template: str):
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decide(
                obj.pk,
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
@access.area_required("MANAGER")
def link_request_decide(request, pk: int):
    """LNK-2: a manager of the structure validates or refuses a pending request."""
    obj = get_object_or_404(
        LinkRequest.objects.filter(structure_id__in=_managed_ids(request.user))
        .select_related("requester", "structure", "decided_by")
        .prefetch_related("services"),
        pk=pk,
    )
    return _decide(
        request, obj, services.decide_link_request, "structures/manager/link_request_decide.html"
    )


@require_http_methods(["GET", "POST"])
@access.area_required("MANAGER")
def subscription_request_decide(request, pk: int):
    obj = get_object_or_404(
        SubscriptionRequest.objects.filter(
            structure_id__in=_managed_ids(request.user)
        ).select_related("requester", "structure", "decided_by"),
        pk=pk,
    )
    return _decide(
        request,
        obj,
        services.decide_subscription_request,
        "structures/manager/subscription_request_decide.html",
    )


@require_GET
@access.area_required("MANAGER")
def members(request, pk: int):
    """Users of a structure: roles, services, subscriptions, actions."""
    structure = _managed_structure(request, pk)
    page = _page(request, membership_queries.structure_members(structure))
    return render(
        request,
        "structures/manager/members.html",
        {
            "structure": structure,
            "page_obj": page,
            "rows": membership_queries.member_rows(structure, list(page)),
            "is_main_manager": access.is_main_manager(request.user, structure),
        },
    )


class _Echo:
    def write(self, value):
        return value


def _csv_cell(value: str) -> str:
    # A cell starting with a formula character would run in a spreadsheet.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


@require_GET
@access.area_required("MANAGER")
def members_csv(request, pk: int):
    structure = _managed_structure(request, pk)
    subscriptions = access.subscriptions_by_user(structure)
    opened = access.opened_area_codes(structure)

    def rows():
        writer = csv.writer(_Echo(), delimiter=";")
        yield "\ufeff" + writer.writerow(
            [
                _("Adresse de connexion"),
                _("Nom"),
                _("Prénom"),
                _("Rôle"),
                _("Services"),
                _("Abonnements"),
                _("Rattaché le"),
            ]
        )
        memberships = membership_queries.structure_members(structure).iterator(chunk_size=500)
        for membership in memberships:
            if membership.is_manager:
                held = {code: Mode.CHANGE for code in opened if areas.get(code).subscribable}
            else:
                held = subscriptions.get(membership.user_id, {})
            user = membership.user
            yield writer.writerow(
                [
                    _csv_cell(user.email),
                    _csv_cell(user.last_name),
                    _csv_cell(user.first_name),
                    membership.get_role_display(),
                    _csv_cell(" ".join(s.code for s in membership.services.all())),
                    " ".join(f"{code}:{Mode(mode).value}" for code, mode in sorted(held.items())),
                    membership.created_at.date().isoformat(),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    safe_identifier = "".join(c for c in structure.identifier if c.isalnum() or c in "-_")
    response["Content-Disposition"] = f'attachment; filename="utilisateurs-{safe_identifier}.csv"'

    return response


@require_http_methods(["GET", "POST"])
@access.area_required("MANAGER")
def member(request, pk: int, user_id: int):
    """One member: services (SRV-3), role (ROL-2), detachment (LNK-5)."""
    structure = _managed_structure(request, pk)
    membership = get_object_or_404(
        Membership.objects.select_related("user").prefetch_related("services"),
        structure=structure,
        user_id=user_id,
    )
    form = MemberServicesForm(
        request.POST or None,
        structure=structure,
        initial={"services": list(membership.services.all())},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_member_services(
                structure, membership.user, form.cleaned_data["services"], actor=request.user
            )
        except ValidationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Les services de l'utilisateur sont enregistrés."))
            return redirect("structures:members", pk=structure.pk)
    return render(
        request,
        "structures/manager/member.html",
        {
            "structure": structure,
            "membership": membership,
            "row": membership_queries.member_rows(structure, [membership])[0],
            "form": form,
            "is_main_manager": access.is_main_manager(request.user, structure),
        },
    )


@require_POST
@access.area_required("MANAGER")
def detach(request, pk: int, user_id: int):
    structure = _managed_structure(request, pk)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), structure=structure, user_id=user_id
    )
    try:
        services.detach_user(structure, membership.user, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))
    else:
        messages.success(
            request,
            _("%(user)s est détaché de la structure.") % {"user": membership.user.email},
        )
    return redirect("structures:members", pk=structure.pk)


@require_POST
@access.area_required("MANAGER")
def set_role(request, pk: int, user_id: int):
    """ROL-2: appoint (appoint=1) or remove (appoint=0) a secondary manager."""
    structure = _managed_structure(request, pk)
    if not access.is_main_manager(request.user, structure):
        raise PermissionDenied(_("Seul le gestionnaire principal de la structure peut le faire."))
    membership = get_object_or_404(
        Membership.objects.select_related("user"), structure=structure, user_id=user_id
    )
    appoint = request.POST.get("appoint") == "1"
    try:
        services.set_secondary_manager(
            structure, membership.user, actor=request.user, appoint=appoint
        )
    except ValidationError as error:
        _error_messages(request, error)
    else:
        if appoint:
            messages.success(
                request,
                _("%(user)s est gestionnaire secondaire.") % {"user": membership.user.email},
            )
        else:
            messages.success(
                request, _("%(user)s est utilisateur simple.") % {"user": membership.user.email}
            )
    return redirect("structures:members", pk=structure.pk)


@require_http_methods(["GET", "POST"])
@access.area_required("MANAGER")
def structure_areas(request, pk: int):
    """AREA-3: the areas of the structure, opened or not; open and close them."""
    structure = _managed_structure(request, pk)
    if request.method == "POST":
        form = AreaForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Cet espace ne s'ouvre pas sur une structure."))
            return redirect("structures:areas", pk=structure.pk)
        code = form.cleaned_data["area"]
        label = areas.get(code).label
        try:
            if form.cleaned_data["action"] == "open":
                services.open_structure_area(structure, code, actor=request.user)
                messages.success(request, _("L'espace « %(area)s » est ouvert.") % {"area": label})
            else:
                services.close_structure_area(structure, code, actor=request.user)
                messages.success(
                    request,
                    _("L'espace « %(area)s » est fermé ; ses abonnements sont supprimés.")
                    % {"area": label},
                )
        except ValidationError as error:
            _error_messages(request, error)
        return redirect("structures:areas", pk=structure.pk)
    opened = access.opened_area_codes(structure)
    rows = [
        {
            "area": area,
            "opened": area.code in opened,
            "always_open": area.always_open,
            "can_open": area.code not in opened and access.can_open_area(structure, area.code),
        }
        for area in services.openable_areas()
    ]
    return render(request, "structures/manager/areas.html", {"structure": structure, "rows": rows})


@require_http_methods(["GET", "POST"])
@access.area_required("MANAGER")
def subscriptions_bulk(request, pk: int):
    """AREA-6: users × areas of one structure, saved in one transaction."""
    structure = _managed_structure(request, pk)
    simple_users = membership_queries.structure_members(structure).filter(role=Role.USER)
    if request.method == "POST":
        user_ids = [
            int(v)
            for v in request.POST.getlist("users")
            if v.isascii() and v.isdigit() and int(v) <= MAX_ID
        ]
        codes = [area.code for area in services.requestable_areas()]
        try:
            grid = parse_subscription_grid(request.POST, user_ids, codes)
            changes = services.set_subscriptions(structure, grid, actor=request.user)
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, _("%(count)d abonnement(s) modifié(s).") % {"count": changes})
        url = reverse("structures:subscriptions_bulk", args=[structure.pk])
        page_number = request.POST.get("page") or ""
        if page_number.isascii() and page_number.isdigit():
            url = f"{url}?page={page_number}"
        return HttpResponseRedirect(url)
    page = _page(request, simple_users, per_page=50)
    return render(
        request,
        "structures/manager/subscriptions_bulk.html",
        {
            "structure": structure,
            "page_obj": page,
            "grid": membership_queries.subscription_grid(structure, list(page)),
            "mode_choices": [(m.value, label) for m, label in areas.MODE_LABELS.items()],
        },
    )


@require_http_methods(["GET", "POST"])
@access.area_required("MANAGER")
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
        user = form.cleaned_data["email"]
        try:
            done = services.attach_user(
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
            messages.success(
                request,
                _("%(user)s est rattaché à %(count)d structure(s).")
                % {"user": user.email, "count": len(done)},
            )
            return redirect("structures:manager")
    return render(request, "structures/manager/attach.html", {"form": form})


@require_POST
@access.area_required("MANAGER")
def resend_activation(request):
    """LNK-3: a manager re-sends a pending user's activation mail (a new link, the previous
    ones stop working). The answer does not say whether such an account exists."""
    from accounts.services import resend_activation as send_new_link

    email = (request.POST.get("email") or "").strip()
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
@access.area_required("MANAGER")
def duplicate(request):
    """LNK-4: "Duplication des droits"."""
    form = DuplicateRightsForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target_email"]
        try:
            done = services.duplicate_rights(
                actor=request.user, source=form.cleaned_data["source_email"], target=target
            )
        except ValidationError as error:
            apply_error(form, error)
        else:
            messages.success(
                request,
                _("Les droits sont copiés pour %(user)s sur %(count)d structure(s).")
                % {"user": target.email, "count": len(done)},
            )
            return redirect("structures:manager")
    return render(request, "structures/manager/duplicate.html", {"form": form})
