"""The one way the portal exports CSV (issue 9, items 6 and 9).

- Semicolon-separated UTF-8 with a byte-order mark, so that spreadsheet software shows accents.
- Streamed row by row: an export of 300,000 invoices never sits in memory.
- Cells that a spreadsheet would run as a formula (starting with = + - @ tab or carriage return)
  are neutralised with a leading apostrophe; numbers are written as numbers.
- The first row is produced before the response starts, so a database failure gives an error
  page, not a 200 with a header and nothing else.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.http import StreamingHttpResponse

BOM = "\ufeff"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str | int | float | Decimal:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class _Echo:
    """A file-like object whose write() hands back the line, for csv.writer streaming."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Iterable], *, bom: bool = True) -> Iterator[str]:
    """Each row as one CSV line; the first line starts with the byte-order mark."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    for index, row in enumerate(rows):
        line = writer.writerow([safe_cell(cell) for cell in row])
        yield (BOM + line) if (bom and index == 0) else line


def csv_response(filename: str, rows: Iterable[Iterable], *, bom: bool = True):
    """A streamed CSV download. `rows` yields the header first, then the data rows."""
    lines = csv_lines(rows, bom=bom)
    # Pull the header and the first data row now: the first query runs inside the view.
    head = list(itertools.islice(lines, 2))
    response = StreamingHttpResponse(
        itertools.chain(head, lines), content_type="text/csv; charset=utf-8"
    )
    safe_name = "".join(c for c in filename if c.isalnum() or c in "-_.") or "export.csv"
    response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    return response
