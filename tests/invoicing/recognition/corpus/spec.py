"""The corpus case model: what a file says and what reading it must give."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

D = Decimal
CENT = D("0.01")

SELLER_SIRET = "44229377500031"
BUYER_SIRET = "11000201100044"
BUYER_SIREN = "110002011"
VALIDATOR_SIRET = "35600000000048"
IBAN = "FR7630006000011234567890189"
NS_UBL = "urn:oasis:names:specification:ubl:schema:xsd"
NS_CII = "urn:un:unece:uncefact:data:standard"
CEN = "urn:cen.eu:en16931:2017"
FX_GUIDELINES = {
    "minimum": "urn:factur-x.eu:1p0:minimum",
    "basicwl": "urn:factur-x.eu:1p0:basicwl",
    "basic": "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic",
    "en16931": "urn:cen.eu:en16931:2017",
    "extended": "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended",
}
FRAMES = {"A12": "A12_FACTURE_COTRAITANT", "A9_FACTURE_SOUSTRAITANT": "A9_FACTURE_SOUSTRAITANT"}


def money(value) -> str:
    return str(D(value).quantize(CENT, ROUND_HALF_UP))


@dataclass
class Case:
    name: str
    syntax: str = "CII"  # CII or UBL
    number: str = "FA-2026-0001"
    date: str = "2026-03-12"
    type_code: str = "380"
    credit_note_root: bool = False  # UBL CreditNote root
    currency: str = "EUR"
    process: str | None = "A1"  # BT-23
    guideline: str | None = CEN
    buyer_reference: str | None = "SERVICE_FIN"
    order: str | None = "EJ-0042"
    contract: str | None = "MARCHE-2026-07"
    original: str | None = None
    seller_ids: list = field(default_factory=lambda: [("0009", SELLER_SIRET)])
    buyer_ids: list = field(default_factory=lambda: [("0009", BUYER_SIRET)])
    # VAL-1: the validator of an A9 / A12 (UBL SellerSupplierParty, CII SalesAgentTradeParty)
    validator_ids: list = field(default_factory=list)
    lines: list = field(default_factory=lambda: [("Prestation de conseil", "2", "500", "20")])
    allowances: list = field(default_factory=list)  # (amount, rate, reason), charge if < 0
    prepaid: str = "0"
    exempt: bool = False
    level: str = "en16931"  # CII: what the file carries (minimum / basicwl: no lines)
    attachment: bool = False  # an embedded supporting document in the XML
    prefixes: dict = field(default_factory=dict)
    prolog: str = '<?xml version="1.0" encoding="UTF-8"?>\n'
    epilog: str = ""
    encoding: str = "utf-8"
    bom: bool = False
    facturx: dict | None = None  # recipe: level, attachment name, extra attachments
    expect: dict = field(default_factory=dict)

    # --- amounts ------------------------------------------------------------------------
    def vat_groups(self):
        groups: dict[str, list[D]] = {}
        for _name, qty, price, rate in self.lines:
            groups.setdefault(rate, [D(0), D(0)])[0] += (D(qty) * D(price)).quantize(CENT)
        for amount, rate, _reason in self.allowances:
            groups.setdefault(rate, [D(0), D(0)])[0] -= D(amount)
        for rate, group in groups.items():
            group[1] = (group[0] * D(rate) / 100).quantize(CENT, ROUND_HALF_UP)
        return groups

    @property
    def line_total(self):
        return sum((D(q) * D(p)).quantize(CENT) for _n, q, p, _r in self.lines)

    @property
    def ht(self):
        return sum(g[0] for g in self.vat_groups().values())

    @property
    def tva(self):
        return sum(g[1] for g in self.vat_groups().values())

    @property
    def allowance_total(self):
        return sum(D(a) for a, _r, _s in self.allowances if D(a) > 0)

    @property
    def charge_total(self):
        return -sum(D(a) for a, _r, _s in self.allowances if D(a) < 0)

    def expected(self) -> dict:
        siret = lambda ids: next((v for s, v in ids if len(v) == 14), None)  # noqa: E731
        siren = lambda ids: None if siret(ids) else next((v for s, v in ids if len(v) == 9), None)  # noqa: E731
        is_credit = self.credit_note_root or self.type_code in ("381", "261")
        values = {
            "invoice_number": self.number,
            "invoice_date": self.date,
            "invoice_type": "AVOIR" if is_credit else "FACTURE",
            "currency": self.currency,
            "service_code": self.buyer_reference,
            "engagement_number": self.order,
            "original_invoice_number": self.original,
            "supplier_siret": siret(self.seller_ids),
            "supplier_siren": siren(self.seller_ids),
            "recipient_siret": siret(self.buyer_ids),
            "recipient_siren": siren(self.buyer_ids),
            "amount_ht": money(self.ht),
            "amount_tva": money(self.tva),
            "amount_ttc": money(self.ht + self.tva),
            "amount_to_pay": money(self.ht + self.tva - D(self.prepaid)),
            "vat_rates": []
            if self.level == "minimum"
            else sorted(money(r) for r in self.vat_groups()),
            "frame": FRAMES.get(self.process, "A1_FACTURE_FOURNISSEUR"),
            "line_count": 0 if self.level in ("minimum", "basicwl") else len(self.lines),
        }
        values.update(self.expect)
        return values
