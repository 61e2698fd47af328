"""Manager activities on one managed structure (`gestionnaire/structures/<pk>/...`): its
members (list, CSV, services, role, detachment), its areas and the bulk subscriptions.

Thin: every view needs the MANAGER area; a structure is fetched among the ones the user
manages (`access.get_managed_structure_or_404`), so a foreign id is a 404; then one service
call, whose errors become messages.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal import areas
from portal.areas import AreaCode, Mode
from portal.csv_export import csv_response
from portal.params import parse_id, parse_ids
from structures import access, memberships, openings, queries
from structures.core.forms import apply_error
from structures.enums import Role
from structures.manager.forms import (
    AreaForm,
    MemberServicesForm,
    parse_subscription_grid,
)
from structures.models import Membership

PER_PAGE = 25


def _page(request, queryset, *, per_page: int = PER_PAGE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def _error_messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@require_GET
@access.area_required(AreaCode.MANAGER)
def members(request, pk: int):
    """Users of a structure: roles, services, subscriptions, actions."""
    structure = access.get_managed_structure_or_404(request.user, pk)
    page = _page(request, queries.structure_members(structure))
    is_main_manager = access.is_main_manager(request.user, structure)
    rows = queries.member_rows(structure, list(page))
    for row in rows:
        row.can_detach = access.detach_allowed(row.membership, by_main_manager=is_main_manager)
        row.can_set_role = access.role_change_allowed(
            row.membership, by_main_manager=is_main_manager
        )
    return render(
        request,
        "structures/manager/members.html",
        {
            "structure": structure,
            "page_obj": page,
            "rows": rows,
        },
    )


@require_GET
@access.area_required(AreaCode.MANAGER)
def members_csv(request, pk: int):
    structure = access.get_managed_structure_or_404(request.user, pk)
    subscriptions = access.subscriptions_by_user(structure)
    opened = access.opened_area_codes(structure)

    def rows():
        yield [
            _("Adresse de connexion"),
            _("Nom"),
            _("Prénom"),
            _("Rôle"),
            _("Services"),
            _("Abonnements"),
            _("Rattaché le"),
        ]
        for membership in queries.structure_members(structure).iterator(chunk_size=500):
            if membership.is_manager:
                held = {code: Mode.CHANGE for code in opened if areas.get(code).subscribable}
            else:
                held = subscriptions.get(membership.user_id, {})
            user = membership.user
            yield [
                user.email,
                user.last_name,
                user.first_name,
                membership.get_role_display(),
                " ".join(s.code for s in membership.services.all()),
                " ".join(f"{code}:{Mode(mode).value}" for code, mode in sorted(held.items())),
                membership.created_at.date().isoformat(),
            ]

    return csv_response(f"utilisateurs-{structure.identifier}.csv", rows())


@require_http_methods(["GET", "POST"])
@access.area_required(AreaCode.MANAGER)
def member(request, pk: int, user_id: int):
    """One member: services (SRV-3), role (ROL-2), detachment (LNK-5)."""
    structure = access.get_managed_structure_or_404(request.user, pk)
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
            memberships.set_member_services(
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
            "row": queries.member_rows(structure, [membership])[0],
            "form": form,
        },
    )


@require_POST
@access.area_required(AreaCode.MANAGER)
def detach(request, pk: int, user_id: int):
    structure = access.get_managed_structure_or_404(request.user, pk)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), structure=structure, user_id=user_id
    )
    try:
        memberships.detach_user(structure, membership.user, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))
    else:
        messages.success(
            request,
            _("%(user)s est détaché de la structure.") % {"user": membership.user.email},
        )
    return redirect("structures:members", pk=structure.pk)


@require_POST
@access.area_required(AreaCode.MANAGER)
def set_role(request, pk: int, user_id: int):
    """ROL-2: appoint (appoint=1) or remove (appoint=0) a secondary manager."""
    structure = access.get_managed_structure_or_404(request.user, pk)
    if not access.is_main_manager(request.user, structure):
        raise PermissionDenied(_("Seul le gestionnaire principal de la structure peut le faire."))
    membership = get_object_or_404(
        Membership.objects.select_related("user"), structure=structure, user_id=user_id
    )
    appoint = request.POST.get("appoint") == "1"
    try:
        memberships.set_secondary_manager(
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
@access.area_required(AreaCode.MANAGER)
def structure_areas(request, pk: int):
    """AREA-3: the areas of the structure, opened or not; open and close them."""
    structure = access.get_managed_structure_or_404(request.user, pk)
    if request.method == "POST":
        form = AreaForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Cet espace ne s'ouvre pas sur une structure."))
            return redirect("structures:areas", pk=structure.pk)
        code = form.cleaned_data["area"]
        label = areas.get(code).label
        try:
            if form.cleaned_data["action"] == "open":
                openings.open_structure_area(structure, code, actor=request.user)
                messages.success(request, _("L'espace « %(area)s » est ouvert.") % {"area": label})
            else:
                openings.close_structure_area(structure, code, actor=request.user)
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
            "can_open": area.code not in opened and openings.can_open_area(structure, area.code),
        }
        for area in openings.openable_areas()
    ]
    return render(request, "structures/manager/areas.html", {"structure": structure, "rows": rows})


@require_http_methods(["GET", "POST"])
@access.area_required(AreaCode.MANAGER)
def subscriptions_bulk(request, pk: int):
    """AREA-6: users × areas of one structure, saved in one transaction."""
    structure = access.get_managed_structure_or_404(request.user, pk)
    simple_users = queries.structure_members(structure).filter(role=Role.USER)
    if request.method == "POST":
        user_ids = parse_ids(request.POST.getlist("users"))
        codes = [area.code for area in openings.requestable_areas()]
        try:
            grid = parse_subscription_grid(request.POST, user_ids, codes)
            changes = openings.set_subscriptions(structure, grid, actor=request.user)
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d abonnement modifié.", "%(count)d abonnements modifiés.", changes
                )
                % {"count": changes},
            )
        url = reverse("structures:subscriptions_bulk", args=[structure.pk])
        page_number = parse_id(request.POST.get("page"))
        if page_number is not None:
            url = f"{url}?page={page_number}"
        return HttpResponseRedirect(url)
    page = _page(request, simple_users, per_page=50)
    return render(
        request,
        "structures/manager/subscriptions_bulk.html",
        {
            "structure": structure,
            "page_obj": page,
            "grid": queries.subscription_grid(structure, list(page)),
            "mode_choices": [(m.value, label) for m, label in areas.MODE_LABELS.items()],
        },
    )
