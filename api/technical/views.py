"""The technical account of a managed structure (TEC-1..TEC-4), in Manager activities.

The password is shown once, in the answer to the POST that made it (never stored in clear,
never in the session); the PDF export posts it back and is rendered in that download
request only.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.hashers import check_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from api import services
from portal.areas import AreaCode
from structures import access


def _context(request, structure, **extra) -> dict:
    account = services.active_account_of(structure)
    return {
        "structure": structure,
        "account": account,
        "contact_address": services.contact_address(account) if account else None,
        "is_main_manager": access.is_main_manager(request.user, structure),
        **extra,
    }


@require_GET
@access.area_required(AreaCode.MANAGER)
def technical(request, pk: int):
    structure = access.get_managed_structure_or_404(request.user, pk)
    return render(request, "api/technical/technical.html", _context(request, structure))


def _shown_once(request, structure, account, password):
    response = render(
        request,
        "api/technical/password.html",
        _context(request, structure, shown_account=account, password=password),
    )
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_POST
@access.area_required(AreaCode.MANAGER)
def create(request, pk: int):
    structure = access.get_managed_structure_or_404(request.user, pk)
    try:
        account, password = services.create_technical_account(structure, actor=request.user)
    except PermissionDenied as error:
        messages.error(request, str(error))
        return redirect("technical:technical", pk=structure.pk)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("technical:technical", pk=structure.pk)
    return _shown_once(request, structure, account, password)


@never_cache
@require_http_methods(["GET", "POST"])
@access.area_required(AreaCode.MANAGER)
def reset(request, pk: int):
    """TEC-4: a confirmation page, then a new password shown once."""
    structure = access.get_managed_structure_or_404(request.user, pk)
    account = services.active_account_of(structure)
    if account is None:
        raise Http404
    if request.method == "GET":
        return render(request, "api/technical/reset.html", _context(request, structure))
    try:
        password = services.reset_technical_password(account, actor=request.user)
    except PermissionDenied as error:
        messages.error(request, str(error))
        return redirect("technical:technical", pk=structure.pk)
    return _shown_once(request, structure, account, password)


@never_cache
@require_POST
@access.area_required(AreaCode.MANAGER)
def export_pdf(request, pk: int):
    """TEC-3: the credentials as a PDF, rendered in this download request only; the
    password posted back must be the account's current one."""
    from invoicing.documents.certificate import html_to_pdf

    structure = access.get_managed_structure_or_404(request.user, pk)
    account = services.active_account_of(structure)
    password = request.POST.get("password", "")
    if account is None or not check_password(password, account.user.password):
        raise Http404
    html = render_to_string(
        "api/technical/credentials_pdf.html",
        {
            "structure": structure,
            "login": account.user.email,
            "contact_address": services.contact_address(account),
            "password": password,
            "now": timezone.now(),
        },
    )
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="utilisateur-technique.pdf"'
    response["Cache-Control"] = "no-store"
    return response
