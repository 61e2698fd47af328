"""The rows of the "Factures à valider" tables, rendered in Python like the Received and
Issued rows (issue 10: a list page's CPU): the same markup the template wrote per row,
every value escaped with `format_html`."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from invoicing.display import date_maker, writers
from invoicing.enums import Frame
from invoicing.models import Invoice
from portal.html import format_html, format_html_join

DASH = "—"


def pending_rows(invoices: Iterable[Invoice]) -> SafeString:
    """`<tr>`s of the invoices waiting for a decision (`remaining_days` set by the view)."""
    frames = {Frame.A12.value: gettext("Cotraitance (A12)")}
    subcontracting = gettext("Sous-traitance (A9)")
    show = writers("validation:detail")
    date_time = date_maker("SHORT_DATETIME_FORMAT")

    def row(invoice: Invoice) -> SafeString:
        remaining = getattr(invoice, "remaining_days", None)
        urgent = remaining is not None and remaining < 3
        count = remaining or 0
        return format_html(
            '\n    <tr data-invoice="{}">\n'
            '      <td><a href="{}">{}</a></td>\n'
            "      <td>{}</td>\n"
            '      <td>{}<br><span class="fr-hint-text">{}</span></td>\n'
            '      <td>{}<br><span class="fr-hint-text">{}</span></td>\n'
            "      <td>{}</td>\n"
            "      <td>{}</td>\n"
            '      <td>{}<br><span class="fr-badge fr-badge--sm {} fr-badge--no-icon" '
            "data-remaining>{}</span></td>\n"
            "      <td>{}</td>\n"
            "    </tr>\n  ",
            invoice.pk,
            show.url(invoice.pk),
            invoice.number,
            frames.get(invoice.frame, subcontracting),
            invoice.supplier_name,
            invoice.supplier_identifier,
            invoice.recipient_name,
            invoice.recipient_identifier,
            show.money(invoice.amount_ttc, invoice.currency),
            show.date(invoice.deposited_at),
            date_time(getattr(invoice, "deadline", None)),
            "fr-badge--warning" if urgent else "fr-badge--info",
            ngettext("%(counter)s jour restant", "%(counter)s jours restants", count)
            % {"counter": count},
            show.badge(invoice.status),
        )

    return format_html_join("", "{}", ((row(invoice),) for invoice in invoices))


def history_rows(invoices: Iterable[Invoice]) -> SafeString:
    """`<tr>`s of the invoices already decided (`decisions` prefetched by the service)."""
    show, date_time = writers("validation:detail"), date_maker("SHORT_DATETIME_FORMAT")

    def row(invoice: Invoice) -> SafeString:
        decisions = getattr(invoice, "decisions", None) or []
        decision = decisions[-1] if decisions else None
        if decision is None:
            shown, when = DASH, DASH
        else:
            actor = ""
            if decision.actor_id:
                actor = format_html(' <span class="fr-hint-text">{}</span>', decision.actor_label)
            shown = format_html("{}{}", show.badge(decision.status), actor)
            when = date_time(decision.created_at)
        return format_html(
            '\n    <tr data-invoice="{}">\n'
            '      <td><a href="{}">{}</a></td>\n'
            "      <td>{}</td>\n"
            "      <td>{}</td>\n"
            "      \n"
            "      <td>{}</td>\n"
            "      <td>{}</td>\n"
            "      \n"
            "      <td>{}</td>\n"
            "    </tr>\n  ",
            invoice.pk,
            show.url(invoice.pk),
            invoice.number,
            invoice.supplier_name,
            show.money(invoice.amount_ttc, invoice.currency),
            shown,
            when,
            show.badge(invoice.status),
        )

    return format_html_join("", "{}", ((row(invoice),) for invoice in invoices))
