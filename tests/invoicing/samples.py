"""Real files made at test time: native PDFs (WeasyPrint), a scanned-like PDF, an encrypted,
a truncated and a PAdES-like PDF (pypdf), a Factur-X (the factur-x library), hand-written UBL
2.1 and CII D16B invoices, and lots. Nothing is committed as a binary fixture.

Each builder returns bytes and is cached: a PDF is rendered once per test session.
"""

from __future__ import annotations

import codecs
import io
import random
import tarfile
import zipfile
import zlib
from functools import lru_cache
from html import escape

RECIPIENT_SIRET = "11000201100044"  # an administration (test value)
SUPPLIER_SIRET = "44229377500031"
IBAN = "FR7630006000011234567890189"
IBAN_SPACED = "FR76 3000 6000 0112 3456 7890 189"

_PAGE_CSS = """
@page { size: A4; margin: 18mm; }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; }
section { break-after: page; }
section:last-child { break-after: auto; }
p { margin: 0 0 4pt 0; }
"""


@lru_cache(maxsize=64)
def pdf_from_pages(*pages: str) -> bytes:
    """A native text PDF, one page per HTML fragment (each fragment must fit on a page)."""
    from weasyprint import HTML

    body = "".join(f"<section>{page}</section>" for page in pages)
    html = f"<html><head><meta charset='utf-8'><style>{_PAGE_CSS}</style></head><body>{body}</body></html>"
    return HTML(string=html).write_pdf()


def lines(*texts: str) -> str:
    """HTML paragraphs, one text line each (escaped)."""
    return "".join(f"<p>{escape(text)}</p>" for text in texts)


KEYWORD_LINES = (
    "FACTURE",
    "Fournisseur : Conseil & Associés SARL — SIRET fournisseur : 442 293 775 00031",
    "Facture n° FA-2024-0042",
    "Date de facture : 12/03/2024",
    "Destinataire : Ministère de l'Intérieur",
    "SIRET client : 110 002 011 00044",
    "Code service : SERVICE_FIN",
    "N° d'engagement : 1300012345",
    "Désignation Quantité Prix unitaire HT Montant HT",
    "Prestation de conseil 2 500,00 1 000,00",
    "Total HT : 1\u00a0000,00 €",
    "TVA 20 % : 200,00 €",
    "Total TTC : 1\u00a0200,00 €",
    "Net à payer : 1\u202f200,00 €",
    f"IBAN : {IBAN_SPACED} BIC : SOGEFRPP",
)


def keyword_invoice_pdf() -> bytes:
    """One native page with every keyword of REC-5."""
    return pdf_from_pages(lines(*KEYWORD_LINES))


def plain_text_pdf(pages: int = 1) -> bytes:
    """Native text, no keyword at all."""
    return pdf_from_pages(
        *(
            lines(f"Conditions générales de vente, page {n}", "Merci de votre confiance.")
            for n in range(1, pages + 1)
        )
    )


def three_page_invoice_pdf() -> bytes:
    """The benchmark document: a 3-page invoice, keywords on the first and last pages."""
    detail = [
        f"Ligne {n} : fourniture de matériel de bureau, lot {n} 12,50 125,00" for n in range(1, 40)
    ]
    return pdf_from_pages(
        lines(*KEYWORD_LINES[:9], *detail[:25]),
        lines("Détail (suite)", *detail[25:]),
        lines(*KEYWORD_LINES[10:], "Conditions de paiement : 30 jours."),
    )


def five_page_pdf() -> bytes:
    """REC-2: keywords on pages 2 and 3 must not be read, those on pages 4 and 5 must."""
    return pdf_from_pages(
        lines("Page 1 : en-tête sans mot-clé"),
        lines("Page 2", "SIRET client : 110 002 011 00044", "Code service : SERVICE_PAGE2"),
        lines("Page 3", "N° d'engagement : EJ-PAGE3-1"),
        lines("Page 4", "Total HT : 1 000,00", "Facture n° FA-PAGE4"),
        lines("Page 5", "Net à payer : 1 200,00", "Date de facture : 2024-03-12"),
    )


@lru_cache(maxsize=1)
def _scan_png() -> bytes:
    """A picture of an invoice: dark bars where a scanner would see lines of text."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (800, 1100), color=255)
    draw = ImageDraw.Draw(image)
    rng = random.Random(4)
    for row in range(40, 1000, 30):
        draw.rectangle((60, row, 60 + rng.randint(200, 680), row + 12), fill=30)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@lru_cache(maxsize=1)
def scanned_pdf() -> bytes:
    """An image-only PDF: no text layer at all, like a scan (REC-4)."""
    import base64

    from weasyprint import HTML

    data = base64.b64encode(_scan_png()).decode()
    html = (
        "<html><head><style>@page { size: A4; margin: 0 } img { width: 100%; }</style></head>"
        f"<body><img src='data:image/png;base64,{data}'></body></html>"
    )
    return HTML(string=html).write_pdf()


def _rewrite(pdf: bytes, change) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@lru_cache(maxsize=1)
def encrypted_pdf() -> bytes:
    """REC-3: password-protected."""
    return _rewrite(
        keyword_invoice_pdf(), lambda w: w.encrypt(user_password="secret", algorithm="AES-128")
    )


@lru_cache(maxsize=1)
def owner_password_pdf() -> bytes:
    """Protected by an owner password only (no printing, no copying): it opens without a
    password, as many accounting tools write them."""
    return _rewrite(
        keyword_invoice_pdf(),
        lambda w: w.encrypt(
            user_password="",
            owner_password="proprietaire",
            permissions_flag=0,
            algorithm="AES-128",
        ),
    )


@lru_cache(maxsize=1)
def owner_password_rc4_pdf() -> bytes:
    """The same, with the older RC4 encryption."""
    return _rewrite(
        keyword_invoice_pdf(),
        lambda w: w.encrypt(user_password="", owner_password="proprietaire", algorithm="RC4-128"),
    )


def truncated_pdf() -> bytes:
    pdf = keyword_invoice_pdf()
    return pdf[: len(pdf) * 2 // 3]


def random_bytes(size: int = 4096, seed: int = 7) -> bytes:
    """Random bytes (to be named .pdf by the test)."""
    return random.Random(seed).randbytes(size)


def _add_signature(writer) -> None:
    """A PAdES-like signature field: /Type /Sig with /ByteRange and /Contents (not a valid
    signature: detection looks at presence only, as DOMAIN §5.7 says)."""
    from pypdf.generic import (
        ArrayObject,
        ByteStringObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    signature = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Sig"),
            NameObject("/Filter"): NameObject("/Adobe.PPKLite"),
            NameObject("/SubFilter"): NameObject("/ETSI.CAdES.detached"),
            NameObject("/ByteRange"): ArrayObject([NumberObject(n) for n in (0, 100, 200, 300)]),
            NameObject("/Contents"): ByteStringObject(b"\x00" * 64),
            NameObject("/M"): TextStringObject("D:20240312120000+01'00'"),
        }
    )
    field = DictionaryObject(
        {
            NameObject("/FT"): NameObject("/Sig"),
            NameObject("/T"): TextStringObject("Signature1"),
            NameObject("/V"): writer._add_object(signature),
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
            NameObject("/F"): NumberObject(132),
        }
    )
    field_ref = writer._add_object(field)
    page = writer.pages[0]
    page[NameObject("/Annots")] = ArrayObject([*(page.get("/Annots") or []), field_ref])
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject([field_ref]), NameObject("/SigFlags"): NumberObject(3)}
    )


@lru_cache(maxsize=1)
def signed_pdf() -> bytes:
    return _rewrite(keyword_invoice_pdf(), _add_signature)


# --- Structured invoices -------------------------------------------------------------------

CII_VALUES = {
    "number": "FX-2024-001",
    "type_code": "380",
    "date": "20240312",
    "process": "A1",
    "buyer_reference": "SERVICE_FIN",
    "order": "1300012345",
    "contract": "MARCHE-2024-07",
    "seller_siret": SUPPLIER_SIRET,
    "buyer_siret": RECIPIENT_SIRET,
    "iban": IBAN,
    "original": "",
}


def cii_xml(**overrides: str) -> bytes:
    """A CII D16B invoice, EN 16931 profile (valid against the Factur-X XSD)."""
    v = {**CII_VALUES, **overrides}
    original = (
        f"<ram:InvoiceReferencedDocument><ram:IssuerAssignedID>{v['original']}</ram:IssuerAssignedID>"
        "</ram:InvoiceReferencedDocument>"
        if v["original"]
        else ""
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
 xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
 xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
 xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
 <rsm:ExchangedDocumentContext>
  <ram:BusinessProcessSpecifiedDocumentContextParameter><ram:ID>{v["process"]}</ram:ID></ram:BusinessProcessSpecifiedDocumentContextParameter>
  <ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
 </rsm:ExchangedDocumentContext>
 <rsm:ExchangedDocument>
  <ram:ID>{v["number"]}</ram:ID>
  <ram:TypeCode>{v["type_code"]}</ram:TypeCode>
  <ram:IssueDateTime><udt:DateTimeString format="102">{v["date"]}</udt:DateTimeString></ram:IssueDateTime>
  <ram:IncludedNote><ram:Content>Prestation de mars</ram:Content></ram:IncludedNote>
 </rsm:ExchangedDocument>
 <rsm:SupplyChainTradeTransaction>
  <ram:IncludedSupplyChainTradeLineItem>
   <ram:AssociatedDocumentLineDocument><ram:LineID>1</ram:LineID></ram:AssociatedDocumentLineDocument>
   <ram:SpecifiedTradeProduct><ram:Name>Prestation de conseil</ram:Name></ram:SpecifiedTradeProduct>
   <ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice><ram:ChargeAmount>500.00</ram:ChargeAmount></ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>
   <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="DAY">2</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
   <ram:SpecifiedLineTradeSettlement>
    <ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>20.00</ram:RateApplicablePercent></ram:ApplicableTradeTax>
    <ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>1000.00</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation>
   </ram:SpecifiedLineTradeSettlement>
  </ram:IncludedSupplyChainTradeLineItem>
  <ram:ApplicableHeaderTradeAgreement>
   <ram:BuyerReference>{v["buyer_reference"]}</ram:BuyerReference>
   <ram:SellerTradeParty>
    <ram:Name>Conseil et Associés</ram:Name>
    <ram:SpecifiedLegalOrganization><ram:ID schemeID="0009">{v["seller_siret"]}</ram:ID></ram:SpecifiedLegalOrganization>
    <ram:PostalTradeAddress><ram:PostcodeCode>75002</ram:PostcodeCode><ram:LineOne>1 rue de la Paix</ram:LineOne><ram:CityName>Paris</ram:CityName><ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress>
    <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">FR32442293775</ram:ID></ram:SpecifiedTaxRegistration>
   </ram:SellerTradeParty>
   <ram:BuyerTradeParty>
    <ram:Name>Ministère de l'Intérieur</ram:Name>
    <ram:SpecifiedLegalOrganization><ram:ID schemeID="0009">{v["buyer_siret"]}</ram:ID></ram:SpecifiedLegalOrganization>
    <ram:PostalTradeAddress><ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress>
   </ram:BuyerTradeParty>
   <ram:BuyerOrderReferencedDocument><ram:IssuerAssignedID>{v["order"]}</ram:IssuerAssignedID></ram:BuyerOrderReferencedDocument>
   <ram:ContractReferencedDocument><ram:IssuerAssignedID>{v["contract"]}</ram:IssuerAssignedID></ram:ContractReferencedDocument>
  </ram:ApplicableHeaderTradeAgreement>
  <ram:ApplicableHeaderTradeDelivery/>
  <ram:ApplicableHeaderTradeSettlement>
   <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
   <ram:SpecifiedTradeSettlementPaymentMeans>
    <ram:TypeCode>30</ram:TypeCode>
    <ram:PayeePartyCreditorFinancialAccount><ram:IBANID>{v["iban"]}</ram:IBANID></ram:PayeePartyCreditorFinancialAccount>
   </ram:SpecifiedTradeSettlementPaymentMeans>
   <ram:ApplicableTradeTax><ram:CalculatedAmount>200.00</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode><ram:BasisAmount>1000.00</ram:BasisAmount><ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>20.00</ram:RateApplicablePercent></ram:ApplicableTradeTax>
   <ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime><udt:DateTimeString format="102">20240411</udt:DateTimeString></ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>
   <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    <ram:LineTotalAmount>1000.00</ram:LineTotalAmount>
    <ram:TaxBasisTotalAmount>1000.00</ram:TaxBasisTotalAmount>
    <ram:TaxTotalAmount currencyID="EUR">200.00</ram:TaxTotalAmount>
    <ram:GrandTotalAmount>1200.00</ram:GrandTotalAmount>
    <ram:TotalPrepaidAmount>100.00</ram:TotalPrepaidAmount>
    <ram:DuePayableAmount>1100.00</ram:DuePayableAmount>
   </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
   {original}
  </ram:ApplicableHeaderTradeSettlement>
 </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
""".encode()


UBL_VALUES = {
    "number": "UBL-2024-042",
    "date": "2024-03-15",
    "profile": "A9",
    "buyer_reference": "SERVICE_ACHATS",
    "order": "EJ-2024-0099",
    "contract": "MARCHE-UBL-1",
    "seller_siret": SUPPLIER_SIRET,
    "buyer_siret": RECIPIENT_SIRET,
    "iban": IBAN,
    "original": "FA-2023-0999",
}


def ubl_xml(credit_note: bool = False, **overrides: str) -> bytes:
    """A UBL 2.1 Invoice (or CreditNote), EN 16931."""
    v = {**UBL_VALUES, **overrides}
    root = "CreditNote" if credit_note else "Invoice"
    type_tag = "CreditNoteTypeCode" if credit_note else "InvoiceTypeCode"
    type_code = "381" if credit_note else "380"
    line_tag = "CreditNoteLine" if credit_note else "InvoiceLine"
    quantity_tag = "CreditedQuantity" if credit_note else "InvoicedQuantity"
    party = """<cac:Party>
   <cac:PartyName><cbc:Name>{name}</cbc:Name></cac:PartyName>
   <cac:PostalAddress><cbc:CityName>Paris</cbc:CityName><cac:Country><cbc:IdentificationCode>FR</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
   <cac:PartyLegalEntity><cbc:RegistrationName>{name}</cbc:RegistrationName><cbc:CompanyID schemeID="0009">{siret}</cbc:CompanyID></cac:PartyLegalEntity>
  </cac:Party>"""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<{root} xmlns="urn:oasis:names:specification:ubl:schema:xsd:{root}-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
 <cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
 <cbc:ProfileID>{v["profile"]}</cbc:ProfileID>
 <cbc:ID>{v["number"]}</cbc:ID>
 <cbc:IssueDate>{v["date"]}</cbc:IssueDate>
 <cbc:DueDate>2024-04-14</cbc:DueDate>
 <cbc:{type_tag}>{type_code}</cbc:{type_tag}>
 <cbc:Note>Sous-traitance lot 2</cbc:Note>
 <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
 <cbc:BuyerReference>{v["buyer_reference"]}</cbc:BuyerReference>
 <cac:OrderReference><cbc:ID>{v["order"]}</cbc:ID></cac:OrderReference>
 <cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>{v["original"]}</cbc:ID></cac:InvoiceDocumentReference></cac:BillingReference>
 <cac:ContractDocumentReference><cbc:ID>{v["contract"]}</cbc:ID></cac:ContractDocumentReference>
 <cac:AccountingSupplierParty>
  {party.format(name="Sous-traitant SAS", siret=v["seller_siret"])}
 </cac:AccountingSupplierParty>
 <cac:AccountingCustomerParty>
  {party.format(name="Direction des achats de l'État", siret=v["buyer_siret"])}
 </cac:AccountingCustomerParty>
 <cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode><cac:PayeeFinancialAccount><cbc:ID>{v["iban"]}</cbc:ID></cac:PayeeFinancialAccount></cac:PaymentMeans>
 <cac:TaxTotal>
  <cbc:TaxAmount currencyID="EUR">55.00</cbc:TaxAmount>
  <cac:TaxSubtotal>
   <cbc:TaxableAmount currencyID="EUR">500.00</cbc:TaxableAmount><cbc:TaxAmount currencyID="EUR">50.00</cbc:TaxAmount>
   <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>10</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory>
  </cac:TaxSubtotal>
  <cac:TaxSubtotal>
   <cbc:TaxableAmount currencyID="EUR">100.00</cbc:TaxableAmount><cbc:TaxAmount currencyID="EUR">5.00</cbc:TaxAmount>
   <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>5</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory>
  </cac:TaxSubtotal>
 </cac:TaxTotal>
 <cac:LegalMonetaryTotal>
  <cbc:LineExtensionAmount currencyID="EUR">600.00</cbc:LineExtensionAmount>
  <cbc:TaxExclusiveAmount currencyID="EUR">600.00</cbc:TaxExclusiveAmount>
  <cbc:TaxInclusiveAmount currencyID="EUR">655.00</cbc:TaxInclusiveAmount>
  <cbc:PayableAmount currencyID="EUR">655.00</cbc:PayableAmount>
 </cac:LegalMonetaryTotal>
 <cac:{line_tag}>
  <cbc:ID>1</cbc:ID>
  <cbc:{quantity_tag} unitCode="HUR">10</cbc:{quantity_tag}>
  <cbc:LineExtensionAmount currencyID="EUR">500.00</cbc:LineExtensionAmount>
  <cac:Item><cbc:Name>Maintenance</cbc:Name><cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>10</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory></cac:Item>
  <cac:Price><cbc:PriceAmount currencyID="EUR">50.00</cbc:PriceAmount></cac:Price>
 </cac:{line_tag}>
 <cac:{line_tag}>
  <cbc:ID>2</cbc:ID>
  <cbc:{quantity_tag} unitCode="C62">4</cbc:{quantity_tag}>
  <cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount>
  <cac:Item><cbc:Name>Manuels</cbc:Name><cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>5</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory></cac:Item>
  <cac:Price><cbc:PriceAmount currencyID="EUR">25.00</cbc:PriceAmount></cac:Price>
 </cac:{line_tag}>
</{root}>
""".encode()


def xxe_xml(target: str = "file:///etc/passwd") -> bytes:
    """A UBL invoice whose number is an external entity (XXE)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "{target}">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
 <cbc:ID>&xxe;</cbc:ID>
</Invoice>
""".encode()


def billion_laughs_xml() -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % ("" if i == 1 else i - 1)) * 10}">' for i in range(1, 10)
    )
    return f"""<?xml version="1.0"?>
<!DOCTYPE Invoice [{entities}]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&lol9;</Invoice>
""".encode()


@lru_cache(maxsize=8)
def facturx_pdf(signed: bool = False, **overrides) -> bytes:
    """A real Factur-X: a WeasyPrint PDF + the CII above, through the factur-x library."""
    from facturx import generate_from_binary

    visible = pdf_from_pages(lines("Facture FX-2024-001", "Voir les données structurées jointes."))
    pdf = generate_from_binary(
        visible, cii_xml(**overrides), flavor="factur-x", level="en16931", check_xsd=True
    )
    return _rewrite(pdf, _add_signature) if signed else pdf


def zip_lot(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def tar_gz_lot(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        for name, data in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


# --- Decompression bombs (issue 9) --------------------------------------------------------

_BOMB_TEXT = b"BT /F1 12 Tf 72 720 Td (Facture n\\260 BOMB-1) Tj ET\n"


def _pdf_objects(objects: list[bytes], out) -> None:
    """Write a PDF made of `objects` (numbered from 1) with a correct xref table."""
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )


def _flate_bomb_stream(inflated_size: int, entries: bytes = b"") -> bytes:
    """A FlateDecode content stream: a line of text, then `inflated_size` bytes of spaces,
    compressed chunk by chunk (never held inflated in memory)."""
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(_BOMB_TEXT)]
    chunk = b" " * (1024 * 1024)
    remaining = inflated_size
    while remaining > 0:
        parts.append(compressor.compress(chunk[: min(remaining, len(chunk))]))
        remaining -= len(chunk)
    parts.append(compressor.flush())
    data = b"".join(parts)
    head = b"<< %s/Length %d /Filter /FlateDecode >>\nstream\n" % (entries, len(data))
    return head + data + b"\nendstream"


@lru_cache(maxsize=2)
def pdf_bomb(inflated_size: int = 200 * 1024 * 1024) -> bytes:
    """A valid one-page PDF whose page content inflates to `inflated_size` bytes (a
    decompression bomb: ~1 KB compressed per MB inflated)."""
    out = io.BytesIO()
    _pdf_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            _flate_bomb_stream(inflated_size),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ],
        out,
    )
    return out.getvalue()


@lru_cache(maxsize=1)
def embedded_bomb_pdf(inflated_size: int = 200 * 1024 * 1024) -> bytes:
    """A one-page text PDF carrying a `factur-x.xml` that inflates to `inflated_size` bytes
    (and declares no size): detection opens embedded files in the web process."""
    out = io.BytesIO()
    page_text = b"BT /F1 12 Tf 72 720 Td (Facture n\\260 EMB-1) Tj ET"
    _pdf_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R "
            b"/Names << /EmbeddedFiles << /Names [(factur-x.xml) 6 0 R] >> >> >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(page_text) + page_text + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            b"<< /Type /Filespec /F (factur-x.xml) /UF (factur-x.xml) /EF << /F 7 0 R >> >>",
            _flate_bomb_stream(inflated_size, b"/Type /EmbeddedFile "),
        ],
        out,
    )
    return out.getvalue()


@lru_cache(maxsize=1)
def many_pages_pdf(page_count: int = 10_000) -> bytes:
    """A valid PDF of `page_count` small text pages, page N saying "Page N"."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, written once the kids are known
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    kids = []
    for number in range(1, page_count + 1):
        content = b"BT /F1 12 Tf 72 720 Td (Page %d) Tj ET" % number
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>" % len(objects)
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), page_count)
    out = io.BytesIO()
    _pdf_objects(objects, out)
    return out.getvalue()


def ubl_xml_utf16(big_endian: bool = False) -> bytes:
    """The UBL invoice in UTF-16 with its byte order mark (format detection reads it)."""
    text = ubl_xml().decode().replace('encoding="UTF-8"', 'encoding="UTF-16"', 1)
    if big_endian:
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
