"""Uploads for the described-file blocks (My account ACC-8, commitments EJ-1): a good one and
the bad ones of §5.5, each with the words of the message the user must read."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.invoicing import samples

MB = 1024 * 1024


def good_pdf(name: str = "commande.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, samples.plain_text_pdf(), "application/pdf")


def exe_named_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("facture.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "application/pdf")


def over_10_mb() -> SimpleUploadedFile:
    # ATT-3: 10 MB is the limit; one byte more is refused.
    return SimpleUploadedFile(
        "gros.pdf", b"%PDF-1.4\n" + b"0" * (10 * MB + 1 - 9), "application/pdf"
    )


def name_of_60_characters() -> SimpleUploadedFile:
    name = "n" * 56 + ".pdf"
    assert len(name) == 60
    return SimpleUploadedFile(name, samples.plain_text_pdf(), "application/pdf")


# (case, file factory, designation, field at fault, words of the message)
BAD_UPLOADS = [
    ("exe_renamed_pdf", exe_named_pdf, "Bon", "file", "ne correspond pas à son extension .pdf"),
    ("over_10_mb", over_10_mb, "Bon", "file", "taille maximale de 10 Mo"),
    ("name_60_chars", name_of_60_characters, "Bon", "file", "dépasse 50 caractères"),
    ("nul_in_designation", good_pdf, "Bon\x00de commande", "designation", "caractères de contrôle"),
]


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []
