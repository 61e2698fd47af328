"""DEBUG-only mail reader: a newcomer follows the activation link without any mail tool."""

from __future__ import annotations

from functools import wraps

from csp.decorators import csp_exempt
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from notifications.models import Email

DEV_MAILS_SHOWN = 50


def debug_only(view):
    """404 unless DEBUG: the outbox holds other people's links and must never be public."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.DEBUG:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@login_not_required
@require_GET
@debug_only
def dev_mails(request):
    emails = Email.objects.only("to", "subject", "status", "created_at", "template")[
        :DEV_MAILS_SHOWN
    ]
    return render(
        request, "notifications/dev_mails.html", {"emails": emails, "shown": DEV_MAILS_SHOWN}
    )


# The only page without Content-Security-Policy: the HTML version of a mail is shown in an
# iframe `srcdoc`, which inherits the page's policy, and mails carry inline styles (mail
# clients ignore style sheets). DEBUG only (404 otherwise); the iframe is sandboxed (no script).
@csp_exempt()
@login_not_required
@require_GET
@debug_only
def dev_mail(request, pk: int):
    email = get_object_or_404(Email, pk=pk)
    return render(request, "notifications/dev_mail.html", {"email": email})
