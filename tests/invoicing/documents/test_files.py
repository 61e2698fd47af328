"""Attachment rules ATT-1 to ATT-5, streamed storage and safe downloads (invoicing.documents.files)."""

from __future__ import annotations

import hashlib
import io
import os
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.http import Http404

from invoicing.documents import files
from invoicing.documents.files import (
    ALLOWED_EXTENSIONS,
    MAX_DOSSIER_SIZE,
    MAX_FILE_SIZE,
    attachment_response,
    sanitize_filename,
    sha256_of_paths,
    store_upload,
    validate_attachment,
)
from tests.conftest import close_response
from tests.invoicing import samples


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, format="PNG")
    return out.getvalue()


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    return out.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def refused_code(uploaded, **kwargs) -> str:
    with pytest.raises(ValidationError) as refused:
        validate_attachment(uploaded, **kwargs)
    assert refused.value.messages[0]  # a sentence for the user
    return refused.value.code


class UnreadableUpload:
    """An upload that only tells its size: reading it fails the test."""

    def __init__(self, name: str, size: int):
        self.name = name
        self.size = size

    def read(self, *args):
        raise AssertionError("the file was read before its size was checked")

    seek = chunks = read


def test_allowed_extensions_att_2():
    seed = "BMP GIF FAX ODT PPT TIFF XLS BZ2 GZ JPEG P7S RTF TXT XML CSV GZIP JPG PDF SVG XHTML XLSX DOC HTM ODP PNG TGZ XLC ZIP DOCX HTML ODS PPS TIF XLM PPTX"

    assert {e.lower() for e in seed.split()} | {"xsd", "xsl"} == ALLOWED_EXTENSIONS


def test_validate_attachment_name_of_50_characters_accepted_att_1():
    name = "a" * 46 + ".txt"
    assert len(name) == 50

    checked = validate_attachment(upload(name, b"bonjour"))

    assert checked.name == name
    assert checked.extension == "txt"
    assert checked.size == 7


def test_validate_attachment_name_of_51_characters_refused_att_1():
    name = "a" * 47 + ".txt"

    assert refused_code(upload(name, b"bonjour")) == "name_too_long"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("programme.exe", "extension_not_allowed"),
        ("script.js", "extension_not_allowed"),
        ("sans_extension", "extension_missing"),
        (".pdf", "extension_missing"),
    ],
)
def test_validate_attachment_extension_refused(name, code):
    assert refused_code(upload(name, b"bonjour")) == code


def test_validate_attachment_extension_is_case_insensitive():
    assert validate_attachment(upload("PHOTO.PNG", png_bytes())).extension == "png"


def test_validate_attachment_over_10_mb_refused_before_reading_att_3():
    assert refused_code(UnreadableUpload("gros.pdf", MAX_FILE_SIZE + 1)) == "file_too_large"


def test_validate_attachment_sparse_file_of_10_mb_plus_one_byte_refused(tmp_path):
    path = tmp_path / "gros.txt"
    with open(path, "wb") as fh:
        fh.truncate(MAX_FILE_SIZE + 1)  # sparse: nothing allocated
    with open(path, "rb") as fh:
        assert refused_code(File(fh, name="gros.txt")) == "file_too_large"


def test_validate_attachment_of_exactly_10_mb_accepted(tmp_path):
    path = tmp_path / "limite.txt"
    with open(path, "wb") as fh:
        fh.write(b"texte " * 2000)  # the first chunk is text
        fh.truncate(MAX_FILE_SIZE)  # sparse: the rest reads as NUL bytes, never looked at
    with open(path, "rb") as fh:
        assert validate_attachment(File(fh, name="limite.txt")).size == MAX_FILE_SIZE


def test_validate_attachment_dossier_over_120_mb_refused_att_4():
    uploaded = upload("note.txt", b"0123456789")

    assert refused_code(uploaded, current_dossier_size=MAX_DOSSIER_SIZE - 9) == "dossier_too_large"
    assert validate_attachment(uploaded, current_dossier_size=MAX_DOSSIER_SIZE - 10).size == 10


def test_validate_attachment_executable_renamed_pdf_refused_att_5():
    exe = (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"
        + b"\x00" * 50
        + b"This program cannot be run in DOS mode"
    )

    assert refused_code(upload("facture.pdf", exe)) == "content_mismatch"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("photo.jpg", png_bytes()),  # a PNG is not a JPEG
        ("document.docx", b"%PDF-1.7 pretend"),
        ("archive.zip", b"plain text"),
        ("image.png", b"GIF89a...."),
    ],
)
def test_validate_attachment_signature_must_match_extension_att_5(name, data):
    assert refused_code(upload(name, data)) == "content_mismatch"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("notes.txt", png_bytes()),
        ("export.csv", b"a;b\x00;c"),
        ("facture.xml", b"PK\x03\x04" + b"x" * 20),
        ("page.html", b"%PDF-1.7\n"),
        ("image.svg", b"\x7fELF\x02\x01\x01"),
    ],
)
def test_validate_attachment_text_with_binary_signature_refused_att_5(name, data):
    assert refused_code(upload(name, data)) == "content_mismatch"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("photo.png", png_bytes()),
        ("contrat.docx", docx_bytes()),
        ("facture.pdf", samples.keyword_invoice_pdf()),
        ("facture.xml", samples.ubl_xml()),
        ("export.csv", "nom;montant\nÉlodie;12,50\n".encode()),
        ("signature.p7s", b"\x30\x82\x01\x00"),
        ("lot.tgz", samples.tar_gz_lot({"a.xml": samples.cii_xml()})),
    ],
)
def test_validate_attachment_accepts_genuine_files(name, data):
    assert validate_attachment(upload(name, data)).original_name == name


@pytest.mark.parametrize("big_endian", [False, True], ids=["utf-16-le", "utf-16-be"])
def test_validate_attachment_accepts_utf16_xml_that_detection_reads(big_endian):
    data = samples.ubl_xml_utf16(big_endian)

    assert validate_attachment(upload("facture.xml", data)).extension == "xml"


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xfe" + "<a>\x00</a>".encode("utf-16-le"),  # a NUL character, not a NUL byte
        b"\xfe\xff" + b"\xdc\x00\x00<",  # a lone low surrogate: not UTF-16
    ],
)
def test_validate_attachment_utf16_with_binary_content_refused_att_5(data):
    assert refused_code(upload("facture.xml", data)) == "content_mismatch"


@pytest.mark.parametrize(
    ("data", "code"),
    [(samples.encrypted_pdf, "pdf_encrypted"), (samples.truncated_pdf, "pdf_truncated")],
)
def test_validate_attachment_unreadable_pdf_refused(data, code):
    assert refused_code(upload("annexe.pdf", data())) == code


def test_validate_attachment_empty_file_refused():
    assert refused_code(upload("vide.txt", b"")) == "empty"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\moi\\Facture mars.pdf", "Facture mars.pdf"),
        ("fac\x00tu\x1bre.pdf", "facture.pdf"),
        ('a<b>c:"d|e?f*.pdf', "a_b_c__d_e_f_.pdf"),
        ("  ..caché.pdf  ", "caché.pdf"),
        ("...", "fichier"),
        (".pdf", "fichier.pdf"),
        ("sans\u202eextension", "sansextension"),
    ],
)
def test_sanitize_filename(name, expected):
    assert sanitize_filename(name) == expected


def test_store_upload_writes_under_a_random_name(settings):
    data = b"contenu de la piece jointe"
    uploaded = upload("../../Facture mars.pdf", data)

    stored = store_upload(uploaded, subdir="attachments/2024")

    assert stored.path.startswith("attachments/2024/")
    assert stored.path.endswith(".pdf")
    assert "Facture" not in stored.path
    assert stored.original_name == "Facture mars.pdf"
    assert stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert (Path(settings.MEDIA_ROOT) / stored.path).read_bytes() == data
    assert store_upload(uploaded, subdir="attachments/2024").path != stored.path


@pytest.mark.parametrize("subdir", ["../outside", "/etc", "", "a/../../b"])
def test_store_upload_refuses_an_escaping_subdir(subdir):
    with pytest.raises(ValueError):
        store_upload(upload("a.txt", b"x"), subdir=subdir)


def test_store_upload_streams_a_20_mb_upload(settings):
    size = 20 * 1024 * 1024
    uploaded = TemporaryUploadedFile("gros.bin", "application/octet-stream", size, None)
    block = os.urandom(1024 * 1024)
    digest = hashlib.sha256()
    for _ in range(20):
        uploaded.write(block)
        digest.update(block)
    uploaded.seek(0)

    tracemalloc.start()
    try:
        stored = store_upload(uploaded, subdir="big")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        uploaded.close()

    assert stored.size == size
    assert stored.sha256 == digest.hexdigest()
    assert peak < 2 * 1024 * 1024  # a few chunks, never the file


def test_sha256_of_paths_is_ordered_and_boundary_sensitive(settings):
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    (root / "a").write_bytes(b"ab")
    (root / "b").write_bytes(b"c")
    (root / "c").write_bytes(b"a")
    (root / "d").write_bytes(b"bc")

    first = sha256_of_paths(["a", "b"])

    assert first == sha256_of_paths([root / "a", root / "b"])  # relative = under MEDIA_ROOT
    assert first != sha256_of_paths(["b", "a"])
    assert first != sha256_of_paths(["c", "d"])  # same bytes, other split
    assert len(first) == 64


def test_attachment_response_is_always_a_download(settings):
    stored = store_upload(upload("page.html", b"<script>alert(1)</script>"), subdir="att")

    response = attachment_response(stored.path, "page\r\n.html")

    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="page.html"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == b"<script>alert(1)</script>"
    close_response(response)


def test_attachment_response_content_type_can_be_given(settings):
    stored = store_upload(upload("f.pdf", b"%PDF-"), subdir="att")

    response = attachment_response(stored.path, "Facture é.pdf", content_type="application/pdf")

    assert response["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''Facture%20%C3%A9.pdf" in response["Content-Disposition"]
    close_response(response)


@pytest.mark.parametrize("path", ["../../etc/passwd", "missing/file.pdf"])
def test_attachment_response_outside_media_or_missing_is_404(path):
    with pytest.raises(Http404):
        attachment_response(path, "x.txt")


def test_module_limits():
    assert (files.MAX_FILE_SIZE, files.MAX_DOSSIER_SIZE) == (10 * 1024 * 1024, 120 * 1024 * 1024)
