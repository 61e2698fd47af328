"""The invoice PDF of portal entry (saisie, §5.2): the platform issues the invoice on the
supplier's behalf under the billing mandate (MAN-1), from the data typed in the form."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from invoicing.documents.certificate import html_to_pdf
from invoicing.models import Invoice

INVOICE_TEMPLATE = "invoicing/documents/invoice.html"


def render_invoice_pdf(invoice: Invoice) -> bytes:
    """The PDF of an entry-mode invoice (its lines and VAT recap must be saved)."""
    context = {
        "invoice": invoice,
        "lines": list(invoice.lines.all()),
        "vat_lines": list(invoice.vat_lines.all()),
        "generated_at": timezone.localtime(),
    }
    return html_to_pdf(render_to_string(INVOICE_TEMPLATE, context))


def invoice_filename(invoice: Invoice) -> str:
    """≤ 50 characters (ATT-1): the number has at most 20."""
    return f"facture-{invoice.number or invoice.pk}.pdf".replace("/", "_")
