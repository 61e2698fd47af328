"""Format detection by content, never by name (DOMAIN §5.7).

Magic bytes from the first KB, then pypdf on the open file (objects are read lazily, so a
large PDF is never loaded whole), a streaming XML scan, or a walk through a lot's entries.
"""

from __future__ import annotations

import re
import shutil
import tarfile
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext_lazy as _

import invoicing.recognition.errors as errors
import invoicing.recognition.pages as pages
import invoicing.recognition.xmlsafe as xmlsafe
from invoicing.recognition.errors import UnreadableFile
from invoicing.recognition.sources import iter_chunks, opened, read_head, read_tail

PDF_NON_SIGNE = "PDF_NON_SIGNE"
PDF_SIGNE_PADES = "PDF_SIGNE_PADES"
IN_DP_E2_CII_FACTURX = "IN_DP_E2_CII_FACTURX"
IN_DP_E1_UBL_INVOICE = "IN_DP_E1_UBL_INVOICE"
IN_DP_E1_CII_16B = "IN_DP_E1_CII_16B"
ARCHIVE = "ARCHIVE"

PDF_KINDS = frozenset({PDF_NON_SIGNE, PDF_SIGNE_PADES})
STRUCTURED_KINDS = frozenset({IN_DP_E2_CII_FACTURX, IN_DP_E1_UBL_INVOICE, IN_DP_E1_CII_16B})

LABELS = {
    PDF_NON_SIGNE: _("PDF non signé"),
    PDF_SIGNE_PADES: _("PDF signé (PAdES)"),
    IN_DP_E2_CII_FACTURX: _("Factur-X"),
    IN_DP_E1_UBL_INVOICE: _("XML UBL 2.1"),
    IN_DP_E1_CII_16B: _("XML CII D16B"),
    ARCHIVE: _("Lot (archive zip ou tar.gz)"),
}
MIME_TYPES = {
    PDF_NON_SIGNE: "application/pdf",
    PDF_SIGNE_PADES: "application/pdf",
    IN_DP_E2_CII_FACTURX: "application/pdf",
    IN_DP_E1_UBL_INVOICE: "application/xml",
    IN_DP_E1_CII_16B: "application/xml",
}

# Names under which Factur-X / ZUGFeRD 2 embed their CII (the factur-x library's list).
FACTURX_NAMES = frozenset({"factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml"})
MAX_EMBEDDED_XML = 10 * 1024 * 1024  # FLW-9: 10 MB per embedded file
PDF_EOF_WINDOW = 1024  # the PDF specification puts %%EOF in the last 1024 bytes
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
GZIP_MAGIC = b"\x1f\x8b"
# A lot is scanned only this far (entries and uncompressed bytes): detection stays cheap.
MAX_LOT_ENTRIES = 500
MAX_LOT_SCAN_BYTES = 64 * 1024 * 1024

# Detection runs in the web process and pypdf inflates whole the streams it reads there
# (cross-reference and object streams, an embedded factur-x.xml); its own cap is 75 MB a
# stream, which a 1 MB file reaches. A real one needs far less (an embedded XML at most
# 10 MB, FLW-9): past this, an embedded file is ignored and a structure is unreadable. Page
# content is never inflated here (`isolated.py` reads it in a child process, issue 9).
MAX_INFLATED_STREAM = MAX_EMBEDDED_XML + 1024 * 1024

_SIG_BYTERANGE = re.compile(rb"/ByteRange\s*\[")
_SIG_TYPE = re.compile(rb"/Type\s*/Sig\b")


@dataclass(frozen=True)
class DetectedFormat:
    kind: str
    page_count: int | None = None
    signed: bool = False  # a signature dictionary is present (also for a signed Factur-X)
    xml_root: str | None = None  # Invoice, CreditNote or CrossIndustryInvoice
    embedded_xml_name: str | None = None  # Factur-X: the attachment holding the CII
    archive_type: str | None = None  # "zip" or "tar.gz"
    entries: tuple[tuple[str, str | None], ...] = ()  # lot entries: (name, kind or None)
    entries_syntax: str | None = None  # the single syntax of every entry, else None
    entries_complete: bool = True  # False when the lot was too large to scan whole
    embedded_xml: bytes | None = field(default=None, repr=False, compare=False)
    # Factur-X: whether other named files are embedded (True when unknown)
    embeds_others: bool = field(default=True, repr=False, compare=False)

    @property
    def label(self):
        return LABELS[self.kind]

    @property
    def mime_type(self) -> str:
        return MIME_TYPES.get(self.kind, "application/octet-stream")

    @property
    def is_pdf(self) -> bool:
        return self.kind in PDF_KINDS or self.kind == IN_DP_E2_CII_FACTURX

    @property
    def is_structured(self) -> bool:
        return self.kind in STRUCTURED_KINDS


def detect_format(source: Any) -> DetectedFormat:
    """The format of a path, binary file or Django upload; UnreadableFile when refused."""
    with opened(source) as fh:
        head = read_head(fh)
        if not head:
            raise UnreadableFile(errors.EMPTY, code="empty")
        if head.startswith(b"%PDF-"):
            with bounded_pypdf():
                return _detect_pdf(fh)
        if head.startswith(ZIP_MAGICS):
            return _detect_zip(fh)
        if head.startswith(GZIP_MAGIC):
            return _detect_tar_gz(fh)
        if _looks_like_xml(head):
            fh.seek(0)
            syntax, root = xmlsafe.scan_root(fh)
            kind = IN_DP_E1_UBL_INVOICE if syntax == xmlsafe.UBL else IN_DP_E1_CII_16B
            return DetectedFormat(kind=kind, xml_root=root)
    raise UnreadableFile(errors.NOT_RECOGNISED, code="not_recognised")


def check_pdf(source: Any) -> int:
    """REC-3 and readability only (attachments reuse it): the page count, or UnreadableFile."""
    with opened(source) as fh:
        if not read_head(fh, 5) == b"%PDF-":
            raise UnreadableFile(errors.PDF_UNREADABLE, code="pdf_unreadable")
        with bounded_pypdf():
            _reader, page_count = _open_pdf(fh)
        return page_count


@contextmanager
def bounded_pypdf():
    """pypdf's decompression limits lowered to MAX_INFLATED_STREAM (this context only)."""
    from pypdf import apply_configuration

    limit = MAX_INFLATED_STREAM
    with apply_configuration(
        zlib_maximum_output_length=limit,
        lzw_maximum_output_length=limit,
        run_length_maximum_output_length=limit,
        brotli_maximum_output_length=limit,
        array_based_stream_maximum_output_length=limit,
        maximum_declared_stream_length=limit,
        jbig2_maximum_output_length=limit,
        image_maximum_buffer_size=limit,
    ):
        yield


def _looks_like_xml(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 byte order marks
        return True
    return head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<")


def _open_pdf(fh: IO[bytes]):
    # A truncated file loses its trailer: pypdf would rebuild a partial document from the
    # pieces, so the end marker is checked first.
    if b"%%EOF" not in read_tail(fh, PDF_EOF_WINDOW):
        raise UnreadableFile(errors.PDF_UNREADABLE, code="pdf_truncated")
    try:
        reader = pages.open_reader(fh)
        # Only a PDF that needs a password to open is refused; one protected by an owner
        # password only (printing, copying) opens as it is and is accepted.
        if pages.needs_password(reader):
            raise UnreadableFile(errors.PDF_ENCRYPTED, code="pdf_encrypted")
        page_count = len(reader.pages)
    except UnreadableFile:
        raise
    except Exception as exc:  # pypdf raises many kinds of errors on broken files
        raise UnreadableFile(errors.PDF_UNREADABLE, code="pdf_unreadable") from exc
    if page_count < 1:
        raise UnreadableFile(errors.PDF_UNREADABLE, code="pdf_unreadable")
    return reader, page_count


def _detect_pdf(fh: IO[bytes]) -> DetectedFormat:
    reader, page_count = _open_pdf(fh)
    signed = _has_signature(reader, fh)
    embedded = _facturx_xml(reader)
    if embedded is not None:  # FMT-1: Factur-X wins over PAdES
        name, xml, root, others = embedded
        return DetectedFormat(
            kind=IN_DP_E2_CII_FACTURX,
            page_count=page_count,
            signed=signed,
            xml_root=root,
            embedded_xml_name=name,
            embedded_xml=xml,
            embeds_others=others,
        )
    return DetectedFormat(
        kind=PDF_SIGNE_PADES if signed else PDF_NON_SIGNE, page_count=page_count, signed=signed
    )


def _has_signature(reader, fh: IO[bytes]) -> bool:
    """A signature dictionary: first through the form fields, then a raw scan of the file
    (a signature dictionary is never compressed: its /ByteRange points into the file)."""
    try:
        form = reader.trailer["/Root"].get("/AcroForm")
        fields = list(form.get_object().get("/Fields") or []) if form else []
        seen = 0
        while fields and seen < 10_000:
            item = fields.pop().get_object()
            seen += 1
            value = item.get("/V")
            value = value.get_object() if value is not None else None
            if item.get("/FT") == "/Sig" and hasattr(value, "get") and "/ByteRange" in value:
                return True
            fields.extend(item.get("/Kids") or [])
    except Exception:  # noqa: S110 - a broken form tree: the raw scan below decides
        pass
    found_range = found_type = False
    overlap = b""
    for chunk in iter_chunks(fh):
        window = overlap + chunk
        found_range = found_range or bool(_SIG_BYTERANGE.search(window))
        found_type = found_type or bool(_SIG_TYPE.search(window))
        if found_range and found_type:
            return True
        overlap = window[-64:]
    return False


def _facturx_xml(reader) -> tuple[str, bytes, str, bool] | None:
    """(name, xml, root, others) of an embedded CII invoice under a Factur-X name, else
    None; `others`: the PDF may embed other named files (a flow stores them as attachments,
    FLW-8, and need not read the PDF again when it embeds none).

    An attachment that is malformed or not CII leaves the file a plain PDF (the factur-x
    library does the same), so the supplier can still deposit it with recognition.
    """
    seen_other = False
    try:
        attachments = iter(reader.attachment_list)
        for attachment in attachments:
            name = (attachment.name or "").strip()
            if name.lower() not in FACTURX_NAMES:
                seen_other = seen_other or bool(name)
                continue
            size = attachment.size
            if size is not None and size > MAX_EMBEDDED_XML:
                seen_other = True
                continue
            content = attachment.content
            if not content or len(content) > MAX_EMBEDDED_XML:
                seen_other = True
                continue
            try:
                root = xmlsafe.parse(content)
            except UnreadableFile:
                seen_other = True
                continue
            syntax = xmlsafe.syntax_of(root)
            if syntax and syntax[0] == xmlsafe.CII:
                return name, content, syntax[1], seen_other or _any_named(attachments, name)
            seen_other = True
    except Exception:  # a broken name tree: no usable attachment
        return None
    return None


def _any_named(attachments, xml_name: str) -> bool:
    """Whether the rest of `attachments` holds a named file other than `xml_name` (True
    when the name tree breaks: the flow then reads the PDF again, as it did)."""
    try:
        return any((a.name or "").strip() not in ("", xml_name) for a in attachments)
    except Exception:  # noqa: BLE001 - a broken name tree
        return True


# --- Lots ------------------------------------------------------------------------------


def _entry_kind(stream: IO[bytes], size_hint: int | None) -> str | None:
    """The kind of one lot entry, read from a non-seekable stream; None when not usable."""
    head = stream.read(1024)
    if head.startswith(b"%PDF-"):
        if size_hint is not None and size_hint > MAX_LOT_SCAN_BYTES:
            return None
        with tempfile.TemporaryFile() as spool:
            spool.write(head)
            shutil.copyfileobj(stream, spool, 64 * 1024)
            try:
                return detect_format(spool).kind
            except UnreadableFile:
                return None
    if _looks_like_xml(head):
        try:
            syntax, _root = xmlsafe.scan_root(_Prefixed(head, stream), whole=False)
        except UnreadableFile:
            return None
        return IN_DP_E1_UBL_INVOICE if syntax == xmlsafe.UBL else IN_DP_E1_CII_16B
    return None


class _Prefixed:
    """A read-only stream that first replays bytes already read."""

    def __init__(self, prefix: bytes, stream: IO[bytes]):
        self._prefix = prefix
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        if self._prefix:
            data, self._prefix = self._prefix, b""
            return data
        return self._stream.read(size)


def _is_system_file(name: str) -> bool:
    """Files an archiver adds on its own (macOS resource forks), not entries of the lot."""
    return name.startswith("__MACOSX/") or name.rsplit("/", 1)[-1].startswith("._")


def _lot(archive_type: str, entries: list[tuple[str, str | None]], complete: bool):
    kinds = {kind for _name, kind in entries}
    syntax = None
    if complete and len(kinds) == 1 and next(iter(kinds)) in STRUCTURED_KINDS:
        syntax = next(iter(kinds))
    return DetectedFormat(
        kind=ARCHIVE,
        archive_type=archive_type,
        entries=tuple(entries),
        entries_syntax=syntax,
        entries_complete=complete,
    )


def _detect_zip(fh: IO[bytes]) -> DetectedFormat:
    entries: list[tuple[str, str | None]] = []
    complete = True
    scanned = 0
    try:
        with zipfile.ZipFile(fh) as archive:
            for info in archive.infolist():
                if info.is_dir() or _is_system_file(info.filename):
                    continue
                if len(entries) >= MAX_LOT_ENTRIES or scanned > MAX_LOT_SCAN_BYTES:
                    complete = False
                    break
                scanned += info.file_size
                with archive.open(info) as stream:
                    entries.append((info.filename, _entry_kind(stream, info.file_size)))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, EOFError, OSError) as exc:
        raise UnreadableFile(errors.ARCHIVE_UNREADABLE, code="archive_unreadable") from exc
    return _lot("zip", entries, complete)


def _detect_tar_gz(fh: IO[bytes]) -> DetectedFormat:
    entries: list[tuple[str, str | None]] = []
    complete = True
    scanned = 0
    try:
        with tarfile.open(fileobj=fh, mode="r|gz") as archive:
            for member in archive:
                if not member.isfile() or _is_system_file(member.name):
                    continue
                if len(entries) >= MAX_LOT_ENTRIES or scanned > MAX_LOT_SCAN_BYTES:
                    complete = False
                    break
                scanned += member.size
                stream = archive.extractfile(member)
                entries.append((member.name, _entry_kind(stream, member.size)))
    except tarfile.ReadError as exc:
        if not entries:  # a gzip file that is no tar: not a lot
            raise UnreadableFile(errors.NOT_RECOGNISED, code="not_recognised") from exc
        raise UnreadableFile(errors.ARCHIVE_UNREADABLE, code="archive_unreadable") from exc
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise UnreadableFile(errors.ARCHIVE_UNREADABLE, code="archive_unreadable") from exc
    return _lot("tar.gz", entries, complete)
