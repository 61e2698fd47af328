"""Issue 10: the text layer is read by a child forked from a warm reader of this process,
not by a new interpreter per file; the limits of issue 9 hold for every file, and a reader
that dies or overruns is killed and replaced."""

from __future__ import annotations

import os
import signal
import time

import pytest

from invoicing.recognition import isolated, prefill, warm
from invoicing.recognition.prefill import TOO_LARGE_NOTICE
from tests.invoicing import samples
from tests.invoicing.memory import peak_growth

BOMB_SIZE = 200 * 1024 * 1024


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def worker_pid() -> int | None:
    worker = warm._worker
    return worker.process.pid if worker is not None and worker.alive() else None


@pytest.fixture
def invoice(tmp_path):
    return write(tmp_path, "facture.pdf", samples.keyword_invoice_pdf())


@pytest.fixture
def one_shot(monkeypatch):
    """The files read by a new interpreter instead of the warm reader (a spy)."""
    calls = []
    real = isolated._run_once

    def spy(path, *args):
        calls.append(path)
        return real(path, *args)

    monkeypatch.setattr(isolated, "_run_once", spy)
    return calls


def test_files_are_read_by_one_warm_reader(invoice, one_shot):
    first = isolated.run(invoice)
    pid = worker_pid()
    started = time.monotonic()
    second = isolated.run(invoice)

    assert pid is not None and worker_pid() == pid
    assert first == second and second.texts[0].startswith("FACTURE")
    assert one_shot == []
    # No interpreter start: a warm read takes milliseconds, a new one ~200 ms.
    assert time.monotonic() - started < 2


def test_reader_survives_a_child_killed_by_the_memory_limit_and_reads_the_next_file(
    tmp_path, invoice, monkeypatch, settings
):
    isolated.run(invoice)
    pid = worker_pid()
    assert pid is not None
    # The content check is lifted: PDFium itself meets the address-space limit and dies.
    monkeypatch.setattr(isolated, "MAX_CONTENT_BYTES", 4 * BOMB_SIZE)
    settings.PDF_EXTRACTION_MEMORY_MB = 192
    bomb = write(tmp_path, "bombe.pdf", samples.pdf_bomb(BOMB_SIZE))

    with peak_growth() as growth:
        data = prefill(bomb)

    assert data.recognised == {} and data.notice == TOO_LARGE_NOTICE
    assert growth.mb < 50, f"the calling process grew by {growth.mb:.0f} MB"
    assert worker_pid() == pid  # only the child died
    assert prefill(invoice).invoice_number == "FA-2024-0042"
    assert worker_pid() == pid


def test_bomb_refused_by_the_content_limit_keeps_the_reader(tmp_path, invoice):
    isolated.run(invoice)
    pid = worker_pid()
    assert pid is not None
    bomb = write(tmp_path, "bombe.pdf", samples.pdf_bomb(BOMB_SIZE))

    with peak_growth() as growth:
        assert isolated.run(bomb).failure == isolated.TOO_LARGE

    assert growth.mb < 50, f"the calling process grew by {growth.mb:.0f} MB"
    assert worker_pid() == pid
    assert isolated.run(invoice).failure is None


def test_a_hung_read_is_killed_at_the_wall_clock_limit_and_the_next_file_is_read(
    tmp_path, invoice, settings
):
    isolated.run(invoice)
    pid = worker_pid()
    assert pid is not None
    fifo = tmp_path / "bloque.pdf"
    os.mkfifo(fifo)  # no writer: the child blocks opening it, whatever its CPU limit
    settings.PDF_EXTRACTION_TIMEOUT_SECONDS = 1

    started = time.monotonic()
    extraction = isolated.run(fifo)
    waited = time.monotonic() - started

    assert extraction.failure == isolated.TIMEOUT
    assert waited < 1.5, f"the request waited {waited:.2f} s for a 1 s limit"
    assert isolated.run(invoice).texts[0].startswith("FACTURE")
    assert worker_pid() is not None
    # The reader killed its child itself, a little before the limit: it was kept.
    assert worker_pid() == pid


def test_a_reader_over_the_limit_itself_is_killed_and_replaced(invoice, settings):
    isolated.run(invoice)
    pid = worker_pid()
    assert pid is not None
    settings.PDF_EXTRACTION_TIMEOUT_SECONDS = 0.001

    assert isolated.run(invoice).failure == isolated.TIMEOUT

    settings.PDF_EXTRACTION_TIMEOUT_SECONDS = 10
    assert isolated.run(invoice).failure is None
    assert worker_pid() not in (None, pid)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # the old reader is gone, not left behind


def test_a_reader_that_died_while_idle_is_replaced(invoice, one_shot):
    isolated.run(invoice)
    pid = worker_pid()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)

    assert isolated.run(invoice).texts[0].startswith("FACTURE")
    assert worker_pid() not in (None, pid)
    assert one_shot == []


def test_a_busy_reader_leaves_the_file_to_a_new_interpreter(invoice, one_shot):
    with warm._lock:  # another thread of this process is reading
        extraction = isolated.run(invoice)

    assert extraction.texts[0].startswith("FACTURE")
    assert one_shot == [str(invoice)]


def test_the_warm_reader_can_be_switched_off(invoice, one_shot, settings):
    settings.PDF_EXTRACTION_WARM = False

    assert isolated.run(invoice).texts[0].startswith("FACTURE")
    assert one_shot == [str(invoice)]


def test_a_file_no_reader_opens_fails_quietly_and_keeps_the_reader(tmp_path, invoice):
    isolated.run(invoice)
    pid = worker_pid()
    assert pid is not None
    broken = write(tmp_path, "illisible.pdf", b"%PDF-1.7\n" + samples.random_bytes())

    assert isolated.run(broken).failure == isolated.FAILED
    assert worker_pid() == pid


def test_a_reader_dying_mid_read_leaves_the_file_to_a_new_interpreter(
    invoice, one_shot, monkeypatch
):
    """A failure of the warm reader itself is not the file's: the file is read again by a
    one-interpreter child, not refused as "too large"."""
    isolated.run(invoice)  # a warm reader exists

    def dies(self, deadline):
        raise warm._Broken

    monkeypatch.setattr(warm._Worker, "receive", dies)
    result = isolated.run(invoice)

    assert result.failure is None and result.texts[0].startswith("FACTURE")
    assert one_shot == [os.path.abspath(invoice)]
