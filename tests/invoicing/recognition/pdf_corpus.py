"""A corpus of realistic French invoice PDFs, written the way other software lays them out,
with the values a person would read on them (issue 11: how well does PDF pre-fill do on
invoices it was not written for?).

Layouts: a plain "label : value" letter, two columns (supplier | client) above a lines table
and a totals block, the text order of LibreOffice exports (labels first, then values), a
header table (N° / Date / Échéance on one row, values below), "FACTURE N° … du 12 mars 2026"
as accounting packages print it, spaced SIRETs ("SIRET : 123 456 789 00012"), French amounts
("1 234,56 €", narrow no-break spaces, "1.234,56 EUR"), dates "12/03/2026" and "12 mars
2026", and the traps of real invoices (a VAT recap line "TVA 20 % 1 500,00 €", "Montant
soumis à TVA", "Taxes", due and order dates next to the invoice date, a deposit deducted from
the amount to pay).

Every PDF is rendered by WeasyPrint (reportlab is not a dependency of the project) from HTML
of different structures (paragraphs, tables, floats, absolute columns), so the text layer
comes out in different orders. Nothing binary is committed: `python -m
tests.invoicing.recognition.pdf_corpus <folder>` writes the PDFs and their expected values.
"""

from __future__ import annotations

import datetime
import json
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from html import escape
from pathlib import Path

from stdnum import luhn

FIELDS = (
    "invoice_number",
    "invoice_date",
    "recipient_siret",
    "supplier_siret",
    "amount_ht",
    "amount_tva",
    "amount_ttc",
    "amount_to_pay",
    "engagement_number",
    "service_code",
)


def siret(prefix: str) -> str:
    """A valid SIRET (Luhn) from 13 digits."""
    return prefix + luhn.calc_check_digit(prefix)


STATE = siret("1100020110004")  # a ministry
CITY = siret("2175600210001")  # a town hall
HOSPITAL = siret("2675001760001")
SUPPLIERS = [siret(f"{n:09d}0001") for n in (442293775, 532108964, 801234567, 390217455)]
NNBSP = "\u202f"  # the narrow no-break space of French number formats (LibreOffice, Excel)
MONTHS = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"


def spaced(number: str) -> str:
    return f"{number[:3]} {number[3:6]} {number[6:9]} {number[9:]}"


def fr_amount(value: Decimal, sep: str = " ", suffix: str = " €") -> str:
    units, cents = f"{value:.2f}".split(".")
    groups = []
    while units:
        groups.insert(0, units[-3:])
        units = units[:-3]
    return sep.join(groups) + "," + cents + suffix


def fr_date(day: datetime.date, words: bool = False) -> str:
    if words:
        return f"{day.day} {MONTHS.split()[day.month - 1]} {day.year}"
    return day.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class Sample:
    name: str
    html: str
    expected: dict = field(default_factory=dict)


_CSS = """
@page { size: A4; margin: 15mm; }
body { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; }
p { margin: 0 0 3pt 0; }
table { border-collapse: collapse; width: 100%; margin: 6pt 0; }
td, th { border: 0.5pt solid #999; padding: 2pt 4pt; text-align: left; }
.right { text-align: right; }
.cols { display: flex; justify-content: space-between; }
.col { width: 48%; }
.totals { width: 45%; margin-left: 55%; }
.abs { position: absolute; }
"""


def _page(body: str) -> str:
    return (
        f"<html><head><meta charset='utf-8'><style>{_CSS}</style></head><body>{body}</body></html>"
    )


def _p(*texts: str) -> str:
    return "".join(f"<p>{escape(t)}</p>" for t in texts)


def _rows(*rows) -> str:
    return "".join(
        "<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows
    )


@dataclass(frozen=True)
class Invoice:
    number: str
    date: datetime.date
    recipient: str
    supplier: str
    ht: Decimal
    rate: Decimal = Decimal("20")
    paid: Decimal = Decimal("0")
    engagement: str | None = None
    service: str | None = None

    @property
    def tva(self) -> Decimal:
        return (self.ht * self.rate / 100).quantize(Decimal("0.01"))

    @property
    def ttc(self) -> Decimal:
        return self.ht + self.tva

    @property
    def to_pay(self) -> Decimal:
        return self.ttc - self.paid

    def expected(self) -> dict:
        values = {
            "invoice_number": self.number,
            "invoice_date": self.date,
            "recipient_siret": self.recipient,
            "supplier_siret": self.supplier,
            "amount_ht": self.ht,
            "amount_tva": self.tva,
            "amount_ttc": self.ttc,
            "amount_to_pay": self.to_pay,
        }
        if self.engagement:
            values["engagement_number"] = self.engagement
        if self.service:
            values["service_code"] = self.service
        return values


# --- Layouts ------------------------------------------------------------------------------


def letter(inv: Invoice, *, words=False, amount=fr_amount) -> str:
    """A plain letter: one "label : value" per line (word processors, small firms)."""
    lines = [
        "Atelier Durand — 12 rue des Lilas, 69003 Lyon",
        f"SIRET : {spaced(inv.supplier)}",
        "FACTURE",
        f"Facture n° {inv.number}",
        f"Date de facture : {fr_date(inv.date, words)}",
        "Client : Ministère de la Culture",
        f"SIRET client : {inv.recipient}",
    ]
    if inv.engagement:
        lines.append(f"N° d'engagement : {inv.engagement}")
    if inv.service:
        lines.append(f"Code service : {inv.service}")
    lines += [
        "Désignation : restauration de mobilier",
        f"Total HT : {amount(inv.ht)}",
        f"TVA {inv.rate} % : {amount(inv.tva)}",
        f"Total TTC : {amount(inv.ttc)}",
        f"Net à payer : {amount(inv.to_pay)}",
        "Paiement à 30 jours par virement.",
    ]
    return _page(_p(*lines))


def two_columns(inv: Invoice, *, words=False) -> str:
    """Supplier block left, client block right, lines table, totals block bottom right
    (invoicing SaaS, WeasyPrint templates)."""
    left = _p(
        "Conseil & Associés SARL",
        "8 avenue Foch, 75016 Paris",
        f"SIRET : {spaced(inv.supplier)}",
        "TVA intracommunautaire : FR12 442293775",
    )
    right_lines = ["Facturé à :", "Mairie de Villeurbanne", f"SIRET : {spaced(inv.recipient)}"]
    if inv.service:
        right_lines.append(f"Code service : {inv.service}")
    right = _p(*right_lines)
    head = _p(f"Facture n° {inv.number}", f"Date de facture : {fr_date(inv.date, words)}")
    if inv.engagement:
        head += _p(f"Bon de commande n° {inv.engagement}")
    lines = (
        "<table><tr><th>Désignation</th><th>Qté</th><th>PU HT</th><th>TVA</th><th>Total HT</th></tr>"
        + _rows(
            ("Audit organisationnel", "1", fr_amount(inv.ht), f"{inv.rate} %", fr_amount(inv.ht))
        )
        + "</table>"
    )
    totals = (
        "<table class='totals'>"
        + _rows(
            ("Total HT", fr_amount(inv.ht)),
            (f"TVA {inv.rate} %", fr_amount(inv.tva)),
            ("Total TTC", fr_amount(inv.ttc)),
            ("Net à payer", fr_amount(inv.to_pay)),
        )
        + "</table>"
    )
    body = (
        f"<div class='cols'><div class='col'>{left}</div><div class='col'>{right}</div></div>"
        f"{head}{lines}{totals}"
    )
    return _page(body)


def libreoffice(inv: Invoice) -> str:
    """Labels first, then values, as LibreOffice exports a frame-based layout: the text
    layer reads "Total HT / TVA / Total TTC" then the three amounts."""
    body = (
        _p("FACTURE", f"N° {inv.number}", f"Date : {fr_date(inv.date)}")
        + _p(f"Fournisseur SIRET {inv.supplier}", f"Client : SIRET {inv.recipient}")
        + "<div class='cols'><div class='col'>"
        + _p("Total HT", "TVA (20 %)", "Total TTC", "Net à payer")
        + "</div><div class='col right'>"
        + _p(
            fr_amount(inv.ht, NNBSP),
            fr_amount(inv.tva, NNBSP),
            fr_amount(inv.ttc, NNBSP),
            fr_amount(inv.to_pay, NNBSP),
        )
        + "</div></div>"
    )
    return _page(body)


def header_table(inv: Invoice) -> str:
    """A header table: labels on one row, values on the next (ERP print-outs)."""
    due = inv.date + datetime.timedelta(days=30)
    body = (
        _p("SOCIÉTÉ INDUSTRIELLE DU RHÔNE", f"Siret {inv.supplier}")
        + "<table><tr><th>N° facture</th><th>Date</th><th>Échéance</th><th>N° commande</th></tr>"
        + _rows((inv.number, fr_date(inv.date), fr_date(due), inv.engagement or "—"))
        + "</table>"
        + _p("Destinataire : Centre hospitalier", f"SIRET destinataire : {spaced(inv.recipient)}")
        + "<table class='totals'>"
        + _rows(
            ("Montant HT", fr_amount(inv.ht)),
            ("Montant TVA", fr_amount(inv.tva)),
            ("Montant TTC", fr_amount(inv.ttc)),
        )
        + "</table>"
        + _p(f"Net à payer : {fr_amount(inv.to_pay)}")
    )
    return _page(body)


def accounting_package(inv: Invoice, *, words=True) -> str:
    """ "FACTURE N° … du 12 mars 2026" on one line, VAT recap before the totals."""
    body = _p(
        "EURL Plomberie Martin",
        f"N° SIRET : {spaced(inv.supplier)}",
        f"FACTURE N° {inv.number} du {fr_date(inv.date, words)}",
        f"Destinataire : Ministère des Armées — SIRET {inv.recipient}",
    )
    if inv.engagement:
        body += _p(f"Engagement juridique : {inv.engagement}")
    body += (
        "<table><tr><th>Code TVA</th><th>Taux</th><th>Base HT</th><th>Montant TVA</th></tr>"
        + _rows(("1", f"{inv.rate} %", fr_amount(inv.ht), fr_amount(inv.tva)))
        + "</table>"
        + _p(
            f"Total HT {fr_amount(inv.ht)}",
            f"Total TVA {fr_amount(inv.tva)}",
            f"Total TTC {fr_amount(inv.ttc)}",
        )
    )
    if inv.paid:
        body += _p(f"Acompte versé {fr_amount(inv.paid)}")
    body += _p(f"Net à payer {fr_amount(inv.to_pay)}")
    return _page(body)


def traps(inv: Invoice, variant: str) -> str:
    """The lines that mislead a keyword reader, around correct labelled totals."""
    due = fr_date(inv.date + datetime.timedelta(days=45))
    order = fr_date(inv.date - datetime.timedelta(days=20))
    lines = ["SAS Nettoyage Pro", f"SIRET fournisseur : {inv.supplier}"]
    if variant == "due_first":
        lines += [f"Date d'échéance : {due}", f"Date de commande : {order}"]
    lines += [f"Facture n° {inv.number}", f"Date de facture : {fr_date(inv.date)}"]
    if variant == "order_after":
        lines += [f"Date de commande : {order}"]
    lines += [f"SIRET client : {spaced(inv.recipient)}"]
    if inv.service:
        lines.append(f"Code service : {inv.service}")
    if variant == "vat_recap":
        lines += [f"TVA {inv.rate}% {fr_amount(inv.ht)}"]
    if variant == "subject_to_vat":
        lines += [f"Montant soumis à TVA {fr_amount(inv.ht, suffix='')}"]
    lines += [f"Total HT : {fr_amount(inv.ht)}"]
    if variant == "taxes":
        lines += [f"Taxes {fr_amount(inv.tva)}"]
    else:
        lines += [f"Total TVA : {fr_amount(inv.tva)}"]
    lines += [f"Total TTC : {fr_amount(inv.ttc)}", f"Net à payer : {fr_amount(inv.to_pay)}"]
    return _page(_p(*lines))


def no_number_sign(inv: Invoice) -> str:
    """ "Facture FA-2017-0010" and "Facture du 2 juillet 2017": no "n°", no "date"."""
    return _page(
        _p(
            "Cabinet Lefèvre Architectes",
            f"SIRET {spaced(inv.supplier)}",
            f"Facture {inv.number}",
            f"Facture du {fr_date(inv.date, words=True)}",
            f"Client : Commune de Bron, SIRET client {inv.recipient}",
            f"Montant HT {fr_amount(inv.ht)}",
            f"Montant TVA {fr_amount(inv.tva)}",
            f"Montant TTC {fr_amount(inv.ttc)}",
            f"Net à payer {fr_amount(inv.to_pay)}",
        )
    )


def absolute_columns(inv: Invoice) -> str:
    """Absolutely positioned blocks written right column first (design tools)."""
    right = _p("Client", "Hôpital Nord", f"SIRET client : {inv.recipient}")
    left = _p("Imprimerie du Centre", f"SIRET : {inv.supplier}")
    body = (
        f"<div class='abs' style='left:110mm;top:0'>{right}</div>"
        f"<div class='abs' style='left:0;top:0'>{left}</div>"
        "<div style='margin-top:40mm'>"
        + _p(
            f"Facture n° {inv.number}",
            f"Date de facture : {fr_date(inv.date)}",
            f"Total HT : {fr_amount(inv.ht, '.', ' EUR')}",
            f"Total TVA : {fr_amount(inv.tva, '.', ' EUR')}",
            f"Total TTC : {fr_amount(inv.ttc, '.', ' EUR')}",
            f"Net à payer : {fr_amount(inv.to_pay, '.', ' EUR')}",
        )
        + "</div>"
    )
    return _page(body)


def _invoice(n: int, **overrides) -> Invoice:
    values = {
        "number": f"FA-2026-{n:04d}",
        "date": datetime.date(2026, 1 + n % 12, 1 + (n * 7) % 28),
        "recipient": (STATE, CITY, HOSPITAL)[n % 3],
        "supplier": SUPPLIERS[n % 4],
        "ht": Decimal(f"{(n * 1234567) % 900000 / 100 + 100:.2f}"),
    }
    values.update(overrides)
    return Invoice(**values)


def _build() -> list[tuple[str, str, Invoice]]:
    items = []

    def add(name, inv, render):
        items.append((name, render(inv), inv))

    add("letter", _invoice(1), letter)
    add("letter-month-words", _invoice(2), lambda i: letter(i, words=True))
    add(
        "letter-engagement-service",
        _invoice(3, engagement="1300012345", service="SCE_FIN_01"),
        letter,
    )
    add(
        "letter-eur-suffix",
        _invoice(4),
        lambda i: letter(i, amount=lambda v: fr_amount(v, " ", " EUR")),
    )
    add("two-columns", _invoice(5), two_columns)
    add("two-columns-words", _invoice(6, service="SFACETAT"), lambda i: two_columns(i, words=True))
    add("two-columns-order", _invoice(7, engagement="4500012345"), two_columns)
    add("libreoffice", _invoice(8), libreoffice)
    add("libreoffice-5-5", _invoice(9, rate=Decimal("5.5")), libreoffice)
    add("header-table", _invoice(10, engagement="4500098765"), header_table)
    add("header-table-2", _invoice(11), header_table)
    add("accounting-package", _invoice(12), accounting_package)
    add("accounting-package-deposit", _invoice(13, paid=Decimal("500.00")), accounting_package)
    add("accounting-package-ej", _invoice(14, engagement="1300054321"), accounting_package)
    add("trap-due-date-first", _invoice(15), lambda i: traps(i, "due_first"))
    add("trap-order-date-after", _invoice(16), lambda i: traps(i, "order_after"))
    add("trap-vat-recap-line", _invoice(17, number="F2026/0417"), lambda i: traps(i, "vat_recap"))
    add("trap-subject-to-vat", _invoice(18), lambda i: traps(i, "subject_to_vat"))
    add("trap-taxes", _invoice(19, service="SCE_ACHATS"), lambda i: traps(i, "taxes"))
    add("no-number-sign", _invoice(20, number="FA-2017-0010"), no_number_sign)
    add("absolute-columns", _invoice(21), absolute_columns)
    add("letter-10-percent", _invoice(22, rate=Decimal("10")), letter)
    return items


@dataclass(frozen=True)
class CorpusInvoice:
    name: str
    html: str
    expected: dict


@lru_cache(maxsize=1)
def corpus() -> tuple[CorpusInvoice, ...]:
    return tuple(CorpusInvoice(name, html, inv.expected()) for name, html, inv in _build())


NAMES = [name for name, _html, _inv in _build()]


@lru_cache(maxsize=32)
def pdf(name: str) -> bytes:
    from weasyprint import HTML

    sample = next(item for item in corpus() if item.name == name)
    return HTML(string=sample.html).write_pdf()


def main(folder: str) -> None:
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    for item in corpus():
        (target / f"{item.name}.pdf").write_bytes(pdf(item.name))
        expected = {k: str(v) for k, v in item.expected.items()}
        (target / f"{item.name}.json").write_text(
            json.dumps(expected, indent=2, ensure_ascii=False)
        )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "var/invoice-corpus")
