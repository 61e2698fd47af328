"""The values a keyword announces (REC-5): dates, amounts, SIRET, IBAN, currency and
reference tokens, each read from the text that follows the keyword."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from stdnum import iban as stdnum_iban

from invoicing.recognition.folding import fold
from invoicing.rules.fields import bounded_amount

BLANK = object()  # nothing follows the keyword on its line: look at the next line


NUM = r"(?:n\s*°|no\b\.?|numero\b|num\b\.?)"


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


IBAN_RE = re.compile(r"(?<![a-z0-9])[a-z]{2}\d{2}(?: ?[a-z0-9]{1,4}){2,9}")


_IBAN_PREFIX = re.compile(r"[\s:=]*")


ENGAGEMENT_FILLER = re.compile(
    r"(?:[\s:=#]|" + NUM + r"|juridique\b|\(ej\)|\bd'\s*)*"
)  # fmt: skip


_CURRENCY = re.compile(r"[\s:=]*([a-z]{3})(?![a-z])")


Extractor = Callable[[str, str, int, bool], Any]


def token_extractor(
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


def read_date(folded: str, original: str, pos: int, continued: bool) -> Any:
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
    if bounded_amount(value) is None:  # issue 9: out of the money columns' bounds
        return None
    return -value if match.group("sign") else value


def read_amount(folded: str, original: str, pos: int, continued: bool) -> Any:
    pos = _AMOUNT_PREFIX.match(folded, pos).end()
    if not folded[pos:].strip():
        return BLANK
    return parse_amount(folded, pos)


def read_siret(folded: str, original: str, pos: int, continued: bool) -> Any:
    if continued:  # on the next line, only a SIRET that starts it
        pos = _SIRET_LINE_START.match(folded, pos).end()
        match = _SIRET.match(folded, pos)
    else:
        if not folded[pos:].strip(" :=-"):
            return BLANK
        match = _SIRET.search(folded, pos)
    return match.group().replace(" ", "") if match else None


def iban_value(folded: str, match: re.Match) -> str | None:
    groups = match.group().split(" ")
    for count in range(len(groups), 0, -1):  # the next word may have been swallowed
        candidate = "".join(groups[:count]).upper()
        if len(candidate) >= 15 and stdnum_iban.is_valid(candidate):
            return stdnum_iban.compact(candidate)
    return None


def read_iban(folded: str, original: str, pos: int, continued: bool) -> Any:
    pos = _IBAN_PREFIX.match(folded, pos).end()
    if not folded[pos:].strip():
        return BLANK
    match = IBAN_RE.match(folded, pos)
    return iban_value(folded, match) if match else None


def read_currency(folded: str, original: str, pos: int, continued: bool) -> Any:
    match = _CURRENCY.match(folded, pos)
    if not match:
        return BLANK if not folded[pos:].strip(" :=") else None
    return match.group(1).upper()
