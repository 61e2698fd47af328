"""The invoice PDF of portal entry (saisie, §5.2): the platform issues the invoice on the
supplier's behalf under the billing mandate (MAN-1), from the data typed in the form."""

from __future__ import annotations

from datetime import timedelta

from django.template.loader import render_to_string
from django.utils import timezone

from invoicing.documents.certificate import html_to_pdf
from invoicing.models import Invoice

INVOICE_TEMPLATE = "invoicing/documents/invoice.html"
# Mentions every invoice between professionals carries (code de commerce L. 441-9, L. 441-10,
# D. 441-5); for a public buyer the late-payment interest is the ECB rate plus 8 points
# (décret 2013-269, art. 8) and the fixed recovery fee is 40 euros.
LATE_PAYMENT_POINTS = 8
RECOVERY_FEE_EUROS = 40


def payment_due_date(invoice: Invoice):
    """The invoice date plus the recipient's payment period (DOMAIN §5.10)."""
    if invoice.invoice_date is None:
        return None
    days = invoice.recipient.payment_delay_days if invoice.recipient_id else 30
    return invoice.invoice_date + timedelta(days=days)


def render_invoice_pdf(invoice: Invoice) -> bytes:
    """The PDF of an entry-mode invoice (its lines and VAT recap must be saved)."""
    context = {
        "invoice": invoice,
        "lines": list(invoice.lines.all()),
        "vat_lines": list(invoice.vat_lines.all()),
        "generated_at": timezone.localtime(),
        "due_date": payment_due_date(invoice),
        "late_payment_points": LATE_PAYMENT_POINTS,
        "recovery_fee": RECOVERY_FEE_EUROS,
        "bank_account": invoice.bank_account,
    }
    return html_to_pdf(render_to_string(INVOICE_TEMPLATE, context))


def invoice_filename(invoice: Invoice) -> str:
    """≤ 50 characters (ATT-1): the number has at most 20."""
    return f"facture-{invoice.number or invoice.pk}.pdf".replace("/", "_")
