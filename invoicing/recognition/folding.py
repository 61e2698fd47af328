"""Lines of a PDF text layer, and their folded copy (lower case, accents removed, every
character folded to exactly one character, so an index in the folded line is the same index
in the original line)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

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
