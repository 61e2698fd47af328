"""The rows of the public directory's results, rendered in Python like the invoice lists'
rows (issue 10: the directory page spent more in the template engine, two includes and a
dozen tags a row, than in its queries). The markup is what `directory.html` and its
`_directory_services.html` / `_directory_parameters.html` includes wrote, byte for byte
(`tests/structures/directory/test_directory_rows.py` compares them), every value escaped.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from portal.html import format_html
from structures.models import Structure

# The recipient's parameters shown as tags, in the include's order (attribute = data-param).
_PARAMETERS = ("engagement_required", "service_code_required", "engagement_or_service_required")
_TAG = '<li><p class="fr-tag fr-tag--sm" data-param="{}">{}</p></li>'


def _texts() -> dict[str, str]:
    """The row's words in the active language, translated once per table; as the
    template's `{% translate "…" %}` of a literal, they are written as translated (a
    literal of the template is safe, and so is its translation)."""
    words = {
        "active": gettext("Active"),
        "inactive": gettext("Inactive"),
        "no_service": gettext("Aucun service"),
        "engagement": gettext("numéro d'engagement obligatoire"),
        "no_payment_status": gettext("ne gère pas la mise en paiement"),
        "engagement_required": gettext("Numéro d'engagement obligatoire"),
        "service_code_required": gettext("Code service obligatoire"),
        "engagement_or_service_required": gettext(
            "Numéro d'engagement ou code service obligatoire"
        ),
        "not_reported": gettext("Statut de mise en paiement non remonté"),
        "managed": gettext("Gère le statut de mise en paiement"),
    }
    return {key: mark_safe(value) for key, value in words.items()}  # noqa: S308


def parameters_html(structure: Structure, texts: dict[str, str]) -> str:
    """`_directory_parameters.html` of `structure`."""
    tags = [
        format_html(_TAG, name, texts[name]) if getattr(structure, name) else ""
        for name in _PARAMETERS
    ]
    if structure.payment_status_not_reported:
        tags.append(format_html(_TAG, "payment_status_not_reported", texts["not_reported"]))
    else:
        tags.append(format_html(_TAG, "payment_status_managed", texts["managed"]))
    return '\n<ul class="fr-tags-group" data-parameters>\n  ' + "\n  ".join(tags) + "\n</ul>\n"


def services_html(structure: Structure, texts: dict[str, str]) -> str:
    """`_directory_services.html` of `structure` (its `usable_services` prefetched)."""
    services = structure.usable_services
    if not services:
        return f"\n\n<span data-services>{texts['no_service']}</span>\n\n"
    items = "".join(
        format_html(
            '\n  <li data-service="{}"><strong>{}</strong> — {}{}{}</li>\n  ',
            service.code,
            service.code,
            service.name,
            mark_safe(f" · {texts['engagement']}") if service.engagement_required else "",  # noqa: S308
            mark_safe(f" · {texts['no_payment_status']}")  # noqa: S308
            if not service.payment_status_managed
            else "",
        )
        for service in services
    )
    return f'\n\n<ul class="fr-mb-0" data-services>\n  {items}\n</ul>\n\n'


def directory_rows(structures: Iterable[Structure]) -> SafeString:
    """The `<tr>`s of the results table (`structures/directory/directory.html`)."""
    texts = _texts()
    probe = 987654321  # the detail address reversed once, the id put in each row
    before, after = reverse("structures:directory_detail", args=[probe]).split(str(probe))
    active = f'<span class="fr-badge fr-badge--success fr-badge--sm">{texts["active"]}</span>'
    inactive = f'<span class="fr-badge fr-badge--sm">{texts["inactive"]}</span>'
    rows = []
    for structure in structures:
        rows.append(
            format_html(
                '\n      <tr data-identifier="{}">\n'
                '        <td><a href="{}">{}</a></td>\n'
                "        <td>{}</td>\n"
                "        <td>{}</td>\n"
                "        <td>{}</td>\n"
                "        <td>{}</td>\n"
                "        <td>{}</td>\n"
                "      </tr>\n    ",
                structure.identifier,
                f"{before}{int(structure.pk)}{after}",
                structure.identifier,
                structure.company_name,
                mark_safe(", ".join(conditional_escape(line) for line in structure.address_lines)),  # noqa: S308
                mark_safe(active if structure.is_active else inactive),  # noqa: S308
                mark_safe(services_html(structure, texts)),  # noqa: S308 - escaped above
                mark_safe(parameters_html(structure, texts)),  # noqa: S308 - escaped above
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - each row escaped by format_html
