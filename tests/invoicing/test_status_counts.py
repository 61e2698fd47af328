"""Issue 10: the status counters (`invoicing.tallies`) equal a real count of the invoices
after every kind of write: each transition of the table, a deposit, a draft saved and
deleted, a re-routing, a queryset update, a bulk insert; exact under concurrent transitions
on PostgreSQL, without deadlocks; the Synthèse pages read them in a constant number of
queries."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction

from invoicing import steps, tallies, workflow
from invoicing.enums import (
    HIDDEN_FROM_RECIPIENT,
    RECIPIENT_TO_PROCESS,
    ActorRole,
    Frame,
    InvoiceStatus,
)
from invoicing.models import Invoice, StatusCount
from invoicing.transitions import CHAIN_RANK, NEW, TABLE
from tests.factories.invoicing import InvoiceFactory
from tests.factories.structures import PublicStructureFactory, ServiceFactory, StructureFactory

S = InvoiceStatus
pytestmark = pytest.mark.django_db


def real_counts() -> Counter:
    """What the counters must hold, counted in Python from the invoices."""
    counts: Counter = Counter()
    rows = Invoice.objects.values_list(
        "supplier_id", "recipient_id", "recipient_service_id", "validator_id", "status", "due_date"
    )
    for supplier, recipient, service, validator, status, due in rows:
        counts["S", supplier, 0, status] += 1
        if recipient is not None and status not in HIDDEN_FROM_RECIPIENT:
            counts["R", recipient, service or 0, status] += 1
        if validator is not None:
            counts["V", validator, 0, status] += 1
        if recipient is not None and status in RECIPIENT_TO_PROCESS:
            counts["D", recipient, service or 0, due.isoformat() if due else ""] += 1
    return counts


def counters() -> Counter:
    rows = StatusCount.objects.exclude(n=0).values_list(
        "side", "structure_id", "service_id", "status", "n"
    )
    counts = Counter()
    for side, sid, svc, status, n in rows:  # a key's value is the sum of its delta rows
        counts[side, sid, svc, status] += n
    return +counts


def assert_exact() -> None:
    assert counters() == real_counts()


@pytest.fixture
def all_roles(monkeypatch):
    """Every actor plays every role: this module tests the counters, not the permissions."""
    monkeypatch.setattr(steps, "actor_roles", lambda actor, invoice: set(ActorRole))


def _target(transition, source):
    if transition.target is not None:
        return None
    later = [
        s
        for s, rank in CHAIN_RANK.items()
        if rank > CHAIN_RANK.get(source, 0) and s != S.MISE_EN_PAIEMENT
    ]
    return later[-1] if later else None


def test_every_transition_of_the_table_keeps_the_counters_exact(all_roles):
    recipient = PublicStructureFactory()
    service = ServiceFactory(structure=recipient)
    other = PublicStructureFactory()
    other_service = ServiceFactory(structure=other)
    supplier = StructureFactory()
    moved = 0
    for transition in TABLE:
        for source in sorted(transition.sources - {NEW}):
            for frame in (Frame.A1, Frame.A9):
                invoice = InvoiceFactory(
                    status=source,
                    frame=frame,
                    supplier=supplier,
                    recipient=recipient,
                    recipient_service=service,
                    validator=other if frame == Frame.A9 else None,
                )
                target = _target(transition, source)
                if not transition.allows(invoice, target):
                    continue
                # T16 re-routes the invoice: the counters follow it to its new recipient.
                updates = (
                    {"recipient": other, "recipient_service": other_service}
                    if transition.code == "T16"
                    else None
                )
                with transaction.atomic():
                    steps.apply(
                        invoice,
                        transition.code,
                        target=target,
                        comment="motif",
                        updates=updates,
                    )
                moved += 1
                assert_exact()
    assert moved >= len(TABLE) - 3  # T1, T2, T3 start from NEW too


def test_deposit_draft_and_deletion_keep_the_counters_exact(
    personas, django_capture_on_commit_callbacks
):
    draft = Invoice(
        supplier=personas.structure, recipient=personas.public, frame=Frame.A1, number="D1"
    )
    workflow.save_draft(draft, actor=personas.simple_change)
    assert_exact()
    assert tallies.issued([personas.structure.pk]) == {S.BROUILLON: 1}

    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(draft, actor=personas.simple_change)  # T2, then T4 after commit
    assert_exact()
    assert tallies.received({personas.public.pk: None}) == {S.MISE_A_DISPOSITION: 1}

    other = Invoice(
        supplier=personas.structure, recipient=personas.public, frame=Frame.A1, number="D2"
    )
    workflow.save_draft(other, actor=personas.simple_change)
    other.delete()
    assert_exact()
    assert tallies.issued([personas.structure.pk]) == {S.MISE_A_DISPOSITION: 1}


def test_writes_outside_the_workflow_keep_the_counters_exact():
    """Queryset updates and bulk inserts (demo data, imports) run no Python hook: the
    triggers count them all the same."""
    recipient = PublicStructureFactory()
    service = ServiceFactory(structure=recipient)
    invoices = [InvoiceFactory(recipient=recipient) for _ in range(3)]
    Invoice.objects.filter(pk=invoices[0].pk).update(status=S.SUSPENDUE)
    Invoice.objects.filter(pk=invoices[1].pk).update(recipient_service=service)
    Invoice.objects.filter(pk=invoices[2].pk).update(status=S.BROUILLON)  # hidden from R
    Invoice.objects.filter(pk=invoices[2].pk).update(recipient=None)
    Invoice.objects.filter(pk=invoices[1].pk).update(updated_at=invoices[1].updated_at)
    assert_exact()
    contractor, other = StructureFactory(), StructureFactory()
    Invoice.objects.filter(pk=invoices[0].pk).update(validator=contractor)  # T18-like
    Invoice.objects.filter(pk=invoices[0].pk).update(validator=other)
    Invoice.objects.filter(pk=invoices[1].pk).update(validator=contractor, status=S.A_VALIDER_1)
    assert_exact()
    assert tallies.validated([contractor.pk]) == {S.A_VALIDER_1: 1}
    copy = Invoice.objects.get(pk=invoices[0].pk)
    copy.pk, copy.number = None, "BULK-1"
    Invoice.objects.bulk_create([copy])
    assert_exact()
    Invoice.objects.filter(recipient=recipient).delete()
    assert_exact()


def test_service_scope_reads_only_the_allowed_services():
    recipient = PublicStructureFactory()
    first, second = ServiceFactory(structure=recipient), ServiceFactory(structure=recipient)
    InvoiceFactory(recipient=recipient, recipient_service=first)
    InvoiceFactory(recipient=recipient, recipient_service=second, status=S.SUSPENDUE)
    InvoiceFactory(recipient=recipient, recipient_service=None)
    InvoiceFactory(recipient=recipient, status=S.DEPOSEE)  # RCV-2: not on the recipient side

    assert tallies.received({recipient.pk: None}) == {
        S.MISE_A_DISPOSITION: 2,
        S.SUSPENDUE: 1,
    }
    assert tallies.received({recipient.pk: {first.pk}}) == {S.MISE_A_DISPOSITION: 1}
    assert tallies.received({recipient.pk: set()}) == {}
    assert tallies.received({}) == {}


def test_rebuild_recounts_from_the_invoices():
    InvoiceFactory.create_batch(3)
    InvoiceFactory(validator=StructureFactory(), status=S.A_VALIDER_1)
    StatusCount.objects.update(n=42)
    tallies.rebuild(connection)
    assert_exact()
    assert not StatusCount.objects.filter(folded=False).exists(), "no delta left to fold"


# --- PostgreSQL: concurrency ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_transitions_keep_the_counters_exact_without_deadlock(postgresql, all_roles):
    """Threads move invoices of one recipient in opposite directions (open → suspended and
    suspended → completed → taken into account), each in its own transaction, while another
    compacts the counters again and again: no deadlock, no lost or doubled delta."""
    recipient = PublicStructureFactory()
    supplier = StructureFactory()
    forward = [
        InvoiceFactory(recipient=recipient, supplier=supplier, status=S.MISE_A_DISPOSITION)
        for _ in range(12)
    ]
    backward = [
        InvoiceFactory(recipient=recipient, supplier=supplier, status=S.SUSPENDUE)
        for _ in range(12)
    ]
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    writing = threading.Event()

    def run(invoices, codes):
        try:
            barrier.wait()
            writing.set()
            for invoice in invoices:
                for code in codes:
                    with transaction.atomic():
                        steps.apply(invoice, code, comment="motif")
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    writers_done = threading.Event()
    compactions: list[int] = []  # keys folded by each compaction while the writers wrote

    def compact_meanwhile():
        try:
            writing.wait(30)
            while not writers_done.is_set():
                folded = tallies.compact(connection)
                if not writers_done.is_set():
                    compactions.append(folded)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(forward[:6], ["T10"])),
        threading.Thread(target=run, args=(forward[6:], ["T9", "T10"])),
        threading.Thread(target=run, args=(backward[:6], ["T15", "T9"])),
        threading.Thread(target=run, args=(backward[6:], ["T15"])),
    ]
    tallies.compact(connection)  # the set-up's deltas: what follows folds the writers' own
    compactor = threading.Thread(target=compact_meanwhile)
    compactor.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    writers_done.set()
    compactor.join(60)
    assert not errors, errors
    assert any(compactions), "the compaction folded deltas while the writers ran"
    assert_exact()
    tallies.compact(connection)
    keys = StatusCount.objects.values_list("side", "structure_id", "service_id", "status")
    assert len(keys) == len(set(keys)), "one row per key after a last compaction"
    assert_exact()
    assert tallies.received({recipient.pk: None}) == {
        S.SUSPENDUE: 12,
        S.PRISE_EN_COMPTE_DESTINATAIRE: 6,
        S.COMPLETEE: 6,
    }


# --- The Synthèse pages read them ---------------------------------------------------------


def _invoice_queries(captured) -> list[str]:
    return [q["sql"] for q in captured if '"invoicing_invoice"' in q["sql"]]


def test_issued_synthesis_reads_the_counters_and_counts_no_invoice(client, personas):
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    url = reverse("invoicing:issued")
    for status in (S.MISE_A_DISPOSITION, S.MISE_A_DISPOSITION, S.SUSPENDUE, S.BROUILLON):
        InvoiceFactory(supplier=personas.structure, status=status)
    client.force_login(personas.simple_change)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        response = client.get(url)
    counts = {code: n for code, _label, n in response.context["synthesis"].counts}
    assert counts == {S.MISE_A_DISPOSITION: 2, S.SUSPENDUE: 1, S.BROUILLON: 1}
    assert response.context["synthesis"].total == 4
    assert not [sql for sql in _invoice_queries(one) if "COUNT(" in sql.upper()]
    assert any('"invoicing_statuscount"' in q["sql"] for q in one)

    InvoiceFactory.create_batch(5, supplier=personas.structure, status=S.REJETEE)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(one)


def test_received_synthesis_counts_overdue_exactly_from_the_counters(client, personas):
    """Issue 10: waiting and overdue come from the counters ("R" by status, "D" by due
    date), exact whatever their number, in a constant number of queries and with no count
    of the invoice table."""
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    recipient, reviewer = personas.public, personas.public_reviewer
    url = reverse("invoicing:received")
    client.force_login(reviewer)
    old = timezone.now() - timedelta(days=400)
    InvoiceFactory(recipient=recipient, deposited_at=old)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    InvoiceFactory.create_batch(4, recipient=recipient, deposited_at=old)
    InvoiceFactory.create_batch(3, recipient=recipient)  # not yet due
    InvoiceFactory(recipient=recipient, status=S.MISE_EN_PAIEMENT, deposited_at=old)  # paid
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.context["counts"] == {"waiting": 8, "overdue": 5, "suspended": 0}
    assert len(many) == len(one)
    assert not [sql for sql in _invoice_queries(many) if "COUNT(" in sql.upper()]


def test_compaction_folds_each_key_into_one_row_and_keeps_the_counts(all_roles):
    """Writes append delta rows (no row lock); the minute task folds them, the sums stay."""
    from invoicing.tasks import compact_status_counts

    supplier = StructureFactory()
    InvoiceFactory.create_batch(3, supplier=supplier)
    Invoice.objects.filter(supplier=supplier).delete()
    InvoiceFactory.create_batch(2, supplier=supplier)
    before = counters()
    assert StatusCount.objects.filter(structure_id=supplier.pk).count() > 1
    assert compact_status_counts() > 0
    assert counters() == before
    assert_exact()
    keys = StatusCount.objects.values_list("side", "structure_id", "service_id", "status")
    assert len(keys) == len(set(keys)), "one row per key after compaction"
    assert not StatusCount.objects.filter(n=0).exists()
    assert compact_status_counts() == 0


def test_compaction_folds_the_keys_with_deltas_and_leaves_the_others(all_roles):
    """Issue 10: the triggers append rows marked as deltas; the compaction folds those keys
    alone (it finds them in a partial index) and does not rewrite a key without deltas."""
    from invoicing.tasks import compact_status_counts

    busy, quiet = StructureFactory(), StructureFactory()
    InvoiceFactory.create_batch(2, supplier=busy)
    InvoiceFactory(supplier=quiet)
    compact_status_counts()
    assert not StatusCount.objects.filter(folded=False).exists()
    quiet_rows = set(StatusCount.objects.filter(structure_id=quiet.pk).values_list("pk", "n"))
    # A key of two rows, as invoicing 0012 may leave one (its rows were marked folded).
    row = StatusCount.objects.get(side="S", structure_id=busy.pk)
    StatusCount.objects.filter(pk=row.pk).update(n=1)
    StatusCount.objects.create(side="S", structure_id=busy.pk, status=row.status, n=1, folded=True)

    InvoiceFactory(supplier=busy)
    deltas = StatusCount.objects.filter(folded=False)
    touched = set(deltas.values_list("structure_id", flat=True))
    assert busy.pk in touched and quiet.pk not in touched
    keys = set(deltas.values_list("side", "structure_id", "service_id", "status"))
    assert compact_status_counts() == len(keys)
    assert not deltas.exists()
    assert set(StatusCount.objects.filter(structure_id=quiet.pk).values_list("pk", "n")) == (
        quiet_rows
    )
    assert StatusCount.objects.get(side="S", structure_id=busy.pk).n == 3
    assert_exact()


def test_postgresql_compaction_reads_the_deltas_index(postgresql):
    with transaction.atomic(), connection.cursor() as cursor:
        # A tiny table: seq scans off, the plan shows the index the query can use.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {tallies.COMPACT}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "statuscount_deltas" in plan, plan


def test_due_date_counters_split_the_waiting_invoices_at_today(personas):
    """The "D" keys: an invoice due yesterday is overdue, one due today is not, one without
    a due date is neither; a paid invoice does not wait; a service scope reads its own."""
    from datetime import date

    recipient = personas.public
    service = ServiceFactory(structure=recipient)
    today = date(2026, 3, 10)
    yesterday, due_today, undated, paid, other_service = (
        InvoiceFactory(recipient=recipient, status=status)
        for status in [S.MISE_A_DISPOSITION] * 3 + [S.MISE_EN_PAIEMENT, S.COMPLETEE]
    )
    for invoice, due in (
        (yesterday, date(2026, 3, 9)),
        (due_today, today),
        (undated, None),
        (paid, date(2026, 3, 1)),
    ):
        Invoice.objects.filter(pk=invoice.pk).update(due_date=due)
    Invoice.objects.filter(pk=other_service.pk).update(
        recipient_service=service, due_date=date(2026, 1, 1)
    )

    def overdue(scope):
        by_status, not_due = tallies.received_and_due(scope, today)
        assert by_status == tallies.received(scope)
        return sum(n for s, n in by_status.items() if s in RECIPIENT_TO_PROCESS) - not_due

    assert tallies.received_and_due({recipient.pk: None}, today)[1] == 2  # today, undated
    assert overdue({recipient.pk: None}) == 2  # yesterday's and the other service's
    assert overdue({recipient.pk: {service.pk}}) == 1
    assert tallies.received_and_due({recipient.pk: set()}, today) == ({}, 0)
    assert tallies.received_and_due({}, today) == ({}, 0)
    assert_exact()


def test_the_migration_counts_the_due_dates_of_the_existing_invoices(personas):
    """invoicing 0013 writes the "D" rows of the invoices already there."""
    for status in (S.MISE_A_DISPOSITION, S.COMPLETEE, S.MISE_EN_PAIEMENT, S.SUSPENDUE):
        InvoiceFactory(recipient=personas.public, status=status)
    Invoice.objects.filter(status=S.COMPLETEE).update(due_date=None)
    tallies.forget_due_dates(connection)
    assert not StatusCount.objects.filter(side=tallies.DUE_SIDE).exists()
    tallies.count_due_dates(connection)
    assert_exact()
    assert not StatusCount.objects.filter(side=tallies.DUE_SIDE, folded=False).exists()


def test_no_status_both_waits_for_the_recipient_and_is_hidden_from_it():
    """The "D" keys sum to the "R" keys of the waiting statuses only if none is hidden."""
    assert not RECIPIENT_TO_PROCESS & HIDDEN_FROM_RECIPIENT
