"""The text layer of a PDF, read in a child process with hard limits (issue 9).

A 1 MB PDF can hold a page whose content stream inflates to 1 GB; PDFium inflates it whole
to find the text, and a web worker read that way grew by 2 GB. So the text layer is never
read in the web process: `run(path)` hands the file to a child process, which

- lowers its own address space (RLIMIT_AS) and CPU time (RLIMIT_CPU) before reading anything,
  and is killed by the parent after a wall-clock timeout;
- reads at most the 3 pages of REC-2 whatever the page count;
- counts the inflated size of those pages' content streams (Form XObjects included), in
  chunks, and gives up past `MAX_CONTENT_BYTES` before PDFium ever sees the page;
- answers one line of JSON on stdout: the texts, capped per page, or the reason it gave up.

The child is forked for each file from a warm worker of this web process (`warm.py`, issue
10: a new interpreter importing PDFium cost ~185 ms per upload); when that worker is busy
(another thread) or cannot start, a new interpreter runs this file as a script, as before.
Either way each file is read by a fresh process under the same limits.

A child that dies, is killed or answers nonsense is an `Extraction` with a `failure`: the
deposit goes on without pre-fill (INV-10), never with an exception. Detection (`detect.py`)
stays in the web process: it reads the page tree, the trailer and the embedded files only,
and pypdf caps every stream it inflates (75 MB).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

# What a real invoice page needs is a few hundred KB of content; 32 MB for the 3 pages read
# is generous and keeps PDFium's own working memory far below the address-space limit.
MAX_CONTENT_BYTES = 32 * 1024 * 1024
MAX_TEXT_CHARS = 200_000  # per page: an invoice page holds a few thousand characters
MAX_XOBJECT_DEPTH = 8
INFLATE_CHUNK = 1024 * 1024

TOO_LARGE = "too_large"  # content over MAX_CONTENT_BYTES, or the address space ran out
TIMEOUT = "timeout"  # CPU or wall-clock limit
FAILED = "failed"  # the child crashed or could not read the file

DEFAULT_MEMORY_MB = 512
DEFAULT_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Extraction:
    pages_read: list[int] = field(default_factory=list)  # 1-based
    texts: list[str] = field(default_factory=list)
    failure: str | None = None  # TOO_LARGE, TIMEOUT, FAILED, or None


def limits() -> tuple[int, float]:
    """(address space in MB, seconds) from the settings, with safe defaults."""
    from django.conf import settings

    memory = getattr(settings, "PDF_EXTRACTION_MEMORY_MB", DEFAULT_MEMORY_MB)
    seconds = getattr(settings, "PDF_EXTRACTION_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS)
    return int(memory), float(seconds)


def run(path: str | os.PathLike) -> Extraction:
    """The boundary: one child process per call, whatever happens in it."""
    memory_mb, seconds = limits()
    path = os.path.abspath(path)  # the child runs in this package's folder
    if warm_enabled():
        from invoicing.recognition.warm import extract

        reply = extract(
            path,
            memory_mb=memory_mb,
            cpu_seconds=max(1, int(seconds)),
            max_content_bytes=MAX_CONTENT_BYTES,
            seconds=seconds,
            env=_child_environment(),
        )
        if reply is not None:
            if reply.timed_out:
                logger.warning("PDF text extraction timed out after %ss: %s", seconds, path)
                return Extraction(failure=TIMEOUT)
            return _answer(reply, path)
    return _run_once(path, memory_mb, seconds)


def warm_enabled() -> bool:
    from django.conf import settings

    return bool(getattr(settings, "PDF_EXTRACTION_WARM", True))


def _run_once(path: str, memory_mb: int, seconds: float) -> Extraction:
    """A new interpreter for this file alone (the warm worker is busy or unavailable)."""
    # Run as a script, not with -m: importing the package would load Django's ORM (a second
    # of start-up); the child needs pypdf, PDFium and `pages.py` only. -E: no PYTHON* variable.
    command = [
        sys.executable,
        "-E",
        __file__,
        f"--memory-mb={memory_mb}",
        f"--cpu-seconds={max(1, int(seconds))}",
        f"--max-content-bytes={MAX_CONTENT_BYTES}",
        path,
    ]
    try:
        completed = subprocess.run(  # noqa: S603 - our own interpreter and module, no shell
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=seconds,
            cwd=Path(__file__).resolve().parent,
            env=_child_environment(),
            check=False,
        )
    except subprocess.TimeoutExpired:  # subprocess.run has killed the child
        logger.warning("PDF text extraction timed out after %ss: %s", seconds, path)
        return Extraction(failure=TIMEOUT)
    except OSError:
        logger.exception("PDF text extraction could not start")
        return Extraction(failure=FAILED)
    return _answer(completed, path)


def _child_environment() -> dict[str, str]:
    """Only what an interpreter needs: no secret of the web process reaches the child."""
    keep = ("PATH", "LANG", "LC_ALL", "TMPDIR")
    return {name: os.environ[name] for name in keep if name in os.environ}


def _answer(completed, path) -> Extraction:
    """`completed`: a CompletedProcess, or a warm worker's reply (the same three fields)."""
    if completed.returncode != 0:
        # Negative: killed by a signal (SIGXCPU at the CPU limit, SIGKILL, SIGABRT when
        # PDFium cannot allocate); positive: Python died (MemoryError before our handler).
        failure = TIMEOUT if completed.returncode == -signal.SIGXCPU else TOO_LARGE
        if completed.returncode > 0 and b"MemoryError" not in completed.stderr:
            failure = FAILED
        logger.warning(
            "PDF text extraction died (code %s): %s %s",
            completed.returncode,
            path,
            completed.stderr[-500:].decode(errors="replace"),
        )
        return Extraction(failure=failure)
    try:
        answer = json.loads(completed.stdout)
        if answer.get("failure"):
            return Extraction(failure=str(answer["failure"]))
        pages = [int(n) for n in answer["pages_read"]][:3]
        texts = [str(t)[:MAX_TEXT_CHARS] for t in answer["texts"]][:3]
    except (ValueError, KeyError, TypeError, AttributeError):
        logger.warning("PDF text extraction answered nonsense: %s", path)
        return Extraction(failure=FAILED)
    return Extraction(pages_read=pages, texts=texts)


# --- The child ----------------------------------------------------------------------------


class ContentTooLarge(Exception):
    pass


def _stream_size(stream, budget: int) -> int:
    """The inflated size of one stream, counted chunk by chunk; ContentTooLarge past budget."""
    filters = stream.get("/Filter")
    if filters is None:
        return len(stream._data)
    if not isinstance(filters, list):
        filters = [filters]
    if [str(f) for f in filters] == ["/FlateDecode"] and not stream.get("/DecodeParms"):
        inflater = zlib.decompressobj()
        data, total = stream._data, 0
        try:
            while data and not inflater.eof:
                total += len(inflater.decompress(data, INFLATE_CHUNK))
                if total > budget:
                    raise ContentTooLarge
                data = inflater.unconsumed_tail
        except zlib.error:
            pass  # a broken stream: PDFium reads what it can, as it did before
        return total
    # Another filter chain: pypdf caps its output (75 MB) and the rlimit holds the rest.
    size = len(stream.get_data())
    if size > budget:
        raise ContentTooLarge
    return size


def _content_size(page, budget: int) -> int:
    """Inflated bytes of a page's content streams and of the Form XObjects it may draw."""
    total = 0
    seen: set[int] = set()

    def visit(obj, depth: int) -> None:
        nonlocal total
        reference = getattr(obj, "idnum", None)  # an indirect reference: visit it once
        obj = obj.get_object() if obj is not None else None
        if obj is None or reference in seen or depth > MAX_XOBJECT_DEPTH:
            return
        if reference is not None:
            seen.add(reference)
        if isinstance(obj, list):
            for item in obj:
                visit(item, depth)
            return
        if hasattr(obj, "_data"):
            total += _stream_size(obj, budget - total)
            if total > budget:
                raise ContentTooLarge
        resources = obj.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        for ref in (xobjects.get_object() if xobjects is not None else {}).values():
            xobject = ref.get_object()
            if xobject.get("/Subtype") == "/Form":
                visit(xobject, depth + 1)

    visit(page.get("/Contents"), 0)
    visit(page, 0)  # the page's own resources: its Form XObjects
    return total


def _pages_module():
    """`pages.py` on its own: the child runs this file as a script, so its folder is first on
    sys.path and the package's __init__ (Django, lxml) is never imported."""
    import pages  # type: ignore[import-not-found]

    return pages


def _check_content(path: str, max_content_bytes: int) -> None:
    pages = _pages_module()
    pages_to_read = pages.pages_to_read
    reader = pages.open_reader(path)
    budget = max_content_bytes
    for index in pages_to_read(len(reader.pages)):
        budget -= _content_size(reader.pages[index], budget)


def _set_limits(memory_mb: int, cpu_seconds: int) -> None:
    import resource

    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))


def answer_for(path: str, max_content_bytes: int) -> dict:
    """The child's whole work on one file, once its limits are set: the JSON answer."""
    try:
        _check_content(path, max_content_bytes)
        with open(path, "rb") as fh:
            numbers, texts = _pages_module().read_pages(fh)
        return {"pages_read": numbers, "texts": [t[:MAX_TEXT_CHARS] for t in texts]}
    except ContentTooLarge:
        return {"failure": TOO_LARGE}
    except MemoryError:
        return {"failure": TOO_LARGE}
    except Exception:  # a file PDFium and pypdf both fail on: no pre-fill
        return {"failure": FAILED}


def preload() -> None:
    """What reading a file imports and initialises, done once by the warm worker before it
    forks: one small PDF of our own is read, so each child starts warm (~3 ms per file)."""
    import gc
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as sample:
        sample.write(_sample_pdf())
        sample.flush()
        answer_for(sample.name, MAX_CONTENT_BYTES)
    gc.freeze()  # the children do not copy the pages of these objects to count them


def _sample_pdf() -> bytes:
    """A one-page PDF with a line of text, its cross-reference table exact."""
    content = b"BT /F1 12 Tf 72 720 Td (Facture 1) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def main(argv: list[str]) -> int:
    options = dict(arg[2:].split("=", 1) for arg in argv[:-1])
    _set_limits(int(options["memory-mb"]), int(options["cpu-seconds"]))
    answer = answer_for(argv[-1], int(options["max-content-bytes"]))
    sys.stdout.write(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
