"""`telecharger/groupe` format PIVOT: the invoice data as a UBL 2.1 Invoice (API.md §6.14)."""

from __future__ import annotations

from lxml import etree

from api.formats import number

UBL = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS = {None: UBL, "cbc": CBC, "cac": CAC}


def _cbc(parent, name: str, value, **attrs):
    element = etree.SubElement(parent, f"{{{CBC}}}{name}", **attrs)
    element.text = "" if value is None else str(value)
    return element


def _cac(parent, name: str):
    return etree.SubElement(parent, f"{{{CAC}}}{name}")


def _party(parent, role: str, identifier: str, name: str):
    party = _cac(_cac(parent, role), "Party")
    ident = _cac(party, "PartyIdentification")
    _cbc(ident, "ID", identifier, schemeID="0009")
    _cbc(_cac(party, "PartyName"), "Name", name)


def ubl_invoice(invoice) -> bytes:
    root = etree.Element(f"{{{UBL}}}Invoice", nsmap=NS)
    _cbc(root, "CustomizationID", "urn:cen.eu:en16931:2017")
    _cbc(root, "ID", invoice.number)
    _cbc(root, "IssueDate", invoice.invoice_date.isoformat() if invoice.invoice_date else "")
    _cbc(root, "InvoiceTypeCode", "381" if invoice.invoice_type == "AVOIR" else "380")
    if invoice.comment:
        _cbc(root, "Note", invoice.comment)
    _cbc(root, "DocumentCurrencyCode", invoice.currency)
    if invoice.engagement_number:
        _cbc(_cac(root, "OrderReference"), "ID", invoice.engagement_number)
    _party(root, "AccountingSupplierParty", invoice.supplier_identifier, invoice.supplier_name)
    _party(root, "AccountingCustomerParty", invoice.recipient_identifier, invoice.recipient_name)
    currency = {"currencyID": invoice.currency}
    tax = _cac(root, "TaxTotal")
    _cbc(tax, "TaxAmount", number(invoice.amount_tva), **currency)
    for vat in invoice.vat_lines.all():
        sub = _cac(tax, "TaxSubtotal")
        _cbc(sub, "TaxableAmount", number(vat.base_ht), **currency)
        _cbc(sub, "TaxAmount", number(vat.amount_tva), **currency)
        _cbc(_cac(sub, "TaxCategory"), "Percent", number(vat.rate))
    totals = _cac(root, "LegalMonetaryTotal")
    _cbc(totals, "TaxExclusiveAmount", number(invoice.amount_ht), **currency)
    _cbc(totals, "TaxInclusiveAmount", number(invoice.amount_ttc), **currency)
    _cbc(totals, "PayableAmount", number(invoice.amount_to_pay), **currency)
    for line in invoice.lines.all():
        item = _cac(root, "InvoiceLine")
        _cbc(item, "ID", line.position)
        _cbc(item, "InvoicedQuantity", number(line.quantity), unitCode="C62")
        _cbc(item, "LineExtensionAmount", number(line.amount_ht), **currency)
        _cbc(_cac(item, "Item"), "Name", line.designation)
        _cbc(_cac(item, "Price"), "PriceAmount", number(line.unit_price), **currency)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
