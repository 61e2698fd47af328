"""Issue 10: a deposit is a handful of queries, the same whatever the number of its
complementary files or of its lines; the file's text is read only for a caller that uses
the pre-fill."""

from __future__ import annotations

import pytest
from django.utils import timezone

from invoicing import tasks
from invoicing.deposit import services, uploads
from invoicing.enums import DepositFormat, InvoiceStatus
from invoicing.errors import ReturnCode
from invoicing.models import Invoice, StatusEvent
from invoicing.recognition import isolated
from structures import access
from tests.invoicing import samples
from tests.invoicing.deposit.helpers import invoice_pdf, pdf_upload, upload_main, valid_data

pytestmark = pytest.mark.django_db

# validate_deposit: the main file, the complementary files, the recipient with its
# RECEIVED area (one query), the number's use (INV-5).
VALIDATE_QUERIES = 4
# send_invoice, in the test's transaction (its block is a savepoint there, 2 statements):
# the form's token, the main file and the complementary files locked, the recipient, the
# number, the invoice, its history row, its activity row, the files linked (one UPDATE).
SEND_QUERIES = 11
# T4 after commit: the row locked (the columns T4 reads), its status, its history row, its
# activity rows in one INSERT (and its savepoint here).
T4_QUERIES = 6


def complementary_files(actor, count: int):
    return [
        uploads.upload_attachment(
            pdf_upload(samples.plain_text_pdf(), f"piece-{i}.pdf"),
            actor=actor,
            designation=f"Pièce {i}",
            attachment_type="AUTRE",
        )
        for i in range(count)
    ]


@pytest.mark.parametrize("count", [1, 3])
def test_a_pdf_deposit_needs_the_same_queries_whatever_its_files(
    count,
    actor,
    supplier,
    recipient,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    main = upload_main(actor, invoice_pdf(recipient.identifier))
    ids = [a.pk for a in complementary_files(actor, count)]
    data = valid_data(supplier, recipient)
    access.area_codes_of(actor)  # the user's areas, read once per request by the middleware

    with django_assert_num_queries(VALIDATE_QUERIES):
        services.validate_deposit(data, actor=actor, main_attachment_id=main.pk, attachment_ids=ids)
    with (
        django_assert_num_queries(SEND_QUERIES),
        django_capture_on_commit_callbacks() as callbacks,
    ):
        invoice = services.send_invoice(
            data, actor=actor, main_attachment_id=main.pk, attachment_ids=ids, token="t"
        )
    assert invoice.status == InvoiceStatus.DEPOSEE
    assert invoice.attachments.count() == count + 1
    assert len(callbacks) == 1  # T4, after commit

    with django_assert_num_queries(T4_QUERIES):
        tasks.make_available(invoice.pk)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION
    assert list(
        StatusEvent.objects.filter(invoice=invoice).order_by("pk").values_list("transition")
    ) == [("T2",), ("T4",)]


@pytest.mark.parametrize("count", [1, 3])
def test_an_entered_invoice_needs_the_same_queries_whatever_its_lines(
    count,
    actor,
    supplier,
    recipient,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    supplier.billing_mandate_accepted_at = timezone.now()
    supplier.save()
    lines = [
        {"designation": f"Ligne {i}", "quantity": "2", "unit_price": "100", "vat_rate": "20"}
        for i in range(count)
    ]
    data = valid_data(supplier, recipient, lines=lines, amount_to_pay=None)
    access.area_codes_of(actor)  # the user's areas, read once per request by the middleware

    # no file: the token, the recipient, the number, the invoice, its history and activity
    # rows, its lines and its VAT recap (one INSERT each), and the savepoint here.
    with django_assert_num_queries(10), django_capture_on_commit_callbacks():
        invoice = services.send_invoice(data, actor=actor, is_entry_mode=True, token="t")
    assert invoice.lines.count() == count


def test_an_upload_without_recognition_does_not_read_the_text(
    actor, supplier, recipient, monkeypatch, django_capture_on_commit_callbacks
):
    read = []
    real = isolated.run

    def spy(*args, **kwargs):
        read.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(isolated, "run", spy)
    content = invoice_pdf(recipient.identifier, number="FA-2024-0099")

    main = uploads.upload_main_file(pdf_upload(content), actor=actor, recognise=False)
    with django_capture_on_commit_callbacks():
        invoice = services.send_invoice(
            valid_data(supplier, recipient), actor=actor, main_attachment_id=main.attachment.pk
        )

    assert read == []
    assert uploads.upload_main_file(pdf_upload(content), actor=actor).prefill.invoice_number
    assert len(read) == 1  # the spy sees a recognition when there is one
    assert main.prefill.invoice_number is None
    assert invoice.deposit_format == DepositFormat.PDF_NON_SIGNE  # the kept format


def test_a_form_shown_after_an_upload_without_recognition_is_pre_filled(actor, recipient):
    content = invoice_pdf(recipient.identifier, number="FA-2024-0099")
    main = uploads.upload_main_file(pdf_upload(content), actor=actor, recognise=False)

    prefill = uploads.stored_prefill(main.attachment)  # read now, and kept

    assert prefill.invoice_number == "FA-2024-0099"
    assert uploads.stored_kind(main.attachment) == main.detected.kind
    assert uploads.stored_prefill(main.attachment).invoice_number == "FA-2024-0099"


def test_a_duplicate_number_sent_at_the_same_time_is_refused_by_the_constraint(
    actor, supplier, recipient, monkeypatch, django_capture_on_commit_callbacks
):
    """The INV-5 pre-check missed it (a simultaneous deposit): the constraint refuses the
    INSERT, the block is rolled back, and the user gets the field error."""
    from invoicing.rules import checks

    data = valid_data(supplier, recipient, number="FA-RACE")
    with django_capture_on_commit_callbacks():
        services.send_invoice(data, actor=actor, main_attachment_id=upload_main(actor).pk)
    monkeypatch.setattr(checks, "number_is_used", lambda **kwargs: False)

    with pytest.raises(services.InvoiceValidationError) as caught:
        services.send_invoice(
            data, actor=actor, main_attachment_id=upload_main(actor).pk, token="other"
        )

    assert caught.value.codes["number"] == ReturnCode.DUPLICATE
    assert Invoice.objects.filter(number="FA-RACE").count() == 1
