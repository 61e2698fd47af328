"""FLW-8: the files of an integrated invoice. A Factur-X PDF is the main attachment; an E1
XML is, and gets a PDF rendered from its data after commit; embedded files become
complementary attachments, each checked under §5.5 like any upload."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from flows.mapping import pdf_attachments, xml_attachments
from invoicing.documents.attachments import attachment_row
from invoicing.documents.certificate import html_to_pdf
from invoicing.documents.files import (
    MAX_NAME_LENGTH,
    delete_stored,
    extension_of,
    sanitize_filename,
    sha256_of_contents,
    store_upload,
    validate_attachment,
)
from invoicing.enums import AttachmentType
from invoicing.models import Attachment

E1_TEMPLATE = "flows/documents/invoice.html"


class RefusedAttachment(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def short_name(name: str, extension: str) -> str:
    """ATT-1: at most 50 characters, the extension kept."""
    name = sanitize_filename(name or "")
    if extension_of(name) != extension:
        name = f"{name.rsplit('.', 1)[0] if '.' in name else name}.{extension}"
    if len(name) <= MAX_NAME_LENGTH:
        return name
    stem = name[: -(len(extension) + 1)]
    return f"{stem[: MAX_NAME_LENGTH - len(extension) - 1]}.{extension}"


def render_e1_pdf(values: dict, flow) -> bytes:
    """FLW-8: the PDF of an E1 (XML-only) invoice, from its own data."""
    context = {"values": values, "flow": flow, "generated_at": timezone.localtime()}
    return html_to_pdf(render_to_string(E1_TEMPLATE, context))


def _store(content: bytes, name: str, *, flow, stored: list, **fields) -> Attachment:
    """The file written under MEDIA_ROOT and its row, unsaved: the lot's rows are written
    together with their invoices (`invoicing.deposit.bulk`)."""
    saved = store_upload(
        ContentFile(content, name=name), subdir=f"flows/{timezone.localdate():%Y/%m}/invoices"
    )
    stored.append(saved.path)
    return attachment_row(saved, invoice=None, actor=flow.created_by, name=name, **fields)


def store_invoice_files(flow, item, values: dict, root, *, stored: list):
    """(main, complementary attachments, the dossier's fingerprint): their files written,
    their rows not yet (the caller saves them with the invoice). `stored` collects the paths written, for the
    caller to forget on failure.

    The main file is the Factur-X PDF, or for E1 the XML itself (the invoice that counts);
    E1's PDF and the certificates are rendered after commit (`complete_documents`): two
    WeasyPrint renderings per invoice would divide the integration's throughput by ten."""
    is_facturx = item.pdf is not None
    main = _store(
        item.pdf if is_facturx else item.xml,
        short_name(item.name, "pdf" if is_facturx else "xml"),
        flow=flow,
        stored=stored,
        content_type="application/pdf" if is_facturx else "application/xml",
        is_main=True,
        designation=_("Facture"),
    )
    extras = []
    embedded = list(xml_attachments(root))
    if is_facturx and item.detected.embeds_others:  # else no need to open the PDF again
        embedded += pdf_attachments(item.pdf, item.detected.embedded_xml_name)
    for document in embedded:
        upload = ContentFile(document.data, name=document.name)
        try:
            checked = validate_attachment(upload)
        except ValidationError as exc:
            raise RefusedAttachment(
                _("La pièce jointe « %(name)s » est refusée : %(reason)s")
                % {"name": document.name[:60], "reason": exc.messages[0]}
            ) from exc
        extras.append(
            _store(
                document.data,
                short_name(document.name, checked.extension),
                flow=flow,
                stored=stored,
                content_type=checked.content_type,
                designation=(document.description or document.name)[:100],
                attachment_type=AttachmentType.AUTRE,
            )
        )
    contents = [item.pdf if is_facturx else item.xml, *(d.data for d in embedded)]
    return main, extras, sha256_of_contents(contents)


def forget(paths: list) -> None:
    """The files of an invoice whose integration was rolled back."""
    for path in paths:
        delete_stored(path)


def complete_documents(flow) -> int:
    """After integration: each E1 invoice gets its PDF (FLW-8), then every invoice its
    deposit certificate (DEP-4), the dossier fingerprint counting the PDF. Idempotent: an
    invoice with a certificate is done. Returns the number of invoices completed."""
    from invoicing.documents.certificate import store_certificate
    from invoicing.documents.files import sha256_of_paths
    from invoicing.models import Invoice
    from invoicing.recognition import xmlsafe
    from invoicing.recognition.structured import values_of

    done = 0
    for link in flow.integrated.filter(invoice__certificate_file="").order_by("position"):
        with transaction.atomic():
            invoice = Invoice.objects.select_for_update(of=("self",)).get(pk=link.invoice_id)
            if invoice.certificate_file:
                continue
            main = invoice.attachments.filter(is_main=True).first()
            if main is not None and main.content_type == "application/xml":
                values = values_of(
                    xmlsafe.parse((Path(settings.MEDIA_ROOT) / main.path).read_bytes())
                )
                pdf = _store(
                    render_e1_pdf(values, flow),
                    short_name(f"facture-{invoice.number}", "pdf"),
                    flow=flow,
                    stored=[],
                    content_type="application/pdf",
                    designation=_("Facture (représentation PDF)"),
                    attachment_type=AttachmentType.AUTRE,
                )
                pdf.invoice = invoice
                pdf.save(force_insert=True)
            paths = [a.path for a in invoice.attachments.order_by("-is_main", "pk")]
            invoice.dossier_sha256 = sha256_of_paths(paths)
            invoice.save(update_fields=["dossier_sha256", "updated_at"])
            store_certificate(invoice)
        done += 1
    return done
