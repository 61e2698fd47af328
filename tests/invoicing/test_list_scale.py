"""Issue 10, national volume: the stored due date, the index-friendly filters and searches,
and (on PostgreSQL) the indexes the lists' default sorts use."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from invoicing import queries, workflow
from invoicing.enums import InvoiceStatus
from invoicing.models import Invoice
from invoicing.received import services as received
from tests.factories.invoicing import InvoiceFactory
from tests.factories.structures import PublicStructureFactory

S = InvoiceStatus
pytestmark = pytest.mark.django_db
PARIS = timezone.get_default_timezone()


def paris(*args) -> datetime:
    return timezone.make_aware(datetime(*args), PARIS)


# --- The due date is a column ------------------------------------------------------------


def test_due_date_is_stored_at_deposit_and_follows_the_recycling(
    personas, django_capture_on_commit_callbacks
):
    personas.public.payment_delay_days = 30
    personas.public.save()
    invoice = InvoiceFactory(
        status=S.A_RECYCLER,
        supplier=personas.structure,
        recipient=personas.public,
        deposited_at=paris(2026, 3, 10, 0, 30),  # still 9 March in UTC
    )
    stored = Invoice.objects.values_list("due_date", flat=True).get(pk=invoice.pk)
    assert stored == date(2026, 4, 9)

    hospital = PublicStructureFactory(payment_delay_days=50)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.recycle(invoice, actor=personas.simple_change, routing={"recipient": hospital})
    invoice.refresh_from_db()
    assert invoice.due_date == timezone.localdate(invoice.deposited_at) + timedelta(days=50)


def test_due_date_follows_a_partial_save_of_the_deposit_date(personas):
    invoice = InvoiceFactory(status=S.MISE_A_DISPOSITION, recipient=personas.public)
    invoice.deposited_at = paris(2026, 1, 31, 23, 59)
    invoice.save(update_fields=["deposited_at"])
    delay = personas.public.payment_delay_days
    assert Invoice.objects.get(pk=invoice.pk).due_date == date(2026, 1, 31) + timedelta(delay)


def test_a_draft_has_no_due_date(personas):
    draft = InvoiceFactory(status=S.BROUILLON, recipient=personas.public, deposited_at=None)
    assert Invoice.objects.get(pk=draft.pk).due_date is None


def test_overdue_compares_the_stored_due_date_with_today_in_paris(personas):
    today = timezone.localdate()
    delay = personas.public.payment_delay_days
    due_yesterday = InvoiceFactory(
        status=S.MISE_A_DISPOSITION,
        recipient=personas.public,
        deposited_at=timezone.now() - timedelta(days=delay + 1),
    )
    due_today = InvoiceFactory(
        status=S.MISE_A_DISPOSITION,
        recipient=personas.public,
        deposited_at=timezone.now() - timedelta(days=delay),
    )
    rows = received.with_due_dates(Invoice.objects.all())
    flags = {row.pk: (row.due_at, row.is_overdue) for row in rows}
    assert flags[due_yesterday.pk] == (today - timedelta(days=1), True)
    assert flags[due_today.pk] == (today, False)


# --- Date filters: half-open ranges of Paris days -------------------------------------------


def test_day_bounds_are_paris_midnights_and_the_end_is_exclusive(personas):
    late = InvoiceFactory(recipient=personas.public, deposited_at=paris(2026, 3, 10, 23, 30))
    early_next = InvoiceFactory(recipient=personas.public, deposited_at=paris(2026, 3, 11, 0, 30))

    def ids(condition):
        return set(Invoice.objects.filter(condition).values_list("pk", flat=True))

    assert ids(queries.on_or_before("deposited_at", date(2026, 3, 10))) == {late.pk}
    assert ids(queries.on_or_after("deposited_at", date(2026, 3, 11))) == {early_next.pk}
    condition = queries.on_or_before("deposited_at", date(2026, 3, 10))
    assert condition.children == [("deposited_at__lt", paris(2026, 3, 11, 0, 0))]


def test_received_date_filters_compare_the_timestamp_not_a_computed_date(rf, personas):
    from invoicing.received.forms import SearchForm

    form = SearchForm(
        {"deposited_from": "2026-03-01", "deposited_to": "2026-03-31"},
        user=personas.public_reviewer,
    )
    sql = str(form.filter(Invoice.objects.all()).query).lower()
    assert "cast_date" not in sql and "at time zone" not in sql and "::date" not in sql
    assert '"deposited_at" >=' in sql and '"deposited_at" <' in sql


# --- Party searches: identifier start or name part ----------------------------------------


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("123 456", ("supplier_identifier__startswith", "123456")),
        ("12345678901234", ("supplier_identifier__startswith", "12345678901234")),
        ("12", ("supplier_name__icontains", "12")),  # under 3 digits: a name part
        (" Dupont ", ("supplier_name__icontains", "Dupont")),
        ("SNC 75", ("supplier_name__icontains", "SNC 75")),
    ],
)
def test_party_search_is_an_identifier_start_or_a_name_part(term, expected):
    assert queries.party_search("supplier", term).children == [expected]


# --- PostgreSQL: the indexes exist and the default sorts use them ---------------------------

POSTGRESQL_INDEXES = {
    "inv_rcv_deposited",
    "inv_rcv_svc_deposited",
    "inv_rcv_todo",
    "inv_rcv_due",
    "inv_iss_changed",
    "inv_val_pending",
    "inv_val_changed",
    "inv_iss_unacknowledged",
    "inv_supplier_name_trgm",
    "inv_recipient_name_trgm",
    "inv_rcv_supplier_ident",
    "inv_iss_recipient_ident",
}


def explain(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # A tiny table: with one row, reading another index and sorting costs the same, and
        # the planner may pick either. Seq scans and sorts off, it takes the index that gives
        # the order when one exists (the property under test); a sort would still show.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_postgresql_has_the_list_indexes(postgresql):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'invoicing_invoice'")
        names = {row[0] for row in cursor.fetchall()}
    assert names >= POSTGRESQL_INDEXES


def test_postgresql_default_sorts_read_their_index_without_sorting(postgresql, personas):
    InvoiceFactory(status=S.MISE_A_DISPOSITION, recipient=personas.public)
    reviewer = personas.public_reviewer
    plans = {
        "inv_rcv_deposited": received.list_queryset(reviewer).order_by("-deposited_at", "-id"),
        "inv_rcv_todo": received.to_process(reviewer),
        "inv_iss_changed": queries.issued_invoices(personas.simple_change).order_by(
            "-status_changed_at", "-id"
        ),
    }
    for index, queryset in plans.items():
        plan = explain(queryset[:25])
        assert index in plan, plan
        assert "Sort" not in plan, plan


def test_postgresql_entry_pdf_sweep_reads_its_partial_index(postgresql, personas):
    """The broker-outage sweep (every five minutes) reads the entered invoices still waiting
    for their PDF from `inv_entry_pdf_pending`, not the whole table."""
    from invoicing.documents import invoice_pdf
    from invoicing.enums import DepositMode

    InvoiceFactory(status=S.MISE_A_DISPOSITION, deposit_mode=DepositMode.SAISIE_PORTAIL)
    InvoiceFactory(status=S.MISE_A_DISPOSITION, deposit_mode=DepositMode.DEPOT_PDF_PORTAIL)
    late = invoice_pdf.missing_entry_pdfs().filter(deposited_at__lt=timezone.now())
    plan = explain(late.values_list("pk", flat=True))
    assert "inv_entry_pdf_pending" in plan, plan


def test_entry_pdf_sweep_lists_the_entered_invoices_without_their_pdf(personas):
    from invoicing.documents import invoice_pdf
    from invoicing.enums import DepositMode

    waiting = InvoiceFactory(status=S.DEPOSEE, deposit_mode=DepositMode.SAISIE_PORTAIL)
    InvoiceFactory(status=S.DEPOSEE, deposit_mode=DepositMode.SAISIE_API, dossier_sha256="ab" * 32)
    InvoiceFactory(status=S.BROUILLON, deposit_mode=DepositMode.SAISIE_PORTAIL)
    InvoiceFactory(status=S.DEPOSEE, deposit_mode=DepositMode.DEPOT_PDF_PORTAIL)
    assert list(invoice_pdf.missing_entry_pdfs().values_list("pk", flat=True)) == [waiting.pk]


def test_migration_clears_the_fingerprints_written_without_a_pdf():
    """invoicing 0011: an entered invoice fingerprinted without its PDF by older code is
    given back to the sweep; the others keep their fingerprint."""
    import importlib

    from django.apps import apps

    from invoicing.enums import DepositMode
    from invoicing.models import Attachment

    migration = importlib.import_module("invoicing.migrations.0011_entry_pdf_sweep_index")
    fingerprint = "ab" * 32
    orphan = InvoiceFactory(
        status=S.MISE_A_DISPOSITION,
        deposit_mode=DepositMode.SAISIE_API,
        dossier_sha256=fingerprint,
    )
    rendered = InvoiceFactory(
        status=S.MISE_A_DISPOSITION,
        deposit_mode=DepositMode.SAISIE_PORTAIL,
        dossier_sha256=fingerprint,
    )
    Attachment.objects.create(invoice=rendered, is_main=True, path="x.pdf", size=1)
    uploaded = InvoiceFactory(
        status=S.MISE_A_DISPOSITION,
        deposit_mode=DepositMode.DEPOT_PDF_PORTAIL,
        dossier_sha256=fingerprint,
    )
    migration.clear_fingerprints_without_pdf(apps, None)
    stored = dict(Invoice.objects.values_list("pk", "dossier_sha256"))
    assert stored == {orphan.pk: "", rendered.pk: fingerprint, uploaded.pk: fingerprint}
