"""Template tags of invoicing: status badges, money in the user's language, and the
acknowledgement pop-up of the Issued invoices area (LIF-6).

    {% load invoicing_tags %}
    {% status_badge invoice.status %}            a DSFR badge with the translated label
    {{ invoice.amount_ttc|money:invoice.currency }}   "1 234,56 €" (fr) / "€1,234.56" (en)
    {% issued_acknowledgement_modal %}          the LIF-6 pop-up (needs `request` in context)
    {{ attachment.size|file_size }}              "10,0 Mo" (fr) / "10.0 MB" (en)
"""

from __future__ import annotations

from django import template
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.formats import number_format

from invoicing.display import money, status_badge
from invoicing.issued import rows as issued_rows
from invoicing.received.rows import render_rows
from invoicing.transitions import BY_CODE as TRANSITIONS

register = template.Library()

register.simple_tag(status_badge)
register.filter("money", money)

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


@register.filter
def grouped(value) -> str:
    """A count with the language's thousands separator: "90 418", "90,418"."""
    return number_format(value, force_grouping=True)


@register.filter
def frame_short(code: str) -> str:
    """ "A1_FACTURE_FOURNISSEUR" → "A1"."""
    return (code or "").split("_", 1)[0]


@register.inclusion_tag("invoicing/issued/_acknowledgement_modal.html", takes_context=True)
def issued_acknowledgement_modal(context):
    """LIF-6: shows the pop-up computed by `invoicing.issued.acknowledgements` (its context
    processor puts `issued_acknowledgement` in every request context)."""
    popup = context.get("issued_acknowledgement")
    if popup is None:
        return {"show": False}
    return dict(popup.take(), csrf_token=context.get("csrf_token"))


@register.simple_tag
def received_rows(invoices, can_change):
    """The rows of the Received invoices table (`invoicing.received.rows`)."""
    return render_rows(invoices, bool(can_change))


@register.simple_tag
def issued_search_rows(invoices, several_structures):
    """The rows of the Issued Rechercher table (`invoicing.issued.rows`)."""
    return issued_rows.search_rows(invoices, bool(several_structures))


@register.simple_tag
def issued_attention_rows(invoices, several_structures, show_comment, draft_links):
    """The rows of a table of the Issued Synthèse (`invoicing.issued.rows`)."""
    return issued_rows.attention_rows(
        invoices,
        several_structures=bool(several_structures),
        show_comment=bool(show_comment),
        drafts=bool(draft_links),
    )


@register.simple_tag
def issued_acknowledgement_rows(invoices, form_id):
    """The rows of the LIF-6 list of invoices to acknowledge (`invoicing.issued.rows`)."""
    return issued_rows.acknowledgement_rows(invoices, str(form_id))
