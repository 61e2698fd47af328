"""Open what the callers give us (a path, a binary file, a Django upload) without copying it."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

# Enough for every signature and XML prolog we look at; never the whole file.
HEAD_SIZE = 8192
CHUNK_SIZE = 64 * 1024


@contextmanager
def opened(source: Any) -> Iterator[IO[bytes]]:
    """A seekable binary file positioned at 0; a file we opened is closed, a given one rewound.

    A Django `TemporaryUploadedFile` is reopened from its path: pypdf then reads it lazily
    from disk instead of through the upload wrapper.
    """
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as fh:
            yield fh
        return
    temporary_path = getattr(source, "temporary_file_path", None)
    if callable(temporary_path):
        with open(temporary_path(), "rb") as fh:
            yield fh
        return
    if getattr(source, "closed", False) and hasattr(source, "open"):
        source.open("rb")  # a Django File / FieldFile that is not open yet
    source.seek(0)
    try:
        yield source
    finally:
        source.seek(0)


@contextmanager
def local_path(source: Any) -> Iterator[str]:
    """A path on disk holding the source's bytes (for a child process to read): the path
    itself, an upload's temporary file, or else a temporary copy made chunk by chunk."""
    if isinstance(source, str | os.PathLike):
        yield os.fspath(source)
        return
    temporary_path = getattr(source, "temporary_file_path", None)
    if callable(temporary_path):
        yield temporary_path()
        return
    with opened(source) as fh, tempfile.NamedTemporaryFile(suffix=".pdf") as copy:
        shutil.copyfileobj(fh, copy, CHUNK_SIZE)
        copy.flush()
        yield copy.name


def read_head(fh: IO[bytes], size: int = HEAD_SIZE) -> bytes:
    fh.seek(0)
    head = fh.read(size)
    fh.seek(0)
    return head


def read_tail(fh: IO[bytes], size: int) -> bytes:
    fh.seek(0, os.SEEK_END)
    end = fh.tell()
    fh.seek(max(0, end - size))
    tail = fh.read(size)
    fh.seek(0)
    return tail


def iter_chunks(fh: IO[bytes], size: int = CHUNK_SIZE) -> Iterator[bytes]:
    fh.seek(0)
    while chunk := fh.read(size):
        yield chunk
