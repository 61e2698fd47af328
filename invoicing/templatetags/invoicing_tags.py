"""Template tags of invoicing: status badges, money in the user's language, and the
acknowledgement pop-up of the Issued invoices area (LIF-6).

    {% load invoicing_tags %}
    {% status_badge invoice.status %}            a DSFR badge with the translated label
    {{ invoice.amount_ttc|money:invoice.currency }}   "1 234,56 €" (fr) / "€1,234.56" (en)
    {% issued_acknowledgement_modal %}          the LIF-6 pop-up (needs `request` in context)
    {{ attachment.size|file_size }}              "10,0 Mo" (fr) / "10.0 MB" (en)
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.template.defaultfilters import filesizeformat
from django.utils import formats, translation
from django.utils.html import format_html

from invoicing.enums import InvoiceStatus
from invoicing.transitions import BY_CODE as TRANSITIONS

register = template.Library()

# Django's French says "Kio, Mio" (binary prefixes); French users and the portal's own
# limits ("10 Mo", "120 Mo") say "Ko, Mo".
_FRENCH_UNITS = (("Kio", "Ko"), ("Mio", "Mo"), ("Gio", "Go"), ("Tio", "To"))


@register.filter
def event_action(event) -> str:
    """The history's "Action" column: the logged action, else the transition's action
    ("Suspendre", "Compléter"...), else a dash."""
    if event.action:
        return event.get_action_display()
    transition = TRANSITIONS.get(event.transition or "")
    return str(transition.action) if transition else "—"


@register.filter
def file_size(value) -> str:
    text = str(filesizeformat(value))
    if translation.get_language() == "fr":
        for binary, usual in _FRENCH_UNITS:
            text = text.replace(binary, usual)
    return text


S = InvoiceStatus
_BADGE_CLASS = {
    S.BROUILLON: "fr-badge--new",
    S.REJETEE: "fr-badge--error",
    S.REFUSEE_1: "fr-badge--error",
    S.SUSPENDUE: "fr-badge--warning",
    S.A_RECYCLER: "fr-badge--warning",
    S.ABSENCE_VALIDATION_1_HORS_DELAI: "fr-badge--warning",
    S.MISE_EN_PAIEMENT: "fr-badge--success",
    S.COMPTABILISEE: "fr-badge--success",
    S.MISE_A_DISPOSITION_COMPTABLE: "fr-badge--success",
    S.MANDATEE: "fr-badge--success",
    S.SERVICE_FAIT: "fr-badge--success",
    S.VALIDEE_1: "fr-badge--success",
}
_CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF"}


@register.simple_tag
def status_badge(status: str):
    """A DSFR badge for an invoice status code; an unknown code is shown as is."""
    try:
        label = InvoiceStatus(status).label
    except ValueError:
        label = status
    css = _BADGE_CLASS.get(status, "fr-badge--info")
    return format_html(
        '<span class="fr-badge fr-badge--sm fr-badge--no-icon {}" data-status="{}">{}</span>',
        css,
        status,
        label,
    )


@register.filter
def frame_short(code: str) -> str:
    """ "A1_FACTURE_FOURNISSEUR" → "A1"."""
    return (code or "").split("_", 1)[0]


@register.filter
def money(value, currency: str = "EUR") -> str:
    """Two decimals, grouped the way the active language writes amounts."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return str(value)
    number = formats.number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)
    currency = (currency or "EUR").upper()
    symbol = _CURRENCY_SYMBOLS.get(currency, currency)
    if (translation.get_language() or "fr").startswith("en"):
        if symbol == currency:
            return f"{number} {currency}"
        return f"{symbol}{number}" if not number.startswith("-") else f"-{symbol}{number[1:]}"
    return f"{number}\N{NO-BREAK SPACE}{symbol}"


@register.inclusion_tag("invoicing/issued/_acknowledgement_modal.html", takes_context=True)
def issued_acknowledgement_modal(context):
    """LIF-6: shows the pop-up computed by `invoicing.issued.acknowledgements` (its context
    processor puts `issued_acknowledgement` in every request context)."""
    popup = context.get("issued_acknowledgement")
    if popup is None:
        return {"show": False}
    return dict(popup.take(), csrf_token=context.get("csrf_token"))
