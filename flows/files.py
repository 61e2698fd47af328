"""FLW-8: the files of an integrated invoice. A Factur-X PDF is the main attachment; an E1
XML gets a PDF rendered from its data (and is kept beside it); embedded files become
complementary attachments, each checked under §5.5 like any upload."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from flows.mapping import pdf_attachments, xml_attachments
from invoicing.documents.attachments import store_attachment
from invoicing.documents.certificate import html_to_pdf
from invoicing.documents.files import (
    MAX_NAME_LENGTH,
    delete_stored,
    extension_of,
    sanitize_filename,
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
    attachment = store_attachment(
        ContentFile(content, name=name),
        subdir=f"flows/{timezone.localdate():%Y/%m}/invoices",
        invoice=None,
        actor=flow.created_by,
        name=name,
        **fields,
    )
    stored.append(attachment.path)
    return attachment


def store_invoice_files(flow, item, values: dict, root, *, stored: list):
    """(main, complementary attachments), stored unlinked for `send_invoice` to link.
    `stored` collects the paths written, for the caller to forget on failure."""
    number = values.get("invoice_number") or "facture"
    if item.pdf is not None:
        main = _store(
            item.pdf,
            short_name(item.name, "pdf"),
            flow=flow,
            stored=stored,
            content_type="application/pdf",
            is_main=True,
        )
    else:
        main = _store(
            render_e1_pdf(values, flow),
            short_name(f"facture-{number}", "pdf"),
            flow=flow,
            stored=stored,
            content_type="application/pdf",
            is_main=True,
        )
    extras = []
    if item.pdf is None:
        extras.append(
            _store(
                item.xml,
                short_name(item.name, "xml"),
                flow=flow,
                stored=stored,
                content_type="application/xml",
                designation=_("Facture structurée (XML)"),
                attachment_type=AttachmentType.AUTRE,
            )
        )
    embedded = list(xml_attachments(root))
    if item.pdf is not None:
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
    return main, extras


def forget(paths: list) -> None:
    """The files of an invoice whose integration was rolled back."""
    for path in paths:
        delete_stored(path)
