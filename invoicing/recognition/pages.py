"""The text layer of the pages that recognition reads (REC-1, REC-2).

`read_pages` inflates page content: it runs only in the child process of `isolated.py`,
under its memory, time and content-size limits, never in a web worker (issue 9). This
module imports nothing of the project, so that child starts without Django.
"""

from __future__ import annotations

import logging
import threading
from typing import IO

logger = logging.getLogger(__name__)


def pages_to_read(page_count: int) -> list[int]:
    """REC-2: 0-based indexes of the first, second-to-last and last pages, in page order."""
    if page_count < 1:
        return []
    return sorted({0, max(0, page_count - 2), page_count - 1})


def open_reader(source):
    """A pypdf reader; a PDF encrypted with an empty user password (protected only by an
    owner password against printing or copying: it opens without a password, as many
    accounting tools write them) is decrypted, one that needs a password is left encrypted.
    """
    from pypdf import PdfReader  # loaded only when a PDF is read

    reader = PdfReader(source, strict=False)
    if reader.is_encrypted:
        reader.decrypt("")
    return reader


def needs_password(reader) -> bool:
    """True when the PDF cannot be opened without a user password (the empty one fails)."""
    return bool(reader.is_encrypted) and not reader.decrypt("")


# PDFium is not thread-safe: one document at a time per process (a page takes ~3 ms).
_PDFIUM_LOCK = threading.Lock()


def read_pages(fh: IO[bytes]) -> tuple[list[int], list[str]]:
    """(1-based numbers of the pages read, their text). The file was checked by detection.

    PDFium (pypdfium2) reads the text layer about ten times faster than pypdf, which makes
    the 50 ms budget of a 3-page invoice; pypdf remains the fallback for a file PDFium
    cannot open.
    """
    try:
        return _read_pages_pdfium(fh)
    except ImportError:
        pass
    except Exception:
        logger.warning("PDFium could not read the text layer; falling back on pypdf", exc_info=True)
    fh.seek(0)
    return _read_pages_pypdf(fh)


def _read_pages_pdfium(fh: IO[bytes]) -> tuple[list[int], list[str]]:
    import pypdfium2  # heavy C library: loaded only when a PDF is read

    fh.seek(0)
    numbers: list[int] = []
    texts: list[str] = []
    with _PDFIUM_LOCK:
        document = pypdfium2.PdfDocument(fh, autoclose=False)
        try:
            for index in pages_to_read(len(document)):
                page = document[index]
                textpage = page.get_textpage()
                try:
                    texts.append(textpage.get_text_range() or "")
                finally:
                    textpage.close()
                    page.close()
                numbers.append(index + 1)
        finally:
            document.close()
    return numbers, texts


def _read_pages_pypdf(fh: IO[bytes]) -> tuple[list[int], list[str]]:
    reader = open_reader(fh)
    numbers: list[int] = []
    texts: list[str] = []
    for index in pages_to_read(len(reader.pages)):
        try:
            text = reader.pages[index].extract_text() or ""
        except Exception:  # one odd page never blocks the deposit (INV-10)
            text = ""
        numbers.append(index + 1)
        texts.append(text)
    return numbers, texts
