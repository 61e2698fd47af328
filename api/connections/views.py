"""The EDI and API connections area (CONNECTIONS, TEC-6..TEC-9): list, declare (the client
secret shown once), revoke."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from api import services
from api.connections.forms import ConnectionForm
from portal.areas import AreaCode, Mode
from structures import access
from structures.core.forms import apply_error


@require_GET
@access.area_required(AreaCode.CONNECTIONS)
def connections(request):
    rows = services.connections_visible_to(request.user).order_by("-created_at", "-id")
    changeable = set(
        access.structure_ids_with_area(request.user, AreaCode.CONNECTIONS, Mode.CHANGE)
    )
    return render(
        request,
        "api/connections/list.html",
        {"connections": rows, "changeable": changeable, "can_declare": bool(changeable)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@access.area_required(AreaCode.CONNECTIONS, Mode.CHANGE)
def declare(request):
    form = ConnectionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            connection, secret = services.declare_connection(
                data["structure"],
                actor=request.user,
                name=data["name"],
                environment=data["environment"],
                usage=data["usage"],
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
                contact_phone=data["contact_phone"],
            )
        except ValidationError as error:
            apply_error(form, error)
        except PermissionDenied as error:
            form.add_error("structure", str(error))
        else:
            response = render(
                request,
                "api/connections/credentials.html",
                {"connection": connection, "client_secret": secret},
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "api/connections/declare.html", {"form": form})


@require_http_methods(["GET", "POST"])
@access.area_required(AreaCode.CONNECTIONS, Mode.CHANGE)
def revoke(request, pk: int):
    connection = get_object_or_404(services.connections_visible_to(request.user), pk=pk)
    if request.method == "GET":
        return render(request, "api/connections/revoke.html", {"connection": connection})
    try:
        services.revoke_connection(connection, actor=request.user)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Le raccordement %(name)s est révoqué : ses jetons ne fonctionnent plus.")
            % {"name": connection.name},
        )
    return redirect("connections:list")
