"""UBL 2.1 and CII D16B invoices (and the CII inside a Factur-X) to pre-fill data (FLW-7).

EN 16931 business terms, the same for both syntaxes. Values are read, not judged: the deposit
checks of §5.4 run on them afterwards, exactly as on typed values.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import invoicing.recognition.errors as errors
import invoicing.recognition.xmlsafe as xmlsafe
from invoicing.enums import VALIDATION_FRAMES, Frame
from invoicing.recognition.errors import UnreadableFile
from invoicing.rules.fields import bounded_amount

NS = {
    "rsm": xmlsafe.CII_NS,
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}
SIRET_SCHEME = "0009"
SIREN_SCHEME = "0002"
# UNTDID 1001 codes of credit notes; every other document code is an invoice (BT-3).
CREDIT_NOTE_CODES = frozenset({"381", "261", "262", "296", "308", "396", "420", "458", "532"})
DEFAULT_FRAME = "A1_FACTURE_FOURNISSEUR"  # FLW-7: BT-23 absent or unknown
VALIDATION_FRAME_CODES = frozenset(frame.value for frame in VALIDATION_FRAMES)
# Where a flow names the validator of an A9 / A12 invoice (VAL-1), see `_validator`.
UBL_VALIDATOR = "cac:SellerSupplierParty/cac:Party"
CII_VALIDATOR = "ram:SalesAgentTradeParty"
_SIRET = re.compile(r"\d{14}")
_SIREN = re.compile(r"\d{9}")


_FRAME_CODES = frozenset(Frame.values)  # `Frame.values` builds a list on each read
_FRAME_NAMES = frozenset(Frame.names)


def frame_of(value: str | None) -> str:
    """BT-23 → the frame's API code: "A9" and "A9_FACTURE_SOUSTRAITANT" both give the latter."""

    if value:
        cleaned = value.strip().upper()
        if cleaned in _FRAME_CODES:
            return cleaned
        if cleaned in _FRAME_NAMES:
            return Frame[cleaned].value
    return DEFAULT_FRAME


def _text(element, path: str) -> str | None:
    if element is None:
        return None
    found = element.find(path, NS)
    if found is None:
        return None
    # itertext() skips comments and processing instructions inside the value.
    return "".join(found.itertext()).strip() or None


def _decimal(value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        return None
    # Issue 9: 1E+30 or Infinity would break every later opening of the deposit form.
    return bounded_amount(number)


def _iso_date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _cii_date(element, path: str) -> datetime.date | None:
    node = element.find(path, NS) if element is not None else None
    if node is None or not node.text:
        return None
    text = node.text.strip()
    try:
        if node.get("format", "102") == "102" and len(text) == 8:
            return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None
    return _iso_date(text)


def party_identifiers(candidates) -> tuple[str | None, str | None]:
    """(SIRET, SIREN) of a party (BT-30 / BT-47 and their alternatives), each or None.

    A SIRET is 14 digits under scheme 0009, under 0002 (ISO 6523 "SIRENE": many French
    files write the SIRET, i.e. SIREN + NIC, there) or with no scheme at all. A SIREN is
    9 digits under 0002: it names a legal unit, not an establishment, so the caller
    matches it only when one structure fits (`invoicing.parties.resolve_siren`).
    The first SIRET wins over any SIREN, whatever their order in the file."""
    siren = None
    for node in candidates:
        if node is None:
            continue
        value = "".join(node.itertext()).strip().replace(" ", "").replace("\u00a0", "")
        scheme = (node.get("schemeID") or "").strip()
        if scheme in (SIRET_SCHEME, SIREN_SCHEME, "") and _SIRET.fullmatch(value):
            return value, None
        if scheme == SIREN_SCHEME and siren is None and _SIREN.fullmatch(value):
            siren = value
    return None, siren


def _party(role: str, candidates) -> dict[str, str | None]:
    siret, siren = party_identifiers(candidates)
    return {f"{role}_siret": siret, f"{role}_siren": siren}


def _validator(frame: str, candidates) -> dict[str, str | None]:
    """VAL-1 for a flow: the validator (titulaire of an A9, mandataire of an A12) is the
    party that sells on the contract for the depositing subcontractor or co-contractor:
    UBL `cac:SellerSupplierParty`, CII `ram:SalesAgentTradeParty` (product decision; the
    same identifiers as BT-30 are read there). Other frames have no validator."""
    if frame not in VALIDATION_FRAME_CODES:
        return {"validator_siret": None, "validator_siren": None}
    return _party("validator", candidates)


def _invoice_type(code: str | None, credit_note_root: bool = False) -> str | None:
    if credit_note_root:
        return "AVOIR"
    if code is None:
        return None
    return "AVOIR" if code in CREDIT_NOTE_CODES else "FACTURE"


def _tax_amount(nodes, currency: str | None) -> Decimal | None:
    """BT-110: the tax total in the invoice currency (BT-111, in accounting currency, is not)."""
    for node in nodes:
        if currency is None or node.get("currencyID") in (None, currency):
            return _decimal(node.text)
    return None


def parse_invoice_xml(source) -> dict[str, Any]:
    """Pre-fill fields from UBL or CII bytes / binary file; UnreadableFile when refused."""
    return values_of(xmlsafe.parse(source))


def values_of(root) -> dict[str, Any]:
    """The FLW-7 values of a parsed UBL or CII root (the flows parse once, validate the
    tree against its schema, then read it here)."""
    syntax = xmlsafe.syntax_of(root)
    if syntax is None:
        raise UnreadableFile(errors.XML_OTHER_KIND, code="xml_other_kind")
    return _from_cii(root) if syntax[0] == xmlsafe.CII else _from_ubl(root, syntax[1])


def _from_cii(root) -> dict[str, Any]:
    document = root.find("rsm:ExchangedDocument", NS)
    transaction = root.find("rsm:SupplyChainTradeTransaction", NS)
    agreement = (
        transaction.find("ram:ApplicableHeaderTradeAgreement", NS)
        if transaction is not None
        else None
    )
    settlement = (
        transaction.find("ram:ApplicableHeaderTradeSettlement", NS)
        if transaction is not None
        else None
    )
    seller = agreement.find("ram:SellerTradeParty", NS) if agreement is not None else None
    buyer = agreement.find("ram:BuyerTradeParty", NS) if agreement is not None else None
    validator = agreement.find(CII_VALIDATOR, NS) if agreement is not None else None
    totals = (
        settlement.find("ram:SpecifiedTradeSettlementHeaderMonetarySummation", NS)
        if settlement is not None
        else None
    )
    currency = _text(settlement, "ram:InvoiceCurrencyCode")
    process = _text(
        root,
        "rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID",
    )

    def parties(party):
        if party is None:
            return []
        return [
            *party.findall("ram:SpecifiedLegalOrganization/ram:ID", NS),
            *party.findall("ram:GlobalID", NS),
            *party.findall("ram:ID", NS),
        ]

    lines = []
    for item in (
        transaction.findall("ram:IncludedSupplyChainTradeLineItem", NS)
        if transaction is not None
        else []
    ):
        quantity = item.find("ram:SpecifiedLineTradeDelivery/ram:BilledQuantity", NS)
        lines.append(
            {
                "line_id": _text(item, "ram:AssociatedDocumentLineDocument/ram:LineID"),
                "designation": _text(item, "ram:SpecifiedTradeProduct/ram:Name"),
                "quantity": _decimal(quantity.text)
                if quantity is not None and quantity.text
                else None,
                "unit": quantity.get("unitCode") if quantity is not None else None,
                "unit_price": _decimal(
                    _text(
                        item,
                        "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount",
                    )
                ),
                "vat_category": _text(
                    item, "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode"
                ),
                "vat_rate": _decimal(
                    _text(
                        item,
                        "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:RateApplicablePercent",
                    )
                ),
                "amount": _decimal(
                    _text(
                        item,
                        "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
                    )
                ),
            }
        )
    vat_lines = [
        {
            "category": _text(tax, "ram:CategoryCode"),
            "rate": _decimal(_text(tax, "ram:RateApplicablePercent")),
            "base": _decimal(_text(tax, "ram:BasisAmount")),
            "amount": _decimal(_text(tax, "ram:CalculatedAmount")),
            "exemption_reason": _text(tax, "ram:ExemptionReason"),
        }
        for tax in (
            settlement.findall("ram:ApplicableTradeTax", NS) if settlement is not None else []
        )
    ]
    return {
        "invoice_number": _text(document, "ram:ID"),
        "invoice_date": _cii_date(document, "ram:IssueDateTime/udt:DateTimeString"),
        "invoice_type": _invoice_type(_text(document, "ram:TypeCode")),
        "currency": currency,
        "service_code": _text(agreement, "ram:BuyerReference"),
        "market_number": _text(agreement, "ram:ContractReferencedDocument/ram:IssuerAssignedID"),
        "engagement_number": _text(
            agreement, "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"
        ),
        "frame": frame_of(process),
        "frame_raw": process,
        "original_invoice_number": _text(
            settlement, "ram:InvoiceReferencedDocument/ram:IssuerAssignedID"
        ),
        "supplier_name": _text(seller, "ram:Name"),
        **_party("supplier", parties(seller)),
        "recipient_name": _text(buyer, "ram:Name"),
        **_party("recipient", parties(buyer)),
        **_validator(frame_of(process), parties(validator)),
        "payment_means": _text(settlement, "ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode"),
        "supplier_iban": _text(
            settlement,
            "ram:SpecifiedTradeSettlementPaymentMeans/ram:PayeePartyCreditorFinancialAccount/ram:IBANID",
        ),
        "due_date": _cii_date(
            settlement, "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString"
        ),
        "comment": _text(document, "ram:IncludedNote/ram:Content"),
        "amount_ht": _decimal(_text(totals, "ram:TaxBasisTotalAmount")),
        "amount_tva": _tax_amount(
            totals.findall("ram:TaxTotalAmount", NS) if totals is not None else [], currency
        ),
        "amount_ttc": _decimal(_text(totals, "ram:GrandTotalAmount")),
        "amount_to_pay": _decimal(_text(totals, "ram:DuePayableAmount")),
        "lines": lines,
        "vat_lines": vat_lines,
    }


def _from_ubl(root, root_name: str) -> dict[str, Any]:
    credit_note = root_name == "CreditNote"
    seller = root.find("cac:AccountingSupplierParty/cac:Party", NS)
    buyer = root.find("cac:AccountingCustomerParty/cac:Party", NS)
    validator = root.find(UBL_VALIDATOR, NS)
    totals = root.find("cac:LegalMonetaryTotal", NS)
    currency = _text(root, "cbc:DocumentCurrencyCode")
    process = _text(root, "cbc:ProfileID")

    def parties(party):
        if party is None:
            return []
        return [
            *party.findall("cac:PartyLegalEntity/cbc:CompanyID", NS),
            *party.findall("cac:PartyIdentification/cbc:ID", NS),
            *party.findall("cbc:EndpointID", NS),
        ]

    def name_of(party):
        return _text(party, "cac:PartyLegalEntity/cbc:RegistrationName") or _text(
            party, "cac:PartyName/cbc:Name"
        )

    line_tag, quantity_tag = (
        ("cac:CreditNoteLine", "cbc:CreditedQuantity")
        if credit_note
        else ("cac:InvoiceLine", "cbc:InvoicedQuantity")
    )
    lines = []
    for item in root.findall(line_tag, NS):
        quantity = item.find(quantity_tag, NS)
        lines.append(
            {
                "line_id": _text(item, "cbc:ID"),
                "designation": _text(item, "cac:Item/cbc:Name"),
                "quantity": _decimal(quantity.text)
                if quantity is not None and quantity.text
                else None,
                "unit": quantity.get("unitCode") if quantity is not None else None,
                "unit_price": _decimal(_text(item, "cac:Price/cbc:PriceAmount")),
                "vat_category": _text(item, "cac:Item/cac:ClassifiedTaxCategory/cbc:ID"),
                "vat_rate": _decimal(_text(item, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent")),
                "amount": _decimal(_text(item, "cbc:LineExtensionAmount")),
            }
        )
    tax_totals = root.findall("cac:TaxTotal", NS)
    vat_lines = [
        {
            "category": _text(sub, "cac:TaxCategory/cbc:ID"),
            "rate": _decimal(_text(sub, "cac:TaxCategory/cbc:Percent")),
            "base": _decimal(_text(sub, "cbc:TaxableAmount")),
            "amount": _decimal(_text(sub, "cbc:TaxAmount")),
            "exemption_reason": _text(sub, "cac:TaxCategory/cbc:TaxExemptionReason"),
        }
        for total in tax_totals
        for sub in total.findall("cac:TaxSubtotal", NS)
    ]
    type_code = _text(root, "cbc:CreditNoteTypeCode" if credit_note else "cbc:InvoiceTypeCode")
    return {
        "invoice_number": _text(root, "cbc:ID"),
        "invoice_date": _iso_date(_text(root, "cbc:IssueDate")),
        "invoice_type": _invoice_type(type_code, credit_note_root=credit_note),
        "currency": currency,
        "service_code": _text(root, "cbc:BuyerReference"),
        "market_number": _text(root, "cac:ContractDocumentReference/cbc:ID"),
        "engagement_number": _text(root, "cac:OrderReference/cbc:ID"),
        "frame": frame_of(process),
        "frame_raw": process,
        "original_invoice_number": _text(
            root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID"
        ),
        "supplier_name": name_of(seller),
        **_party("supplier", parties(seller)),
        "recipient_name": name_of(buyer),
        **_party("recipient", parties(buyer)),
        **_validator(frame_of(process), parties(validator)),
        "payment_means": _text(root, "cac:PaymentMeans/cbc:PaymentMeansCode"),
        "supplier_iban": _text(root, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID"),
        "due_date": _iso_date(
            _text(root, "cbc:DueDate") or _text(root, "cac:PaymentMeans/cbc:PaymentDueDate")
        ),
        "comment": _text(root, "cbc:Note"),
        "amount_ht": _decimal(_text(totals, "cbc:TaxExclusiveAmount")),
        "amount_tva": _tax_amount(
            [
                t.find("cbc:TaxAmount", NS)
                for t in tax_totals
                if t.find("cbc:TaxAmount", NS) is not None
            ],
            currency,
        ),
        "amount_ttc": _decimal(_text(totals, "cbc:TaxInclusiveAmount")),
        "amount_to_pay": _decimal(_text(totals, "cbc:PayableAmount")),
        "lines": lines,
        "vat_lines": vat_lines,
    }
