"""The rows of the commitments list (EJ-2 / EJ-3), rendered in Python like the invoice
lists (issue 10: a list page's CPU): the template resolved ~30 variables, two includes and
a translated display per row. Same markup, every value escaped with `format_html`."""

from __future__ import annotations

from collections.abc import Iterable

from django.template.defaultfilters import floatformat
from django.utils import formats
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from commitments.models import Commitment
from invoicing.display import date_maker, url_maker
from invoicing.models import Invoice
from portal.html import format_html, format_html_join

DASH = "—"


def _labels(model, field: str) -> dict[str, str]:
    """Choice code → label in the active language, translated once for a whole table."""
    return {str(value): str(label) for value, label in model._meta.get_field(field).flatchoices}


def commitment_rows(commitments: Iterable[Commitment], supplier_side: bool) -> SafeString:
    """`<tr>`s of `commitments/index.html` (`invoice_links` prefetched on the supplier's
    side, `invoice_count` annotated on the recipient's)."""
    types = _labels(Commitment, "commitment_type")
    answers = _labels(Commitment, "supplier_answer")
    statuses = _labels(Invoice, "status")
    active = format_html(
        '<span class="fr-badge fr-badge--success fr-badge--sm fr-badge--no-icon" '
        'data-state="COMMANDE">{}</span>',
        gettext("Actif"),
    )
    inactive = format_html(
        '<span class="fr-badge fr-badge--sm fr-badge--no-icon" data-state="INACTIF">{}</span>',
        gettext("Inactif"),
    )
    waiting = format_html(
        '<span class="fr-badge fr-badge--info fr-badge--sm fr-badge--no-icon" '
        'data-answer="">{}</span>',
        gettext("En attente"),
    )
    answer_class = {"ACCEPTEE": "fr-badge--success", "REFUSEE": "fr-badge--error"}
    detail_url, short_date = url_maker("commitments:detail"), date_maker()

    def answer(item: Commitment):
        css = answer_class.get(item.supplier_answer)
        if css is None:
            return waiting
        return format_html(
            '<span class="fr-badge {} fr-badge--sm" data-answer="{}">{}</span>',
            css,
            item.supplier_answer,
            answers.get(item.supplier_answer, item.supplier_answer),
        )

    def invoices(item: Commitment):
        if not supplier_side:
            return formats.localize(item.invoice_count)
        links = list(item.invoice_links.all())
        if not links:
            return DASH
        return format_html_join(
            "<br>",
            '{} <span class="fr-text--xs">({})</span>',
            (
                (link.invoice.number, statuses.get(link.invoice.status, link.invoice.status))
                for link in links
            ),
        )

    def row(item: Commitment) -> SafeString:
        label = ""
        if item.label:
            label = format_html('<br><span class="fr-text--xs">{}</span>', item.label)
        if supplier_side:
            party = format_html(
                '<td>{}<br><span class="fr-text--xs">{}</span></td>\n      ',
                item.recipient.company_name,
                item.recipient.identifier,
            )
        else:
            party = format_html(
                '<td>{}<br><span class="fr-text--xs">{}</span></td>',
                item.supplier.company_name,
                item.supplier_identifier,
            )
        return format_html(
            '\n    <tr data-commitment="{}">\n'
            '      <td><a class="fr-link" href="{}">{}</a>{}</td>\n'
            "      <td>{}</td>\n"
            "      {}\n"
            "      <td>{}</td>\n"
            '      <td class="fr-cell--right">{} {}</td>\n'
            "      <td>{}</td>\n"
            "      <td>{}\n</td>\n"
            "      <td>{}\n</td>\n"
            "      <td>{}</td>\n"
            "    </tr>\n  ",
            item.number,
            detail_url(item.pk),
            item.number,
            label,
            types.get(item.commitment_type, item.commitment_type),
            party,
            item.service.code if item.service_id and item.service else DASH,
            floatformat(item.amount_ht, "2g"),
            item.currency,
            short_date(item.date),
            active if item.is_active else inactive,
            answer(item),
            invoices(item),
        )

    return format_html_join("", "{}", ((row(item),) for item in commitments))
