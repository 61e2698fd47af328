"""UBL 2.1 and CII D16B writers of the corpus, in the styles real software writes."""

from __future__ import annotations

from decimal import Decimal as D

from tests.invoicing.recognition.corpus.spec import CEN, IBAN, NS_CII, NS_UBL, Case, money

# --- CII ------------------------------------------------------------------------------


def _el(p: dict, tag: str) -> str:
    prefix, name = tag.split(":")
    prefix = p.get(prefix, prefix)
    return f"{prefix}:{name}" if prefix else name


def cii(case: Case) -> str:
    p = {"rsm": "rsm", "ram": "ram", "udt": "udt", "qdt": "qdt", **case.prefixes}
    t = lambda tag: _el(p, tag)  # noqa: E731

    def e(tag, content, **attrs):
        a = "".join(f' {k}="{v}"' for k, v in attrs.items())
        return f"<{t(tag)}{a}>{content}</{t(tag)}>"

    full = case.level not in ("minimum", "basicwl")
    wl = case.level != "minimum"

    def party(name, ids, buyer):
        out = []
        if not buyer or case.level != "minimum":
            out += [e("ram:GlobalID", v, schemeID=s) for s, v in ids if s and s != "0002"]
            out += [e("ram:ID", v) for s, v in ids if not s]
        if case.level == "minimum":
            out = []
        out.append(e("ram:Name", name))
        legal = [v for s, v in ids if s == "0002"] or (
            [] if case.level != "minimum" else [ids[0][1]]
        )
        if legal:
            out.append(e("ram:SpecifiedLegalOrganization", e("ram:ID", legal[0], schemeID="0002")))
        if not buyer:
            out.append(e("ram:PostalTradeAddress", e("ram:CountryID", "FR")))
            out.append(
                e("ram:SpecifiedTaxRegistration", e("ram:ID", "FR32442293775", schemeID="VA"))
            )
        elif full:
            out.append(e("ram:PostalTradeAddress", e("ram:CountryID", "FR")))
        return "".join(out)

    context = ""
    if case.process:
        context += e(
            "ram:BusinessProcessSpecifiedDocumentContextParameter", e("ram:ID", case.process)
        )
    context += e(
        "ram:GuidelineSpecifiedDocumentContextParameter", e("ram:ID", case.guideline or CEN)
    )
    doc = e("ram:ID", case.number) + e("ram:TypeCode", case.type_code)
    doc += e("ram:IssueDateTime", e("udt:DateTimeString", case.date.replace("-", ""), format="102"))
    if wl:
        doc += e(
            "ram:IncludedNote", e("ram:Content", "Facture <!-- note --> générée par le corpus")
        )
    items = ""
    if full:
        for n, (name, qty, price, rate) in enumerate(case.lines, 1):
            amount = money(D(qty) * D(price))
            tax = e("ram:TypeCode", "VAT") + e("ram:CategoryCode", "E" if case.exempt else "S")
            tax += e("ram:RateApplicablePercent", rate)
            items += e(
                "ram:IncludedSupplyChainTradeLineItem",
                e("ram:AssociatedDocumentLineDocument", e("ram:LineID", n))
                + e("ram:SpecifiedTradeProduct", e("ram:Name", name))
                + e(
                    "ram:SpecifiedLineTradeAgreement",
                    e("ram:NetPriceProductTradePrice", e("ram:ChargeAmount", price)),
                )
                + e("ram:SpecifiedLineTradeDelivery", e("ram:BilledQuantity", qty, unitCode="C62"))
                + e(
                    "ram:SpecifiedLineTradeSettlement",
                    e("ram:ApplicableTradeTax", tax)
                    + e(
                        "ram:SpecifiedTradeSettlementLineMonetarySummation",
                        e("ram:LineTotalAmount", amount),
                    ),
                ),
            )
    agreement = e("ram:BuyerReference", case.buyer_reference) if case.buyer_reference else ""
    agreement += e(
        "ram:SellerTradeParty", party("Conseil &amp; Associés SARL", case.seller_ids, False)
    )
    agreement += e("ram:BuyerTradeParty", party("Ministère de l'Intérieur", case.buyer_ids, True))
    if case.validator_ids:
        agreement += e(
            "ram:SalesAgentTradeParty", party("Titulaire du marché SA", case.validator_ids, True)
        )
    if case.order:
        agreement += e("ram:BuyerOrderReferencedDocument", e("ram:IssuerAssignedID", case.order))
    if case.contract and wl:
        agreement += e("ram:ContractReferencedDocument", e("ram:IssuerAssignedID", case.contract))
    if case.attachment and full:
        agreement += e(
            "ram:AdditionalReferencedDocument",
            e("ram:IssuerAssignedID", "BL-2026-12")
            + e("ram:TypeCode", "916")
            + e("ram:Name", "Bon de livraison")
            + e(
                "ram:AttachmentBinaryObject",
                "SGVsbG8gd29ybGQ=",
                mimeCode="text/csv",
                filename="bon.csv",
            ),
        )
    settlement = e("ram:InvoiceCurrencyCode", case.currency)
    if wl:
        settlement += e(
            "ram:SpecifiedTradeSettlementPaymentMeans",
            e("ram:TypeCode", "30")
            + e("ram:PayeePartyCreditorFinancialAccount", e("ram:IBANID", IBAN)),
        )
        for rate, (base, amount) in case.vat_groups().items():
            tax = e("ram:CalculatedAmount", money(amount)) + e("ram:TypeCode", "VAT")
            if case.exempt:
                tax += e("ram:ExemptionReason", "Exonération article 261 du CGI")
            tax += e("ram:BasisAmount", money(base)) + e(
                "ram:CategoryCode", "E" if case.exempt else "S"
            )
            if case.exempt:
                tax += e("ram:ExemptionReasonCode", "VATEX-EU-132")
            settlement += e("ram:ApplicableTradeTax", tax + e("ram:RateApplicablePercent", rate))
        for amount, rate, reason in case.allowances:
            charge = D(amount) < 0
            settlement += e(
                "ram:SpecifiedTradeAllowanceCharge",
                e("ram:ChargeIndicator", e("udt:Indicator", "true" if charge else "false"))
                + e("ram:ActualAmount", money(abs(D(amount))))
                + e("ram:Reason", reason)
                + e(
                    "ram:CategoryTradeTax",
                    e("ram:TypeCode", "VAT")
                    + e("ram:CategoryCode", "S")
                    + e("ram:RateApplicablePercent", rate),
                ),
            )
        settlement += e(
            "ram:SpecifiedTradePaymentTerms",
            e("ram:DueDateDateTime", e("udt:DateTimeString", "20260411", format="102")),
        )
    totals = ""
    if wl:
        totals += e("ram:LineTotalAmount", money(case.line_total if full else case.ht))
        if case.allowances:
            totals += e("ram:ChargeTotalAmount", money(case.charge_total))
            totals += e("ram:AllowanceTotalAmount", money(case.allowance_total))
    totals += e("ram:TaxBasisTotalAmount", money(case.ht))
    totals += e("ram:TaxTotalAmount", money(case.tva), currencyID=case.currency)
    totals += e("ram:GrandTotalAmount", money(case.ht + case.tva))
    if D(case.prepaid):
        totals += e("ram:TotalPrepaidAmount", money(case.prepaid))
    totals += e("ram:DuePayableAmount", money(case.ht + case.tva - D(case.prepaid)))
    settlement += e("ram:SpecifiedTradeSettlementHeaderMonetarySummation", totals)
    if case.original and wl:
        settlement += e("ram:InvoiceReferencedDocument", e("ram:IssuerAssignedID", case.original))
    transaction = items + e("ram:ApplicableHeaderTradeAgreement", agreement)
    transaction += e("ram:ApplicableHeaderTradeDelivery", "")
    transaction += e("ram:ApplicableHeaderTradeSettlement", settlement)
    xmlns = " ".join(
        f'xmlns{":" + p[k] if p[k] else ""}="{NS_CII}:{uri}"'
        for k, uri in (
            ("rsm", "CrossIndustryInvoice:100"),
            ("ram", "ReusableAggregateBusinessInformationEntity:100"),
            ("udt", "UnqualifiedDataType:100"),
            ("qdt", "QualifiedDataType:100"),
        )
    )
    body = e("rsm:ExchangedDocumentContext", context) + e("rsm:ExchangedDocument", doc)
    body += e("rsm:SupplyChainTradeTransaction", transaction)
    root = t("rsm:CrossIndustryInvoice")
    return f"{case.prolog}<{root} {xmlns}>{body}</{root}>\n{case.epilog}"


# --- UBL ------------------------------------------------------------------------------


def ubl(case: Case) -> str:
    credit = case.credit_note_root
    root_name = "CreditNote" if credit else "Invoice"
    p = {"": "", "cbc": "cbc", "cac": "cac", **case.prefixes}
    t = lambda tag: _el(p, tag if ":" in tag else f":{tag}")  # noqa: E731

    def e(tag, content, **attrs):
        a = "".join(f' {k}="{v}"' for k, v in attrs.items())
        return f"<{t(tag)}{a}>{content}</{t(tag)}>"

    cur = {"currencyID": case.currency}
    tax_scheme = e("cac:TaxScheme", e("cbc:ID", "VAT"))
    category = "E" if case.exempt else "S"

    def party(name, ids, seller):
        endpoint = next(((s, v) for s, v in ids if s == "0009"), None)
        out = e("cbc:EndpointID", endpoint[1], schemeID="0009") if endpoint else ""
        for scheme, value in ids:
            if scheme == "0009" and endpoint and (scheme, value) == endpoint and len(ids) == 1:
                continue
            attrs = {"schemeID": scheme} if scheme else {}
            out += e("cac:PartyIdentification", e("cbc:ID", value, **attrs))
        out += e("cac:PartyName", e("cbc:Name", name))
        out += e(
            "cac:PostalAddress",
            e("cbc:CityName", "Paris") + e("cac:Country", e("cbc:IdentificationCode", "FR")),
        )
        if seller:
            out += e("cac:PartyTaxScheme", e("cbc:CompanyID", "FR32442293775") + tax_scheme)
        legal = e("cbc:RegistrationName", name)
        legal_ids = [(s, v) for s, v in ids if s == "0002"]
        if legal_ids:
            legal += e("cbc:CompanyID", legal_ids[0][1], schemeID="0002")
        return e("cac:Party", out + e("cac:PartyLegalEntity", legal))

    out = ""
    out += e("cbc:CustomizationID", case.guideline or CEN)
    if case.process:
        out += e("cbc:ProfileID", case.process)
    out += e("cbc:ID", case.number) + e("cbc:IssueDate", case.date)
    if not credit:
        out += e("cbc:DueDate", "2026-04-11")
        out += e("cbc:InvoiceTypeCode", case.type_code)
    else:
        out += e("cbc:CreditNoteTypeCode", case.type_code)
    out += e("cbc:Note", "Facture <!-- commentaire --> du corpus")
    out += e("cbc:DocumentCurrencyCode", case.currency)
    if case.buyer_reference:
        out += e("cbc:BuyerReference", case.buyer_reference)
    if case.order:
        out += e("cac:OrderReference", e("cbc:ID", case.order))
    if case.original:
        out += e(
            "cac:BillingReference", e("cac:InvoiceDocumentReference", e("cbc:ID", case.original))
        )
    if case.contract:
        out += e("cac:ContractDocumentReference", e("cbc:ID", case.contract))
    if case.attachment:
        out += e(
            "cac:AdditionalDocumentReference",
            e("cbc:ID", "BL-2026-12")
            + e("cbc:DocumentDescription", "Bon de livraison")
            + e(
                "cac:Attachment",
                e(
                    "cbc:EmbeddedDocumentBinaryObject",
                    "SGVsbG8gd29ybGQ=",
                    mimeCode="text/csv",
                    filename="bon.csv",
                ),
            ),
        )
    out += e(
        "cac:AccountingSupplierParty", party("Conseil &amp; Associés SARL", case.seller_ids, True)
    )
    out += e(
        "cac:AccountingCustomerParty", party("Ministère de l'Intérieur", case.buyer_ids, False)
    )
    if case.validator_ids:
        out += e(
            "cac:SellerSupplierParty", party("Titulaire du marché SA", case.validator_ids, False)
        )
    means = e("cbc:PaymentMeansCode", "30")
    if credit:
        means += e("cbc:PaymentDueDate", "2026-04-11")
    out += e("cac:PaymentMeans", means + e("cac:PayeeFinancialAccount", e("cbc:ID", IBAN)))
    for amount, rate, reason in case.allowances:
        charge = D(amount) < 0
        out += e(
            "cac:AllowanceCharge",
            e("cbc:ChargeIndicator", "true" if charge else "false")
            + e("cbc:AllowanceChargeReason", reason)
            + e("cbc:Amount", money(abs(D(amount))), **cur)
            + e("cac:TaxCategory", e("cbc:ID", "S") + e("cbc:Percent", rate) + tax_scheme),
        )
    subtotals = ""
    for rate, (base, amount) in case.vat_groups().items():
        cat = e("cbc:ID", category) + e("cbc:Percent", rate)
        if case.exempt:
            cat += e("cbc:TaxExemptionReasonCode", "VATEX-EU-132") + e(
                "cbc:TaxExemptionReason", "Article 261 du CGI"
            )
        subtotals += e(
            "cac:TaxSubtotal",
            e("cbc:TaxableAmount", money(base), **cur)
            + e("cbc:TaxAmount", money(amount), **cur)
            + e("cac:TaxCategory", cat + tax_scheme),
        )
    out += e("cac:TaxTotal", e("cbc:TaxAmount", money(case.tva), **cur) + subtotals)
    if case.currency != "EUR":  # BT-111: the VAT total in the accounting currency
        out += e("cac:TaxTotal", e("cbc:TaxAmount", money(case.tva * D("0.9")), currencyID="EUR"))
    totals = e("cbc:LineExtensionAmount", money(case.line_total), **cur)
    totals += e("cbc:TaxExclusiveAmount", money(case.ht), **cur)
    totals += e("cbc:TaxInclusiveAmount", money(case.ht + case.tva), **cur)
    if case.allowances:
        totals += e("cbc:AllowanceTotalAmount", money(case.allowance_total), **cur)
        totals += e("cbc:ChargeTotalAmount", money(case.charge_total), **cur)
    if D(case.prepaid):
        totals += e("cbc:PrepaidAmount", money(case.prepaid), **cur)
    totals += e("cbc:PayableAmount", money(case.ht + case.tva - D(case.prepaid)), **cur)
    out += e("cac:LegalMonetaryTotal", totals)
    line_tag, qty_tag = (
        ("cac:CreditNoteLine", "cbc:CreditedQuantity")
        if credit
        else ("cac:InvoiceLine", "cbc:InvoicedQuantity")
    )
    for n, (name, qty, price, rate) in enumerate(case.lines, 1):
        out += e(
            line_tag,
            e("cbc:ID", n)
            + e(qty_tag, qty, unitCode="C62")
            + e("cbc:LineExtensionAmount", money(D(qty) * D(price)), **cur)
            + e(
                "cac:Item",
                e("cbc:Name", name)
                + e(
                    "cac:ClassifiedTaxCategory",
                    e("cbc:ID", category) + e("cbc:Percent", rate) + tax_scheme,
                ),
            )
            + e("cac:Price", e("cbc:PriceAmount", price, **cur)),
        )
    xmlns = " ".join(
        f'xmlns{":" + p[k] if p[k] else ""}="{uri}"'
        for k, uri in (
            ("", f"{NS_UBL}:{root_name}-2"),
            ("cac", f"{NS_UBL}:CommonAggregateComponents-2"),
            ("cbc", f"{NS_UBL}:CommonBasicComponents-2"),
        )
    )
    root = t(root_name)
    return f"{case.prolog}<{root} {xmlns}>{out}</{root}>\n{case.epilog}"
