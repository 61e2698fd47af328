"""Keyword recognition in the text layer of a native PDF (DOMAIN §5.6, REC-5, REC-6).

The pages to read are chosen by `pages.py` (REC-2). Keywords are matched
on a folded copy of each line (lower case, accents removed, every character folded to exactly
one character, so an index in the folded line is the same index in the original line); the
value is the token that follows the keyword on the same line, or, when nothing follows it,
the token that starts the next line (REC-5). Within a field, keywords are grouped in tiers,
the most specific first; inside a tier the first match in page order wins (REC-6).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from stdnum import iban as stdnum_iban

# --- Folding ------------------------------------------------------------------------------

_SPACES = "\u00a0\u202f\u2007\u2009\t\x0b\x0c"
_QUOTES = "\u2019\u2018`\u00b4\u02bc"


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in _SPACES:
        return " "
    if char in _QUOTES:
        return "'"
    if char == "\u00ba":  # masculine ordinal, often typed for the degree sign of "n°"
        return "\u00b0"
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    lower = base.lower()
    if len(lower) == 1:
        return lower
    lower = char.lower()
    return lower if len(lower) == 1 else char


def fold(text: str) -> str:
    """Case- and accent-insensitive copy of `text`, of exactly the same length."""
    return "".join(_fold_char(c) for c in text)


@dataclass(frozen=True)
class Line:
    page: int
    text: str
    folded: str


def split_lines(texts: Sequence[str]) -> list[Line]:
    lines = []
    for page, text in enumerate(texts):
        for raw in text.splitlines():
            if raw.strip():
                lines.append(Line(page, raw, fold(raw)))
    return lines


# --- Values -------------------------------------------------------------------------------

BLANK = object()  # nothing follows the keyword on its line: look at the next line

_NUM = r"(?:n\s*°|no\b\.?|numero\b|num\b\.?)"
_TOKEN = re.compile(r"[a-z0-9][a-z0-9\-_/+.]*")
_DIGIT = re.compile(r"\d")
_SEPARATORS = re.compile(r"[\s:=#]*(?:[-\u2013]\s+)?")
_DATE_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?!\d)")
_DATE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_MONTHS = {
    "janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4,
    "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9,
    "sept": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
}  # fmt: skip
_DATE_WORDS = re.compile(
    r"(\d{1,2})(?:er)?\s+("
    + "|".join(sorted(_MONTHS, key=len, reverse=True))
    + r")\.?\s+(\d{4})(?!\d)"
)
_DATE_PREFIX = re.compile(r"[\s:=]*(?:(?:le|du)\s+)?")
_AMOUNT = re.compile(
    r"(?P<sign>[-\u2212]?)\s*(?:€\s*)?"
    r"(?P<number>\d{1,3}(?:[ .]\d{3})+(?:,\d{1,2})?"  # 1 000,00  1.000,00  1 000
    r"|\d{1,3}(?:[ ,]\d{3})+(?:\.\d{1,2})?"  # 1 000.00  1,000.00
    r"|\d+(?:[.,]\d{1,2})?)"  # 1000,5  1000.50  1000
    r"(?!\d)(?!\s*%)"
)
_AMOUNT_PREFIX = re.compile(
    r"[\s:=]*(?:\((?:€|eur|euros?)\)\s*)?(?:en\s+(?:€|eur|euros?)\s*)?(?:ttc\s*)?[:=]?\s*"
    r"(?:\(?\d{1,2}(?:[.,]\d{1,2})?\s*%\)?\s*[:=]?\s*)?(?:(?:eur|euros?)\s+)?"
)
_SIRET = re.compile(r"(?<!\d)\d(?: ?\d){13}(?!\d)")
_SIRET_LINE_START = re.compile(r"[\s:=]*(?:(?:n\s*°\s*)?siret\s*[:=]?\s*)?")
_IBAN = re.compile(r"(?<![a-z0-9])[a-z]{2}\d{2}(?: ?[a-z0-9]{1,4}){2,9}")
_IBAN_PREFIX = re.compile(r"[\s:=]*")
_ENGAGEMENT_FILLER = re.compile(
    r"(?:[\s:=#]|" + _NUM + r"|juridique\b|\(ej\)|\bd'\s*)*"
)  # fmt: skip
_CURRENCY = re.compile(r"[\s:=]*([a-z]{3})(?![a-z])")

Extractor = Callable[[str, str, int, bool], Any]


def _token_extractor(
    *, require_digit: bool, max_length: int, filler: re.Pattern = _SEPARATORS
) -> Extractor:
    def extract(folded: str, original: str, pos: int, continued: bool) -> Any:
        pos = filler.match(folded, pos).end()
        if not folded[pos:].strip():
            return BLANK
        match = _TOKEN.match(folded, pos)
        if not match:
            return None
        value = original[match.start() : match.end()].rstrip("./-")
        if not value or len(value) > max_length:
            return None
        if require_digit and not _DIGIT.search(value):
            return None
        if parse_date(fold(value)) is not None:  # a date is never a reference
            return None
        return value

    return extract


def parse_date(folded: str, pos: int = 0) -> datetime.date | None:
    for pattern, order in ((_DATE_DMY, "dmy"), (_DATE_ISO, "ymd"), (_DATE_WORDS, "dMy")):
        match = pattern.match(folded, pos)
        if not match:
            continue
        first, second, third = match.groups()
        try:
            if order == "dmy":
                return datetime.date(int(third), int(second), int(first))
            if order == "ymd":
                return datetime.date(int(first), int(second), int(third))
            return datetime.date(int(third), _MONTHS[second], int(first))
        except ValueError:
            return None
    return None


def _date(folded: str, original: str, pos: int, continued: bool) -> Any:
    pos = _DATE_PREFIX.match(folded, pos).end()
    if not folded[pos:].strip():
        return BLANK
    return parse_date(folded, pos)


def parse_amount(folded: str, pos: int = 0) -> Decimal | None:
    match = _AMOUNT.match(folded, pos)
    if not match:
        return None
    number = match.group("number")
    if "," in number and "." in number:  # the last separator is the decimal one
        decimal_sep = "," if number.rfind(",") > number.rfind(".") else "."
    elif re.search(r"[.,]\d{1,2}$", number):
        decimal_sep = number[-2] if number[-2] in ".," else number[-3]
    else:
        decimal_sep = None
    digits = []
    for index, char in enumerate(number):
        if char.isdigit():
            digits.append(char)
        elif char == decimal_sep and index >= len(number) - 3:
            digits.append(".")
    try:
        value = Decimal("".join(digits))
    except InvalidOperation:
        return None
    return -value if match.group("sign") else value


def _amount(folded: str, original: str, pos: int, continued: bool) -> Any:
    pos = _AMOUNT_PREFIX.match(folded, pos).end()
    if not folded[pos:].strip():
        return BLANK
    return parse_amount(folded, pos)


def _siret(folded: str, original: str, pos: int, continued: bool) -> Any:
    if continued:  # on the next line, only a SIRET that starts it
        pos = _SIRET_LINE_START.match(folded, pos).end()
        match = _SIRET.match(folded, pos)
    else:
        if not folded[pos:].strip(" :=-"):
            return BLANK
        match = _SIRET.search(folded, pos)
    return match.group().replace(" ", "") if match else None


def _iban_value(folded: str, match: re.Match) -> str | None:
    groups = match.group().split(" ")
    for count in range(len(groups), 0, -1):  # the next word may have been swallowed
        candidate = "".join(groups[:count]).upper()
        if len(candidate) >= 15 and stdnum_iban.is_valid(candidate):
            return stdnum_iban.compact(candidate)
    return None


def _iban(folded: str, original: str, pos: int, continued: bool) -> Any:
    pos = _IBAN_PREFIX.match(folded, pos).end()
    if not folded[pos:].strip():
        return BLANK
    match = _IBAN.match(folded, pos)
    return _iban_value(folded, match) if match else None


def _currency(folded: str, original: str, pos: int, continued: bool) -> Any:
    match = _CURRENCY.match(folded, pos)
    if not match:
        return BLANK if not folded[pos:].strip(" :=") else None
    return match.group(1).upper()


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
_INVOICE_NUMBER = _token_extractor(require_digit=True, max_length=50)

RULES: dict[str, Rule] = {
    "facture_number": Rule(
        (
            _kw(r"facture\s*" + _NUM, _NUM + r"\s*(?:de\s+(?:la\s+)?)?facture"),
            _kw(r"numero\s+de\s+(?:la\s+)?facture"),
        ),
        _INVOICE_NUMBER,
        not_followed_by=_NOT_ORIGIN,
    ),
    "avoir_number": Rule(
        (_kw(r"avoir\s*" + _NUM, _NUM + r"\s*(?:d'\s*)?avoir", r"numero\s+d'\s*avoir"),),
        _INVOICE_NUMBER,
    ),
    "original_invoice_number": Rule(
        (
            _kw(
                r"facture\s+" + _ORIGIN + r"(?:\s*" + _NUM + r")?",
                _NUM + r"\s*(?:de\s+(?:la\s+)?)?facture\s+" + _ORIGIN,
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
            ),
            _kw(r"date"),
        ),
        _date,
    ),
    "recipient_siret": Rule(
        (
            _kw(r"siret\s+(?:du\s+)?(?:client|dest\w*|acheteur)"),
            _kw(r"ministere"),
        ),
        _siret,
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
        _siret,
        next_line_on_failure=True,
    ),
    "engagement_number": Rule(
        (
            _kw(r"engagement", r"ej(?=\s|:|$)"),
            _kw(r"commande"),
        ),
        _token_extractor(require_digit=True, max_length=50, filler=_ENGAGEMENT_FILLER),
    ),
    "service_code": Rule(
        (_kw(r"code\s+(?:du\s+)?service(?:\s+(?:executant|destinataire))?"),),
        _token_extractor(require_digit=False, max_length=100),
    ),
    "amount_ht": Rule(
        (
            _kw(r"total\s+(?:net\s+)?h\.?\s?t\.?", r"total\s+hors\s+taxes?"),
            _kw(r"montant\s+(?:total\s+)?(?:h\.?\s?t\.?|hors\s+taxes?)"),
        ),
        _amount,
    ),
    "amount_tva": Rule(
        (
            _kw(
                r"total\s+(?:de\s+la\s+)?t\.?v\.?a\.?", r"montant\s+(?:total\s+)?(?:de\s+la\s+)?tva"
            ),
            _kw(r"tva"),
        ),
        _amount,
    ),
    "amount_ttc": Rule(
        (
            _kw(
                r"total\s+t\.?t\.?c\.?",
                r"montant\s+(?:total\s+)?t\.?t\.?c\.?",
                r"total\s+toutes\s+taxes\s+comprises",
            ),
        ),
        _amount,
    ),
    "amount_to_pay": Rule(
        (_kw(r"net\s+a\s+payer", r"(?:montant|reste|solde)\s+(?:net\s+)?a\s+payer"),),
        _amount,
    ),
    "supplier_iban": Rule((_kw(r"iban"),), _iban),
    "currency": Rule((_kw(r"devise"),), _currency),
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
        for match in _IBAN.finditer(line.folded):
            value = _iban_value(line.folded, match)
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
    return {key: val for key, val in result.items() if val is not None}
