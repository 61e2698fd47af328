"""Uploaded files: the attachment rules (ATT-1 to ATT-5), streamed storage and download.

Sizes are checked before anything is read; the type is checked on the first KB (magic
bytes), never trusted from the name or the browser; files are written and hashed chunk by
chunk under a random name; downloads are always `Content-Disposition: attachment`.
"""

from __future__ import annotations

import codecs
import hashlib
import mimetypes
import os
import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from invoicing.recognition.detect import check_pdf
from invoicing.recognition.errors import UnreadableFile

MAX_NAME_LENGTH = 50  # ATT-1, extension included
MAX_FILE_SIZE = 10 * 1024 * 1024  # ATT-3
MAX_DOSSIER_SIZE = 120 * 1024 * 1024  # ATT-4, portal entry or PDF deposit
HEAD_SIZE = 8192
CHUNK_SIZE = 64 * 1024
# A file derived from a stored upload and kept beside it (the deposit's pre-fill, read once
# from the file): deleted with it.
PREFILL_SUFFIX = ".prefill.json"

# ATT-2 (seed), plus XSD and XSL listed by the API specification.
ALLOWED_EXTENSIONS = frozenset(
    {
        "bmp", "gif", "fax", "odt", "ppt", "tiff", "xls", "bz2", "gz", "jpeg", "p7s", "rtf",
        "txt", "xml", "csv", "gzip", "jpg", "pdf", "svg", "xhtml", "xlsx", "doc", "htm", "odp",
        "png", "tgz", "xlc", "zip", "docx", "html", "ods", "pps", "tif", "xlm", "pptx", "xsd",
        "xsl",
    }
)  # fmt: skip
TEXT_EXTENSIONS = frozenset({"txt", "csv", "xml", "htm", "html", "xhtml", "svg", "xsd", "xsl"})

# Known signatures (ATT-5). Order matters only where one is a prefix of another.
SIGNATURES: tuple[tuple[str, bytes], ...] = (
    ("pdf", b"%PDF-"),
    ("png", b"\x89PNG\r\n\x1a\n"),
    ("jpeg", b"\xff\xd8\xff"),
    ("gif", b"GIF87a"),
    ("gif", b"GIF89a"),
    ("tiff", b"II*\x00"),
    ("tiff", b"MM\x00*"),
    ("zip", b"PK\x03\x04"),
    ("zip", b"PK\x05\x06"),
    ("zip", b"PK\x07\x08"),
    ("gzip", b"\x1f\x8b"),
    ("bz2", b"BZh"),
    ("ole2", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
    ("rtf", b"{\\rtf"),
    ("exe", b"MZ"),
    ("elf", b"\x7fELF"),
    ("macho", b"\xcf\xfa\xed\xfe"),
    ("macho", b"\xce\xfa\xed\xfe"),
    ("java", b"\xca\xfe\xba\xbe"),
    ("7z", b"7z\xbc\xaf\x27\x1c"),
    ("rar", b"Rar!\x1a\x07"),
    ("bmp", b"BM"),
    ("wasm", b"\x00asm"),
)
# What each extension's content may start with. `None` in the set: no known signature
# is also fine (formats without a reliable magic number).
EXPECTED: dict[str, frozenset[str | None]] = {
    "pdf": frozenset({"pdf"}),
    "png": frozenset({"png"}),
    "jpg": frozenset({"jpeg"}),
    "jpeg": frozenset({"jpeg"}),
    "gif": frozenset({"gif"}),
    "bmp": frozenset({"bmp"}),
    "tif": frozenset({"tiff"}),
    "tiff": frozenset({"tiff"}),
    "fax": frozenset({"tiff", None}),
    "zip": frozenset({"zip"}),
    "docx": frozenset({"zip"}),
    "xlsx": frozenset({"zip"}),
    "pptx": frozenset({"zip"}),
    "odt": frozenset({"zip"}),
    "ods": frozenset({"zip"}),
    "odp": frozenset({"zip"}),
    "gz": frozenset({"gzip"}),
    "gzip": frozenset({"gzip"}),
    "tgz": frozenset({"gzip"}),
    "bz2": frozenset({"bz2"}),
    "doc": frozenset({"ole2"}),
    "xls": frozenset({"ole2"}),
    "ppt": frozenset({"ole2"}),
    "pps": frozenset({"ole2"}),
    "xlc": frozenset({"ole2", None}),
    "xlm": frozenset({"ole2", None}),
    "rtf": frozenset({"rtf"}),
    "p7s": frozenset({None}),  # DER or PEM: no fixed magic number
}
# In a text file, only these unambiguous binary signatures are looked for; short ASCII
# ones ("MZ", "BM") would refuse honest text, and the NUL-byte test catches those binaries.
_BINARY_IN_TEXT = frozenset(
    {"pdf", "png", "jpeg", "gif", "tiff", "zip", "gzip", "ole2", "elf", "macho", "java", "7z", "rar", "wasm"}
)  # fmt: skip

_UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_UNSAFE = re.compile(r'[<>:"/\\|?*]')


@dataclass(frozen=True)
class CheckedFile:
    name: str  # sanitised display name (original extension kept)
    original_name: str
    extension: str  # lower case, without the dot
    size: int
    content_type: str
    signature: str | None  # the known signature found, if any


@dataclass(frozen=True)
class StoredFile:
    path: str  # relative to MEDIA_ROOT, POSIX separators
    size: int
    sha256: str
    original_name: str


def _basename(name: str) -> str:
    return re.split(r"[\\/]", name or "")[-1]


def sanitize_filename(name: str) -> str:
    """A safe display name: no directories, no control characters, the extension kept.

    Never used as a storage path (`store_upload` draws a random one).
    """
    name = unicodedata.normalize("NFC", _basename(str(name)))
    name = _CONTROL.sub("", name)
    name = "".join(c for c in name if unicodedata.category(c) not in {"Cc", "Cf", "Zl", "Zp"})
    name = _UNSAFE.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip(" ").rstrip(".")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    stem = stem.strip(" .") or "fichier"
    extension = extension.strip(" .")
    stem = stem[: 200 - len(extension)]
    return f"{stem}.{extension}" if extension else stem


def extension_of(name: str) -> str:
    base = _basename(name)
    return base.rpartition(".")[2].lower() if "." in base.strip(".") else ""


def signature_of(head: bytes) -> str | None:
    for kind, magic in SIGNATURES:
        if head.startswith(magic):
            return kind
    return None


def _read_head(uploaded_file) -> bytes:
    uploaded_file.seek(0)
    head = uploaded_file.read(HEAD_SIZE)
    uploaded_file.seek(0)
    return head


def _looks_binary(head: bytes) -> bool:
    """A NUL marks a binary file, except in UTF-16 text, which format detection reads (§5.7,
    a UBL or CII invoice with a UTF-16 byte order mark): there, every other byte of ASCII is
    NUL, so the text is decoded first and must be valid UTF-16 without a NUL character."""
    encoding = _UTF16_BOMS.get(head[:2])
    if encoding is None:
        return b"\x00" in head
    decoder = codecs.getincrementaldecoder(encoding)()
    try:  # not final: the head may end inside a character
        text = decoder.decode(head[2:], final=False)
    except UnicodeDecodeError:
        return True
    return "\x00" in text


def validate_attachment(
    uploaded_file, *, current_dossier_size: int = 0, check_structure: bool = True
) -> CheckedFile:
    """ATT-1 to ATT-5 on a Django upload (or any File with `.name`, `.size`, `.read`).

    `current_dossier_size`: bytes already in the dossier (invoice + other attachments).
    `check_structure=False`: a PDF's structure is not opened here, because the caller opens
    it right after with the same checks (the deposit's format detection: one parse, not two).
    Raises ValidationError (French message, stable `code`).
    """
    original = _basename(getattr(uploaded_file, "name", "") or "")
    if len(original) > MAX_NAME_LENGTH:
        raise ValidationError(
            _(
                "Le nom du fichier « %(name)s » dépasse %(max)d caractères (extension comprise) : "
                "renommez-le avant de le déposer."
            ),
            code="name_too_long",
            params={"name": original, "max": MAX_NAME_LENGTH},
        )
    extension = extension_of(original)
    if not extension:
        raise ValidationError(
            _("Le nom du fichier doit comporter une extension (par exemple .pdf)."),
            code="extension_missing",
        )
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            _("Les fichiers .%(extension)s ne sont pas acceptés. Formats acceptés : %(allowed)s."),
            code="extension_not_allowed",
            params={
                "extension": extension,
                "allowed": ", ".join(sorted(e.upper() for e in ALLOWED_EXTENSIONS)),
            },
        )
    size = uploaded_file.size  # known before reading: nothing is read for a file too large
    if size is None:
        raise ValidationError(_("La taille du fichier est inconnue."), code="size_unknown")
    if size == 0:
        raise ValidationError(_("Le fichier est vide."), code="empty")
    if size > MAX_FILE_SIZE:
        raise ValidationError(
            _("Le fichier dépasse la taille maximale de 10 Mo."), code="file_too_large"
        )
    if current_dossier_size + size > MAX_DOSSIER_SIZE:
        raise ValidationError(
            _(
                "Le dossier de facturation (facture et pièces jointes) dépasserait la taille "
                "maximale de 120 Mo."
            ),
            code="dossier_too_large",
        )
    head = _read_head(uploaded_file)
    signature = signature_of(head)
    mismatch = ValidationError(
        _(
            "Le contenu du fichier ne correspond pas à son extension .%(extension)s : le type "
            "est vérifié sur le contenu, pas sur le nom."
        ),
        code="content_mismatch",
        params={"extension": extension},
    )
    if extension in TEXT_EXTENSIONS:
        if _looks_binary(head) or signature in _BINARY_IN_TEXT:
            raise mismatch
    elif signature not in EXPECTED.get(extension, frozenset({None})):
        raise mismatch
    if extension == "pdf" and check_structure:
        try:
            check_pdf(uploaded_file)
        except UnreadableFile as exc:
            raise ValidationError(str(exc), code=exc.code) from exc
    content_type = mimetypes.guess_type(f"x.{extension}")[0] or "application/octet-stream"
    return CheckedFile(
        name=sanitize_filename(original),
        original_name=original,
        extension=extension,
        size=size,
        content_type=content_type,
        signature=signature,
    )


def _safe_subdir(subdir: str) -> PurePosixPath:
    cleaned = subdir.replace("\\", "/")
    path = PurePosixPath(cleaned)
    if not cleaned.strip("/") or path.is_absolute() or ".." in path.parts:
        raise ValueError(f"Invalid storage sub-directory: {subdir!r}")
    return path


def _chunks(uploaded_file) -> Iterable[bytes]:
    if hasattr(uploaded_file, "chunks"):
        yield from uploaded_file.chunks(CHUNK_SIZE)
        return
    uploaded_file.seek(0)
    while chunk := uploaded_file.read(CHUNK_SIZE):
        yield chunk


def store_upload(uploaded_file, *, subdir: str) -> StoredFile:
    """Write the upload under MEDIA_ROOT/subdir with a random name, chunk by chunk, hashing
    as it goes. The client's name is kept only as `original_name` (sanitised)."""
    original = sanitize_filename(getattr(uploaded_file, "name", "") or "")
    extension = extension_of(original)
    relative = _safe_subdir(subdir) / (
        secrets.token_hex(16) + (f".{extension}" if extension else "")
    )
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    try:
        with open(target, "xb") as out:
            for chunk in _chunks(uploaded_file):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return StoredFile(
        path=relative.as_posix(), size=size, sha256=digest.hexdigest(), original_name=original
    )


def resolve_stored_path(path: str | os.PathLike) -> Path:
    """An absolute path as is; a relative one under MEDIA_ROOT, refused if it escapes it."""
    candidate = Path(path)
    if candidate.is_absolute():
        return candidate
    root = Path(settings.MEDIA_ROOT).resolve()
    resolved = (root / candidate).resolve()
    if root != resolved and root not in resolved.parents:
        raise Http404("Invalid file path")
    return resolved


def sha256_of_paths(paths: Iterable[str | os.PathLike]) -> str:
    """One SHA-256 over a dossier's files, in the given order, streamed.

    Each file contributes its size then its bytes, so moving bytes from one file to the
    next changes the fingerprint. Relative paths are taken under MEDIA_ROOT.
    """
    digest = hashlib.sha256()
    for path in paths:
        resolved = resolve_stored_path(path)
        digest.update(f"{resolved.stat().st_size}:".encode())
        with open(resolved, "rb") as fh:
            while chunk := fh.read(CHUNK_SIZE):
                digest.update(chunk)
    return digest.hexdigest()


def sha256_of_contents(contents: Iterable[bytes]) -> str:
    """`sha256_of_paths` of files whose bytes are at hand (a flow's invoice, just stored):
    the same fingerprint without reading them back."""
    digest = hashlib.sha256()
    for content in contents:
        digest.update(f"{len(content)}:".encode())
        digest.update(content)
    return digest.hexdigest()


def attachment_response(
    path: str | os.PathLike, filename: str, content_type: str | None = None
) -> FileResponse:
    """Stream a stored file as a download, never inline (ARCHITECTURE rule 8).

    Relative paths are resolved under MEDIA_ROOT; a missing file is a 404.
    """
    resolved = resolve_stored_path(path)
    if not resolved.is_file():
        raise Http404("File not found")
    name = sanitize_filename(filename)
    guessed = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(
        open(resolved, "rb"),  # noqa: SIM115 - FileResponse closes it
        as_attachment=True,
        filename=name,
        content_type=guessed,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser render it anyway, nothing in it runs with the portal's origin.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def delete_stored(path: str) -> None:
    """Remove a stored upload (relative to MEDIA_ROOT); a missing file is not an error."""
    resolved = resolve_stored_path(path)
    if not Path(path).is_absolute():
        resolved.unlink(missing_ok=True)
        resolved.with_name(resolved.name + PREFILL_SUFFIX).unlink(missing_ok=True)
