"""The Django admin of the support desk, behind the portal's own login (issue 9, item 3).

The admin has no login form of its own: `/admin/login/` sends to allauth's login, so the
5-failure lockout (ACC-6), the rate limits and the second factor apply to staff as to
everybody. Staff must have two-factor authentication enabled to use the admin, since it is
where public structures are created (STR-9); allauth then asks for the code at every login.
"""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache


def staff_second_factor_missing(user) -> bool:
    return (
        settings.ADMIN_REQUIRE_MFA
        and user.is_authenticated
        and user.is_staff
        and not is_mfa_enabled(user)
    )


class PortalAdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        return super().has_permission(request) and not staff_second_factor_missing(request.user)

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        if staff_second_factor_missing(request.user):
            messages.warning(
                request,
                _(
                    "Activez la double authentification pour accéder à l'administration : "
                    "elle y est obligatoire."
                ),
            )
            return redirect("mfa_index")
        target = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("admin:index", current_app=self.name)
        if request.user.is_authenticated:
            # Logged in but not staff: the admin is not for this account.
            messages.error(request, _("Ce compte n'a pas accès à l'administration."))
            return redirect("home")
        return redirect(f"{reverse('account_login')}?{urlencode({'next': target})}")
