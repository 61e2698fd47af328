"""The invoice PDF of portal entry (saisie, §5.2): the platform issues the invoice on the
supplier's behalf under the billing mandate (MAN-1), from the data typed in the form."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.documents.attachments import store_attachment
from invoicing.documents.certificate import html_to_pdf
from invoicing.documents.files import sha256_of_paths
from invoicing.enums import ENTRY_MODES, InvoiceStatus
from invoicing.indexes import ENTRY_PDF_PENDING
from invoicing.models import Attachment, Invoice

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


def missing_entry_pdfs():
    """Invoices entered as data (portal or API), sent, still without their generated PDF (the task
    did not run: a broker outage); the periodic sweep renders them. Their dossier has no
    fingerprint yet (`store_entry_invoice_pdf` writes it with the PDF): the sweep reads the
    partial index of those few rows, not the whole table (issue 10: a full scan of 2,000,000
    invoices every five minutes)."""
    return Invoice.objects.filter(ENTRY_PDF_PENDING).exclude(attachments__is_main=True)


def store_entry_invoice_pdf(invoice_id: int) -> Attachment | None:
    """Entry mode: the platform issues the invoice PDF (MAN-1) and keeps it as the main
    file, then fingerprints the dossier. Run by a Celery task after the deposit commits
    (issue 10: no PDF rendering in the deposit request; the invoice is usable at once).
    Idempotent: an invoice that has its main file is left alone."""
    with transaction.atomic():
        invoice = (
            Invoice.objects.select_for_update(of=("self",))
            .filter(pk=invoice_id, deposit_mode__in=ENTRY_MODES)
            .exclude(status=InvoiceStatus.BROUILLON)
            .first()
        )
        if invoice is None or invoice.attachments.filter(is_main=True).exists():
            return None
        name = invoice_filename(invoice)
        main = store_attachment(
            ContentFile(render_invoice_pdf(invoice), name=name),
            subdir=f"invoices/{timezone.localdate(invoice.deposited_at):%Y/%m}",
            invoice=invoice,
            actor=invoice.created_by,
            content_type="application/pdf",
            is_main=True,
            name=name,
            designation=str(_("Facture")),
        )
        others = invoice.attachments.exclude(pk=main.pk).order_by("pk")
        invoice.dossier_sha256 = sha256_of_paths([main.path, *(a.path for a in others)])
        invoice.save(update_fields=["dossier_sha256", "updated_at"])
        return main
