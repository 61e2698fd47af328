"""Keyword recognition in the text layer of a native PDF (DOMAIN §5.6, REC-5, REC-6).

The pages to read are chosen by `pages.py` (REC-2). Keywords are matched
on a folded copy of each line (lower case, accents removed, every character folded to exactly
one character, so an index in the folded line is the same index in the original line); the
value is the token that follows the keyword on the same line, or, when nothing follows it,
the token that starts the next line (REC-5). Within a field, keywords are grouped in tiers,
the most specific first; inside a tier the first match in page order wins (REC-6).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from invoicing.recognition.folding import Line, split_lines
from invoicing.recognition.values import (
    BLANK,
    ENGAGEMENT_FILLER,
    IBAN_RE,
    NUM,
    Extractor,
    iban_value,
    read_amount,
    read_currency,
    read_date,
    read_iban,
    read_siret,
    token_extractor,
)

# --- Rules --------------------------------------------------------------------------------


def _kw(*patterns: str) -> re.Pattern:
    """One tier: an alternation of keywords that must not sit inside a longer word."""
    body = "|".join(f"(?:{p})" for p in patterns)
    # After a keyword ending in a letter ("engagement"), no letter may follow; after one
    # ending in a sign ("facture n°"), the value may follow at once ("n°1234").
    return re.compile(rf"(?<![a-z0-9])(?:{body})(?:(?<![a-z0-9])|(?![a-z0-9]))")


@dataclass(frozen=True)
class Rule:
    tiers: tuple[re.Pattern, ...]
    extract: Extractor
    # Text right after the keyword that makes the match someone else's (e.g. "d'origine").
    not_followed_by: re.Pattern | None = None
    # Also look at the start of the next line when the same line has text but no value
    # ("Ministère de l'Intérieur" then "SIRET 110 ..." below it).
    next_line_on_failure: bool = False


_ORIGIN = r"(?:d'\s*origine|initiale?|originale?|annulee|rectifiee|de\s+reference)"


_NOT_ORIGIN = re.compile(r"\s*" + _ORIGIN + r"(?![a-z])")


_INVOICE_NUMBER = token_extractor(require_digit=True, max_length=50)


RULES: dict[str, Rule] = {
    "facture_number": Rule(
        (
            _kw(r"facture\s*" + NUM, NUM + r"\s*(?:de\s+(?:la\s+)?)?facture"),
            _kw(r"numero\s+de\s+(?:la\s+)?facture"),
            # "Facture FA-2017-0010": no "n°"; the token must hold a digit and not be a date
            _kw(r"facture(?!\s+(?:du|de|d'|a|pour|en)\b)"),
        ),
        _INVOICE_NUMBER,
        not_followed_by=_NOT_ORIGIN,
    ),
    "avoir_number": Rule(
        (_kw(r"avoir\s*" + NUM, NUM + r"\s*(?:d'\s*)?avoir", r"numero\s+d'\s*avoir"),),
        _INVOICE_NUMBER,
    ),
    "original_invoice_number": Rule(
        (
            _kw(
                r"facture\s+" + _ORIGIN + r"(?:\s*" + NUM + r")?",
                NUM + r"\s*(?:de\s+(?:la\s+)?)?facture\s+" + _ORIGIN,
            ),
        ),
        _INVOICE_NUMBER,
    ),
    "invoice_date": Rule(
        (
            _kw(
                r"date\s+(?:de\s+(?:la\s+)?)?(?:facture|facturation)",
                r"date\s+d'\s*emission",
                r"date\s+de\s+l'\s*avoir",
                # "Facture du 2 juillet 2017", "FACTURE N° FA-12 du 12 mars 2026"
                r"facture\s+(?:" + NUM + r"\s*[^\s]+\s+)?du",
            ),
            # any other date label, but never a due, order or delivery date
            _kw(r"date(?!\s+(?:d'\s*echeance|de\s+(?:commande|livraison|paiement|reglement)))"),
        ),
        read_date,
    ),
    "recipient_siret": Rule(
        (
            _kw(r"siret\s+(?:du\s+)?(?:client|dest\w*|acheteur)"),
            _kw(r"ministere"),
        ),
        read_siret,
        next_line_on_failure=True,
    ),
    "supplier_siret": Rule(
        (
            _kw(
                r"siret\s+(?:du\s+)?(?:fournisseur|emetteur|vendeur|prestataire|titulaire)",
                r"notre\s+(?:n\s*°\s*(?:de\s+)?)?siret",
            ),
            _kw(r"siret(?!\s+(?:du\s+)?(?:client|dest|acheteur))"),
        ),
        read_siret,
        next_line_on_failure=True,
    ),
    "engagement_number": Rule(
        (
            _kw(r"engagement", r"ej(?=\s|:|$)"),
            _kw(r"commande"),
        ),
        token_extractor(require_digit=True, max_length=50, filler=ENGAGEMENT_FILLER),
    ),
    "service_code": Rule(
        (_kw(r"code\s+(?:du\s+)?service(?:\s+(?:executant|destinataire))?"),),
        token_extractor(require_digit=False, max_length=100),
    ),
    "amount_ht": Rule(
        (
            _kw(r"total\s+(?:net\s+)?h\.?\s?t\.?", r"total\s+hors\s+taxes?"),
            _kw(r"montant\s+(?:total\s+)?(?:h\.?\s?t\.?|hors\s+taxes?)"),
        ),
        read_amount,
    ),
    "amount_tva": Rule(
        (
            # a total first: "Montant TVA" is also a column heading of the VAT recap
            _kw(r"total\s+(?:de\s+la\s+)?t\.?v\.?a\.?"),
            _kw(r"montant\s+(?:total\s+)?(?:de\s+la\s+)?tva"),
            _kw(r"tva"),
            _kw(r"(?<!hors )taxes?(?!\s+comprises)"),
        ),
        read_amount,
    ),
    "amount_ttc": Rule(
        (
            _kw(
                r"total\s+t\.?t\.?c\.?",
                r"montant\s+(?:total\s+)?t\.?t\.?c\.?",
                r"total\s+toutes\s+taxes\s+comprises",
            ),
        ),
        read_amount,
    ),
    "amount_to_pay": Rule(
        (_kw(r"net\s+a\s+payer", r"(?:montant|reste|solde)\s+(?:net\s+)?a\s+payer"),),
        read_amount,
    ),
    "supplier_iban": Rule((_kw(r"iban"),), read_iban),
    "currency": Rule((_kw(r"devise"),), read_currency),
}


@dataclass(frozen=True)
class Found:
    value: Any
    line: int
    column: int


def find(lines: Sequence[Line], rule: Rule, accept: Callable[[Any], bool] | None = None):
    for tier in rule.tiers:
        for index, line in enumerate(lines):
            for match in tier.finditer(line.folded):
                if rule.not_followed_by and rule.not_followed_by.match(line.folded, match.end()):
                    continue
                value = rule.extract(line.folded, line.text, match.end(), False)
                if value is BLANK or (value is None and rule.next_line_on_failure):
                    following = lines[index + 1] if index + 1 < len(lines) else None
                    value = None
                    if following is not None and following.page == line.page:
                        value = rule.extract(following.folded, following.text, 0, True)
                        value = None if value is BLANK else value
                if value is not None and (accept is None or accept(value)):
                    return Found(value, index, match.start())
    return None


def _any_iban(lines: Sequence[Line]) -> str | None:
    for line in lines:
        for match in IBAN_RE.finditer(line.folded):
            value = iban_value(line.folded, match)
            if value:
                return value
    return None


def recognise(texts: Sequence[str]) -> dict[str, Any]:
    """Field name → recognised value, for the fields of `Prefill` found in `texts`."""
    lines = split_lines(texts)
    result: dict[str, Any] = {}

    def value(name: str, accept=None):
        found = find(lines, RULES[name], accept)
        return found.value if found else None

    facture = find(lines, RULES["facture_number"])
    avoir = find(lines, RULES["avoir_number"])
    if facture and (not avoir or (facture.line, facture.column) <= (avoir.line, avoir.column)):
        result["invoice_number"], result["invoice_type"] = facture.value, "FACTURE"
    elif avoir:
        result["invoice_number"], result["invoice_type"] = avoir.value, "AVOIR"
    for name in (
        "original_invoice_number",
        "invoice_date",
        "recipient_siret",
        "engagement_number",
        "service_code",
        "amount_ht",
        "amount_tva",
        "amount_ttc",
        "amount_to_pay",
        "currency",
    ):
        result[name] = value(name)
    recipient = result["recipient_siret"]
    result["supplier_siret"] = value("supplier_siret", accept=lambda v: v != recipient)
    result["supplier_iban"] = value("supplier_iban") or _any_iban(lines)
    _drop_inconsistent_totals(result)
    return {key: val for key, val in result.items() if val is not None}


def _drop_inconsistent_totals(result: dict[str, Any]) -> None:
    """HT + TVA must make TTC: when the three were read and do not add up, one of them was
    misread (a VAT recap line, a base "soumis à TVA"): better leave the three empty than
    fill them wrongly. The amount to pay cannot exceed the TTC either."""
    ht, tva, ttc = result.get("amount_ht"), result.get("amount_tva"), result.get("amount_ttc")
    if ht is not None and tva is not None and ttc is not None and ht + tva != ttc:
        result["amount_ht"] = result["amount_tva"] = result["amount_ttc"] = None
    to_pay = result.get("amount_to_pay")
    if to_pay is not None and ttc is not None and to_pay > ttc:
        result["amount_to_pay"] = None
