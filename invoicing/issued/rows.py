"""The rows of the Issued invoices tables, rendered in Python like the Received rows (issue
10: a list page's CPU): the Rechercher results (25 a page) and the Synthèse's tables of
invoices waiting for the supplier (up to 25). Same markup as the templates wrote, every
value escaped with `format_html`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import NoReverseMatch
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext

from invoicing.display import badge_maker, date_maker, url_maker, writers
from invoicing.models import Invoice
from portal.html import format_html, format_html_join

DASH = "—"


def _draft_urls():
    """pk → the draft editor's address; None where the deposit pages are not installed."""
    try:
        return url_maker("invoicing:draft_edit")
    except NoReverseMatch:
        return None


def _frame_labels() -> dict[str, str]:
    """Frame code → its label in the active language, translated once for a whole table
    (`get_frame_display` hashes every lazy label of the choices, a translation each, per row)."""
    return {str(value): str(label) for value, label in Invoice._meta.get_field("frame").flatchoices}


def search_rows(invoices: Iterable[Invoice], several_structures: bool) -> SafeString:
    """`<tr>`s of the Rechercher results (`invoicing/issued/search.html`)."""
    no_number = gettext("(sans numéro)")
    frames = _frame_labels()
    show = writers("invoicing:issued_detail")
    date_time = date_maker("SHORT_DATETIME_FORMAT")

    def row(invoice: Invoice) -> SafeString:
        supplier = ""
        if several_structures:
            supplier = format_html("<td>{}</td>", invoice.supplier.company_name)
        identifier = ""
        if invoice.recipient_identifier:
            identifier = format_html(
                '<br><span class="fr-hint-text">{}</span>', invoice.recipient_identifier
            )
        return format_html(
            '<tr data-invoice="{}">\n<td><a href="{}">{}</a></td>\n<td>{}</td>\n{}'
            "<td>{}{}</td>\n"
            '<td><abbr title="{}">{}</abbr></td>\n<td>{}</td>\n<td>{}</td>\n<td>{}</td>\n'
            "</tr>\n",
            invoice.pk,
            show.url(invoice.pk),
            invoice.number or no_number,
            show.date(invoice.invoice_date) or DASH,
            supplier,
            invoice.recipient_name or DASH,
            identifier,
            frames.get(invoice.frame, invoice.frame),
            (invoice.frame or "").split("_", 1)[0],
            show.money(invoice.amount_ttc, invoice.currency),
            show.badge(invoice.status),
            date_time(invoice.status_changed_at),
        )

    return format_html_join("", "{}", ((row(invoice),) for invoice in invoices))


def attention_rows(
    invoices: Iterable, *, several_structures: bool, show_comment: bool, drafts: bool
) -> SafeString:
    """`<tr>`s of a Synthèse table (`invoicing/issued/_attention_table.html`): `invoices`
    are the named tuples of `services.ATTENTION_COLUMNS`."""
    no_number = gettext("(sans numéro)")
    resume = gettext("Reprendre")
    show = writers("invoicing:issued_detail")
    draft_urls = _draft_urls() if drafts else None

    def row(invoice) -> SafeString:
        draft = ""
        draft_url = draft_urls(invoice.pk) if draft_urls else None
        if draft_url:
            draft = format_html(
                '<br><a class="fr-link fr-link--sm fr-icon-edit-line fr-link--icon-left" '
                'href="{}" data-draft-edit="{}">{}</a>',
                draft_url,
                invoice.pk,
                resume,
            )
        supplier = ""
        if several_structures:
            supplier = format_html("<td>{}</td>", invoice.supplier__company_name)
        comment = ""
        if show_comment:
            text = Truncator(invoice.status_comment).chars(120) if invoice.status_comment else ""
            comment = format_html("<td>{}</td>\n", text or DASH)
        return format_html(
            '<tr data-invoice="{}">\n<td><a href="{}">{}</a>{}</td>\n{}'
            "<td>{}</td>\n<td>{}</td>\n<td>{}</td>\n<td>{}</td>\n{}</tr>\n",
            invoice.pk,
            show.url(invoice.pk),
            invoice.number or no_number,
            draft,
            supplier,
            invoice.recipient_name or DASH,
            show.money(invoice.amount_ttc, invoice.currency),
            show.badge(invoice.status),
            show.date(invoice.status_changed_at),
            comment,
        )

    return format_html_join("", "{}", ((row(invoice),) for invoice in invoices))


def acknowledgement_rows(invoices: Iterable, form_id: str) -> SafeString:
    """`<tr>`s of the LIF-6 list of invoices to acknowledge
    (`invoicing/issued/_acknowledgement_form.html`, in the pop-up of every page): the named
    tuples of `acknowledgements.ROW_COLUMNS`."""
    select = gettext("Acquitter la facture %(number)s")
    short_date, badge = date_maker(), badge_maker()

    def row(invoice) -> SafeString:
        label = mark_safe(select % {"number": conditional_escape(invoice.number)})  # noqa: S308
        comment = invoice.status_comment or DASH
        return format_html(
            '\n      <tr data-invoice="{}">\n'
            '        <td><div class="fr-checkbox-group fr-checkbox-group--sm">\n'
            '          <input type="checkbox" name="invoice" value="{}" id="{}-{}" checked>\n'
            '          <label class="fr-label" for="{}-{}"><span class="fr-sr-only">{}</span>'
            "</label>\n"
            "        </div></td>\n"
            "        <td>{}</td>\n"
            "        <td>{}</td>\n"
            "        <td>{}</td>\n"
            "        <td>{}</td>\n"
            "        <td>{}</td>\n"
            "      </tr>\n    ",
            invoice.pk,
            invoice.pk,
            form_id,
            invoice.pk,
            form_id,
            invoice.pk,
            label,
            invoice.number,
            invoice.recipient_name or DASH,
            badge(invoice.status),
            short_date(invoice.status_changed_at),
            Truncator(comment).chars(160),
        )

    return format_html_join("", "{}", ((row(invoice),) for invoice in invoices))
