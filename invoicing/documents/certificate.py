"""The deposit certificate (certificat de dépôt, DEP-4): a PDF made with WeasyPrint.

It states the deposit date and time (Europe/Paris), the parties, the invoice number, frame,
type and amounts, the dossier's files with their sizes, and the SHA-256 fingerprint of the
deposited dossier. The PDF is stored once, at sending; the SHA-256 of its bytes is the API's
`empreinteCertificatDepot`.

Kept small and fast: one page of plain HTML, a system font, no remote resource (WeasyPrint is
given no base URL and every `url()` fetch is refused).
"""

from __future__ import annotations

import hashlib
import logging

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone

from invoicing.documents.attachments import dossier_size
from invoicing.documents.files import store_upload
from invoicing.enums import Frame
from invoicing.models import Invoice

CERTIFICATE_TEMPLATE = "invoicing/documents/certificate.html"


def _no_fetch(url: str, *args, **kwargs):
    """The certificate embeds nothing remote (and nothing local either)."""
    raise ValueError(f"External resource refused: {url}")


def html_to_pdf(html: str) -> bytes:
    """WeasyPrint, imported here only: a page that never prints a PDF never loads it."""
    from weasyprint import HTML

    # WeasyPrint logs every rendering step at INFO; a certificate per deposit is not news.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()


def certificate_context(invoice: Invoice) -> dict:
    deposited = timezone.localtime(invoice.deposited_at or timezone.now())
    attachments = list(invoice.attachments.order_by("-is_main", "id"))
    try:
        frame_label = Frame(invoice.frame).label
    except ValueError:
        frame_label = invoice.frame
    return {
        "invoice": invoice,
        "deposited_at": deposited,
        "frame_label": frame_label,
        "attachments": attachments,
        "dossier_size": dossier_size(attachments),
        "generated_at": timezone.localtime(),
    }


def render_certificate_pdf(invoice: Invoice) -> bytes:
    """The certificate of a sent invoice, as PDF bytes."""
    html = render_to_string(CERTIFICATE_TEMPLATE, certificate_context(invoice))
    return html_to_pdf(html)


def store_certificate(invoice: Invoice) -> Invoice:
    """Render, store under MEDIA_ROOT and record path and fingerprint on the invoice."""

    pdf = render_certificate_pdf(invoice)
    deposited = timezone.localtime(invoice.deposited_at or timezone.now())
    stored = store_upload(
        ContentFile(pdf, name="certificat.pdf"), subdir=f"certificates/{deposited:%Y/%m}"
    )
    invoice.certificate_file = stored.path
    invoice.certificate_sha256 = hashlib.sha256(pdf).hexdigest()
    invoice.save(update_fields=["certificate_file", "certificate_sha256", "updated_at"])
    return invoice


def certificate_filename(invoice: Invoice) -> str:
    number = invoice.number or str(invoice.pk)
    return f"certificat-depot-{number}.pdf"
