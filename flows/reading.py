"""A flow's file → its invoices, one at a time (FLW-4, FLW-9, FMT-2).

A single XML or Factur-X file is one item; a zip or tar.gz lot yields its entries in order.
Lots are read as streams, never extracted to disk under their own names (no path
traversal), each entry read with a hard cap whatever its header claims (no zip bomb), and
the whole lot's inflated size and entry count are bounded too.
"""

from __future__ import annotations

import io
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import IO

from django.utils.translation import gettext as _

from invoicing.recognition import ARCHIVE, DetectedFormat, UnreadableFile, detect_format

MAX_FLOW_SIZE = 30 * 1024 * 1024  # FLW-9, as deposited
MAX_ENTRY_SIZE = 10 * 1024 * 1024  # FLW-9, each file of a lot (inflated)
MAX_LOT_INFLATED = 300 * 1024 * 1024  # a 30 MB lot of XML inflates ~10x, never more
MAX_LOT_ENTRIES = 5000


class FlowFileError(Exception):
    """The whole flow is refused (FLW-4): a technical error with its French message."""

    def __init__(self, message: str, code: str, nature: str = "FICHIER"):
        super().__init__(message)
        self.message = message
        self.code = code
        self.nature = nature


@dataclass
class Item:
    """One invoice of a flow: its name, detected format, the CII/UBL bytes, and for a
    Factur-X the PDF itself (the main attachment, FLW-8)."""

    name: str
    detected: DetectedFormat
    xml: bytes
    pdf: bytes | None = field(default=None, repr=False)


def detect_flow(fh: IO[bytes]) -> DetectedFormat:
    """The format of the flow file `fh` (a lot scans each of its entries); FlowFileError
    when it is unreadable."""
    try:
        return detect_format(fh)
    except UnreadableFile as exc:
        raise FlowFileError(str(exc.message), exc.code) from exc


def read_items(
    fh: IO[bytes],
    *,
    file_name: str,
    syntax: str,
    detected: DetectedFormat | None = None,
    known: dict[int, DetectedFormat] | None = None,
) -> Iterator[Item]:
    """The invoices of the flow file `fh`; FlowFileError when it cannot be integrated.
    `detected`: `detect_flow(fh)` when the caller already has it (each entry is still
    detected on its own). `known`: {rank of an entry (from 1): its detection} from an
    earlier reading of this same file, not repeated."""
    if detected is None:
        detected = detect_flow(fh)
    if detected.kind == ARCHIVE:
        fh.seek(0)
        entries = _zip_entries(fh) if detected.archive_type == "zip" else _tar_entries(fh)
        found = False
        for rank, (name, data) in enumerate(entries, 1):
            found = True
            yield _item(name, data, syntax, (known or {}).get(rank))
        if not found:
            raise FlowFileError(_("Le lot ne contient aucune facture."), "empty_lot")
        return
    fh.seek(0)
    data = fh.read(MAX_ENTRY_SIZE + 1)
    if len(data) > MAX_ENTRY_SIZE:
        raise FlowFileError(
            _("Une facture d'un flux ne peut pas dépasser 10 Mo."), "entry_too_large"
        )
    yield _item(file_name, data, syntax, detected)


def _item(name: str, data: bytes, syntax: str, detected: DetectedFormat | None = None) -> Item:
    if detected is None:
        try:
            detected = detect_format(io.BytesIO(data))
        except UnreadableFile as exc:
            raise FlowFileError(
                _("%(name)s : %(reason)s") % {"name": name, "reason": exc.message}, exc.code
            ) from exc
    if detected.kind != syntax:
        raise FlowFileError(
            _(
                "%(name)s : le contenu (%(found)s) ne correspond pas à la syntaxe déclarée "
                "%(syntax)s."
            )
            % {"name": name, "found": detected.label, "syntax": syntax},
            "syntax_mismatch",
            "SYNTAXE",
        )
    if detected.embedded_xml is not None:
        return Item(name, detected, detected.embedded_xml, pdf=data)
    return Item(name, detected, data)


def _checked_name(name: str) -> str:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or any(":" in part for part in path.parts[:1]):
        raise FlowFileError(
            _("Le lot contient un chemin de fichier interdit : %(name)s.") % {"name": name[:100]},
            "path_traversal",
        )
    return name


def _is_system_file(name: str) -> bool:
    return name.startswith("__MACOSX/") or name.rsplit("/", 1)[-1].startswith("._")


class _Budget:
    """The lot's bounds, whatever the archive's headers say."""

    def __init__(self):
        self.entries = 0
        self.inflated = 0

    def read(self, stream: IO[bytes], name: str) -> bytes:
        self.entries += 1
        if self.entries > MAX_LOT_ENTRIES:
            raise FlowFileError(
                _("Le lot contient plus de %(max)d fichiers.") % {"max": MAX_LOT_ENTRIES},
                "too_many_entries",
            )
        data = stream.read(MAX_ENTRY_SIZE + 1)
        if len(data) > MAX_ENTRY_SIZE:
            raise FlowFileError(
                _("%(name)s dépasse la taille maximale de 10 Mo pour un fichier d'un lot.")
                % {"name": name[:100]},
                "entry_too_large",
            )
        self.inflated += len(data)
        if self.inflated > MAX_LOT_INFLATED:
            raise FlowFileError(_("Le lot décompressé est trop volumineux."), "lot_too_large")
        return data


def _zip_entries(fh: IO[bytes]) -> Iterator[tuple[str, bytes]]:
    budget = _Budget()
    try:
        with zipfile.ZipFile(fh) as archive:
            for info in archive.infolist():
                if info.is_dir() or _is_system_file(info.filename):
                    continue
                name = _checked_name(info.filename)
                if info.flag_bits & 0x1:
                    raise FlowFileError(_("Le lot est chiffré."), "archive_encrypted")
                with archive.open(info) as stream:
                    data = budget.read(stream, name)
                yield name, data
    except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, EOFError, OSError) as exc:
        raise FlowFileError(_("Cette archive est illisible ou endommagée."), "archive") from exc


def _tar_entries(fh: IO[bytes]) -> Iterator[tuple[str, bytes]]:
    budget = _Budget()
    try:
        with tarfile.open(fileobj=fh, mode="r|gz") as archive:
            for member in archive:
                if member.isdir() or _is_system_file(member.name):
                    continue
                name = _checked_name(member.name)
                if not member.isfile():  # links, devices, fifos: never followed
                    raise FlowFileError(
                        _("Le lot contient un lien ou un fichier spécial : %(name)s.")
                        % {"name": name[:100]},
                        "special_entry",
                    )
                stream = archive.extractfile(member)
                data = budget.read(stream, name)
                yield name, data
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise FlowFileError(_("Cette archive est illisible ou endommagée."), "archive") from exc
