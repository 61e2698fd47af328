from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from invoicing.counters import home_counters
from structures import access


@login_not_required
@require_GET
def home(request):
    """Logged-in homepage (HOME): the user's structures and what needs them (ACC-7).
    An anonymous visitor gets the public welcome page instead of a redirect to the login."""
    if not request.user.is_authenticated:
        return render(request, "portal/welcome.html")
    memberships = list(
        request.user.memberships.select_related("structure").order_by("structure__company_name")
    )
    counters = home_counters(request.user, [m.structure_id for m in memberships])
    for membership in memberships:
        membership.counters = counters.get(membership.structure_id, [])
    return render(
        request,
        "portal/home.html",
        {
            "memberships": memberships,
            "is_support": access.is_support(request.user),
        },
    )
