"""Issue 10: what one PDF deposit costs the web process: the file's structure is parsed
once, its text read by the warm reader (never a new interpreter), and a handful of
queries per step, whatever the data set."""

from __future__ import annotations

import pytest

from invoicing import tasks
from invoicing.deposit import services, uploads
from invoicing.documents import files
from invoicing.enums import DepositFormat, DepositMode, InvoiceStatus
from invoicing.recognition import isolated, pages
from tests.invoicing import samples
from tests.invoicing.deposit.helpers import invoice_pdf, pdf_upload, valid_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def parses(monkeypatch):
    """Every pypdf reader opened in this process (a spy on the one opener)."""
    calls = []
    real = pages.open_reader

    def spy(source):
        calls.append(source)
        return real(source)

    monkeypatch.setattr(pages, "open_reader", spy)
    return calls


@pytest.fixture
def one_shot(monkeypatch):
    calls = []
    real = isolated._run_once

    def spy(path, *args):
        calls.append(path)
        return real(path, *args)

    monkeypatch.setattr(isolated, "_run_once", spy)
    return calls


def deposit(actor, supplier, recipient, content: bytes, *, capture):
    main = uploads.upload_main_file(pdf_upload(content), actor=actor)
    data = valid_data(supplier, recipient)
    services.validate_deposit(data, actor=actor, main_attachment_id=main.attachment.pk)
    with capture(execute=False) as callbacks:
        invoice = services.send_invoice(
            data, actor=actor, main_attachment_id=main.attachment.pk, token="tok-cost"
        )
    return main, invoice, callbacks


def test_a_pdf_deposit_parses_its_file_once(
    actor, supplier, recipient, parses, one_shot, django_capture_on_commit_callbacks
):
    main, invoice, _ = deposit(
        actor, supplier, recipient, invoice_pdf(recipient.identifier),
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip

    assert len(parses) == 1  # detection; validate_attachment and send reuse it
    assert one_shot == []  # the text was read by the warm reader
    assert main.prefill.invoice_number == "FA-2024-0042"
    assert (invoice.deposit_mode, invoice.deposit_format) == (
        DepositMode.DEPOT_PDF_PORTAIL,
        DepositFormat.PDF_NON_SIGNE,
    )


def test_a_signed_pdf_keeps_its_detected_mode_without_a_second_parse(
    actor, supplier, recipient, parses, django_capture_on_commit_callbacks
):
    _, invoice, _ = deposit(
        actor, supplier, recipient, samples.signed_pdf(),
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip

    assert len(parses) == 1
    assert invoice.deposit_format == DepositFormat.PDF_SIGNE_PADES


def test_a_main_file_without_its_kept_format_is_detected_again(actor, supplier, recipient):
    main = uploads.upload_main_file(pdf_upload(samples.signed_pdf()), actor=actor)
    kept = uploads.media_path(main.attachment.path + files.PREFILL_SUFFIX)
    kept.unlink()  # uploaded before the format was kept

    invoice = services.send_invoice(
        valid_data(supplier, recipient), actor=actor, main_attachment_id=main.attachment.pk
    )

    assert invoice.deposit_format == DepositFormat.PDF_SIGNE_PADES


def test_a_pdf_deposit_needs_a_handful_of_queries(
    actor, supplier, recipient, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    content = invoice_pdf(recipient.identifier)
    deposit(actor, supplier, recipient, content, capture=django_capture_on_commit_callbacks)
    data = valid_data(supplier, recipient, number="FA-2024-0043")

    with django_assert_max_num_queries(1):
        main = uploads.upload_main_file(pdf_upload(content), actor=actor).attachment
    with django_assert_max_num_queries(7):
        services.validate_deposit(data, actor=actor, main_attachment_id=main.pk)
    # 9 statements and the savepoints of its two atomic blocks (in the test's transaction).
    with django_assert_max_num_queries(13), django_capture_on_commit_callbacks() as callbacks:
        invoice = services.send_invoice(data, actor=actor, main_attachment_id=main.pk, token="t2")
    assert invoice.status == InvoiceStatus.DEPOSEE
    assert len(callbacks) == 1  # T4, sent to Celery after commit

    # T4: one locked read, the update and 3 inserts (and its savepoint): the row used to be
    # read four times (the task, two locks, a refresh).
    with django_assert_max_num_queries(7):
        tasks.make_available(invoice.pk)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION
