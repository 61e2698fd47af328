"""Rendering a mail of `templates/emails/` in the recipient's language (NOT-6)."""

from __future__ import annotations

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

PORTAL_NAME = gettext_lazy("Chorus Pro (démonstration)")


def base_context() -> dict:
    """What every mail may use: the portal's name and links to it (NOT-6)."""
    base = settings.PORTAL_BASE_URL
    return {
        "portal_name": PORTAL_NAME,
        "portal_base_url": base,
        "portal_login_url": base + reverse("account_login"),
        "portal_account_url": base + reverse("accounts:my_account"),
    }


def render_email(template: str, context: dict, language: str) -> tuple[str, str, str]:
    """(subject, text body, html body or "") of `emails/<template>_*` in `language`."""
    full_context = {**base_context(), **context}
    with translation.override(language):
        subject = render_to_string(f"emails/{template}_subject.txt", full_context)
        text = render_to_string(f"emails/{template}_body.txt", full_context)
        try:
            html = render_to_string(f"emails/{template}_body.html", full_context)
        except TemplateDoesNotExist:
            html = ""
    return " ".join(subject.split()), text.strip() + "\n", html.strip()
