"""Writes the structured-invoice corpus (issue 13): UBL 2.1 and CII D16B files in the styles
real software writes, and the Factur-X recipes, with the values each must give.

    .venv/bin/python tests/invoicing/recognition/corpus/generate.py

Every XML file and `expected.json` are committed (text only). A Factur-X case is an XML file
of this folder plus its recipe (profile, attachment name, extra attachments): the test wraps
it in a PDF/A-3 with the factur-x library at run time, so no binary is committed. Expected
values come from the case's specification, never from reading the file back.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).parent
if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[3]))

from tests.invoicing.recognition.corpus.cases import CASES  # noqa: E402
from tests.invoicing.recognition.corpus.writers import cii, ubl  # noqa: E402


def write() -> int:
    expected = {}
    for case in CASES:
        text = cii(case) if case.syntax == "CII" else ubl(case)
        data = text.encode(case.encoding)
        if case.bom:
            data = (b"\xef\xbb\xbf" if case.encoding == "utf-8" else b"") + data
        (HERE / f"{case.name}.xml").write_bytes(data)
        entry = {"file": f"{case.name}.xml", "syntax": case.syntax, "values": case.expected()}
        if case.facturx:
            entry["facturx"] = case.facturx
        expected[case.name] = entry
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n")
    return len(expected)


if __name__ == "__main__":
    print(write(), "cases written")
