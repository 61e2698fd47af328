"""Issue 9: the text layer is read in a child process with limits. A decompression bomb, a
child that dies or overruns its time, gives no pre-fill and a notice, never an exception, and
the calling process does not grow."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest

from invoicing.recognition import PDF_NON_SIGNE, detect_format, isolated, prefill, stored
from invoicing.recognition.prefill import (
    FAILED_NOTICE,
    NO_TEXT_NOTICE,
    TIMEOUT_NOTICE,
    TOO_LARGE_NOTICE,
)
from tests.invoicing import samples
from tests.invoicing.memory import peak_growth

BOMB_SIZE = 200 * 1024 * 1024


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.fixture
def runs(monkeypatch):
    """The paths the isolated reader was started on (a spy: the real child still runs)."""
    calls = []
    real = isolated.run

    def spy(path):
        calls.append(path)
        return real(path)

    monkeypatch.setattr(isolated, "run", spy)
    return calls


def test_prefill_pdf_bomb_gives_no_prefill_and_the_too_large_notice(tmp_path, runs):
    path = write(tmp_path, "bombe.pdf", samples.pdf_bomb(BOMB_SIZE))

    with peak_growth() as growth:
        data = prefill(path)

    assert data.recognised == {}
    assert data.notice_code == isolated.TOO_LARGE
    assert data.notice == TOO_LARGE_NOTICE
    assert data.pages_read == []
    assert len(runs) == 1
    assert growth.mb < 100, f"the calling process grew by {growth.mb:.0f} MB"


def test_isolated_run_stops_inflating_at_the_content_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(isolated, "MAX_CONTENT_BYTES", BOMB_SIZE + 1024 * 1024)
    path = write(tmp_path, "bombe.pdf", samples.pdf_bomb(BOMB_SIZE))

    # Under the limit, the page is read (the bomb starts with "Facture n° BOMB-1").
    assert isolated.run(path).texts[0].startswith("Facture")
    monkeypatch.setattr(isolated, "MAX_CONTENT_BYTES", BOMB_SIZE - 1024 * 1024)
    assert isolated.run(path).failure == isolated.TOO_LARGE


def test_prefill_child_killed_by_the_memory_limit_gives_no_prefill(tmp_path, monkeypatch, settings):
    # The content check is lifted: PDFium itself meets the address-space limit and dies.
    monkeypatch.setattr(isolated, "MAX_CONTENT_BYTES", 4 * BOMB_SIZE)
    settings.PDF_EXTRACTION_MEMORY_MB = 192
    path = write(tmp_path, "bombe.pdf", samples.pdf_bomb(BOMB_SIZE))
    invoice = write(tmp_path, "facture.pdf", samples.keyword_invoice_pdf())

    data = prefill(path)

    assert data.recognised == {}
    assert data.notice == TOO_LARGE_NOTICE
    # The same limit leaves room for a real invoice: it is the bomb that was stopped.
    assert prefill(invoice).invoice_number == "FA-2024-0042"


def test_prefill_child_over_its_time_limit_is_killed_and_gives_no_prefill(tmp_path, settings):
    settings.PDF_EXTRACTION_TIMEOUT_SECONDS = 0.001
    path = write(tmp_path, "facture.pdf", samples.keyword_invoice_pdf())

    data = prefill(path)

    assert data.recognised == {}
    assert data.notice_code == isolated.TIMEOUT
    assert data.notice == TIMEOUT_NOTICE


def test_isolated_run_on_a_file_no_reader_opens_fails_quietly(tmp_path):
    path = write(tmp_path, "illisible.pdf", b"%PDF-1.7\n" + samples.random_bytes())

    extraction = isolated.run(path)

    assert extraction.failure == isolated.FAILED
    assert extraction.texts == []


def test_prefill_of_10000_pages_reads_three_pages_only_rec_2(tmp_path, runs):
    path = write(tmp_path, "long.pdf", samples.many_pages_pdf(10_000))

    data = prefill(path)

    assert data.pages_read == [1, 9_999, 10_000]
    assert len(runs) == 1


def test_isolated_child_reads_text_like_the_in_process_reader(tmp_path):
    from invoicing.recognition.pages import read_pages

    pdf = samples.five_page_pdf()

    extraction = isolated.run(write(tmp_path, "cinq.pdf", pdf))

    assert (extraction.pages_read, extraction.texts) == tuple(
        map(list, read_pages(io.BytesIO(pdf)))
    )


def test_prefill_of_an_in_memory_file_goes_through_the_child(runs):
    data = prefill(io.BytesIO(samples.keyword_invoice_pdf()))

    assert data.invoice_number == "FA-2024-0042"
    assert len(runs) == 1


def test_stored_prefill_round_trip_keeps_types_and_notice(tmp_path):
    xml = prefill(io.BytesIO(samples.ubl_xml()))
    scan = prefill(io.BytesIO(samples.scanned_pdf()))

    assert stored.loads(stored.dumps(xml)) == xml
    assert isinstance(xml.lines[0]["amount"], Decimal)
    assert isinstance(stored.loads(stored.dumps(xml)).invoice_date, datetime.date)
    again = stored.loads(stored.dumps(scan))
    assert again.notice == NO_TEXT_NOTICE and again.notice_code == "no_text"
    assert stored.loads("not json") is None
    assert stored.loads('{"version": 0, "prefill": {}}') is None


def test_every_failure_has_its_notice():
    from invoicing.recognition.prefill import NOTICES

    assert NOTICES[isolated.FAILED] == FAILED_NOTICE
    assert {isolated.TOO_LARGE, isolated.TIMEOUT, isolated.FAILED} <= NOTICES.keys()


def test_detect_pdf_with_an_embedded_bomb_stays_small_and_is_a_plain_pdf(tmp_path):
    # Detection runs in the web process: pypdf inflates the embedded factur-x.xml there.
    path = write(tmp_path, "piece-jointe.pdf", samples.embedded_bomb_pdf(BOMB_SIZE))

    with peak_growth() as growth:
        detected = detect_format(path)

    assert detected.kind == PDF_NON_SIGNE
    assert detected.page_count == 1
    assert growth.mb < 60, f"detection grew by {growth.mb:.0f} MB"
