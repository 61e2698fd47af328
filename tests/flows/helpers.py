"""Structured invoices and lots for the flow tests, written by the corpus writers."""

from __future__ import annotations

from django.core.files.base import ContentFile

from tests.invoicing import samples
from tests.invoicing.recognition.corpus.spec import Case
from tests.invoicing.recognition.corpus.writers import cii, ubl


def invoice_xml(supplier, recipient, *, syntax="CII", **kw) -> bytes:
    case = Case(
        "flow",
        syntax=syntax,
        seller_ids=kw.pop("seller_ids", [("0009", supplier.identifier)]),
        buyer_ids=kw.pop("buyer_ids", [("0009", recipient.identifier)]),
        buyer_reference=kw.pop("buyer_reference", None),
        order=kw.pop("order", None),
        **kw,
    )
    return (cii if syntax == "CII" else ubl)(case).encode()


def facturx(xml: bytes, level: str = "en16931", attachments: dict | None = None) -> bytes:
    from facturx import generate_from_binary

    visible = samples.pdf_from_pages(samples.lines("Facture", "Données structurées jointes."))
    extra = {name: {"filedata": data} for name, data in (attachments or {}).items()}
    return generate_from_binary(
        visible, xml, flavor="factur-x", level=level, check_xsd=True, attachments=extra or None
    )


def upload(content: bytes, name: str = "flux.xml") -> ContentFile:
    return ContentFile(content, name=name)
