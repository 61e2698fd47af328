"""Hardened XML reading: no DTD, no entity expansion, no network, no huge trees (XXE, billion
laughs). E-invoices never need a DTD, so any DOCTYPE is refused outright."""

from __future__ import annotations

from typing import IO

from lxml import etree

import invoicing.recognition.errors as errors
from invoicing.recognition.errors import UnreadableFile

UBL_INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CII_NS = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"

UBL = "UBL"
CII = "CII"

_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "huge_tree": False,
    "load_dtd": False,
    "dtd_validation": False,
}


def hardened_parser() -> etree.XMLParser:
    """A new parser per call: lxml parsers must not be shared between threads."""
    return etree.XMLParser(remove_pis=True, collect_ids=False, **_PARSER_OPTIONS)


def _refuse_doctype(tree) -> None:
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.system_url:
        raise UnreadableFile(errors.XML_FORBIDDEN, code="xml_forbidden")


def syntax_of(root) -> tuple[str, str] | None:
    """(UBL|CII, root local name) for an e-invoice root element, else None."""
    qname = etree.QName(root)
    if qname.namespace == UBL_INVOICE_NS and qname.localname == "Invoice":
        return UBL, "Invoice"
    if qname.namespace == UBL_CREDIT_NOTE_NS and qname.localname == "CreditNote":
        return UBL, "CreditNote"
    if qname.namespace == CII_NS and qname.localname == "CrossIndustryInvoice":
        return CII, "CrossIndustryInvoice"
    return None


def parse(source: IO[bytes] | bytes):
    """The whole tree (for pre-fill), refused when malformed or carrying a DTD."""
    try:
        if isinstance(source, bytes):
            root = etree.fromstring(source, hardened_parser())
            tree = root.getroottree()
        else:
            tree = etree.parse(source, hardened_parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise UnreadableFile(errors.XML_INVALID, code="xml_invalid") from exc
    _refuse_doctype(tree)
    return tree.getroot()


def scan_root(fh: IO[bytes], *, whole: bool = True):
    """The root element's syntax, streaming: with `whole`, the document is read to its end
    (well-formedness) while every finished element is dropped, so memory stays flat."""
    context = etree.iterparse(fh, events=("start", "end"), remove_pis=True, **_PARSER_OPTIONS)
    root = None
    try:
        for event, element in context:
            if root is None:
                root = element
                _refuse_doctype(element.getroottree())
                if not whole:
                    break
            elif event == "end":
                element.clear()
                # The root's siblings are comments and processing instructions (the
                # official EN 16931 examples open with a comment): they have no parent
                # element to be deleted from, and are kept.
                parent = element.getparent()
                if parent is not None:
                    while element.getprevious() is not None:
                        del parent[0]
    except etree.XMLSyntaxError as exc:
        raise UnreadableFile(errors.XML_INVALID, code="xml_invalid") from exc
    if root is None:
        raise UnreadableFile(errors.XML_INVALID, code="xml_invalid")
    syntax = syntax_of(root)
    if syntax is None:
        raise UnreadableFile(errors.XML_OTHER_KIND, code="xml_other_kind")
    return syntax
