"""Issue 10: bounded counts and capped pages of the big lists (portal/pagination.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from invoicing.enums import InvoiceStatus
from invoicing.models import Invoice
from portal import pagination
from portal.pagination import BoundedPaginator
from tests.factories.invoicing import InvoiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seven(personas):
    return [
        InvoiceFactory(status=InvoiceStatus.MISE_A_DISPOSITION, recipient=personas.public).pk
        for _ in range(7)
    ]


def test_count_is_exact_up_to_the_cap(seven):
    paginator = BoundedPaginator(Invoice.objects.order_by("id"), 2)
    assert paginator.count == 7 and not paginator.capped and paginator.num_pages == 4


def test_count_stops_above_the_cap_and_pages_stop_at_it(monkeypatch, seven):
    monkeypatch.setattr(pagination, "COUNT_CAP", 5)
    paginator = BoundedPaginator(Invoice.objects.order_by("id"), 2)
    with CaptureQueriesContext(connection) as captured:
        assert paginator.count == 6  # cap + 1: "more than 5"
    assert "LIMIT 6" in captured.captured_queries[0]["sql"]
    assert paginator.capped and paginator.num_pages == 3
    last = paginator.get_page(2000)  # a page beyond the cap: the last within it
    assert last.number == 3 and [i.pk for i in last] == [seven[4]]


def test_deep_pages_read_their_ids_first_with_the_same_rows(monkeypatch, seven):
    monkeypatch.setattr(pagination, "DEFERRED_OFFSET", 2)
    queryset = Invoice.objects.order_by("-id")
    paginator = BoundedPaginator(queryset, 2)
    with CaptureQueriesContext(connection) as captured:
        rows = [invoice.pk for invoice in paginator.page(3)]
    assert rows == sorted(seven, reverse=True)[4:6]
    assert len(captured.captured_queries) == 2  # the count, then the page (ids in a subquery)
    assert captured.captured_queries[1]["sql"].count("SELECT") == 2


def test_ids_first_reads_the_first_page_by_its_ids_too(seven):
    queryset = Invoice.objects.order_by("-id")
    with CaptureQueriesContext(connection) as captured:
        rows = [invoice.pk for invoice in BoundedPaginator(queryset, 2, ids_first=True).page(1)]
        plain = [invoice.pk for invoice in BoundedPaginator(queryset, 2).page(1)]
    assert rows == plain == sorted(seven, reverse=True)[:2]
    pages = [q["sql"] for q in captured.captured_queries if "COUNT" not in q["sql"]]
    assert [sql.count("SELECT") for sql in pages] == [2, 1]


def test_a_broad_estimate_is_more_than_the_cap_without_counting(monkeypatch, seven):
    """Issue 10: a name-part search the planner expects ESTIMATE_FACTOR × the cap rows of
    or more is "more than the cap" at once; a narrower one is counted exactly."""
    monkeypatch.setattr(pagination, "planned_rows", lambda queryset: 3 * 5)
    paginator = BoundedPaginator(Invoice.objects.order_by("id"), 2, cap=5, estimate=True)
    with CaptureQueriesContext(connection) as captured:
        assert paginator.count == 6 and paginator.capped
    assert not any("COUNT(" in query["sql"] for query in captured)
    monkeypatch.setattr(pagination, "planned_rows", lambda queryset: 3 * 5 - 1)
    assert BoundedPaginator(Invoice.objects.all(), 2, cap=5, estimate=True).count == 6
    assert BoundedPaginator(Invoice.objects.all(), 2, cap=10, estimate=True).count == 7


def test_without_estimate_the_planner_is_not_asked(monkeypatch, seven):
    monkeypatch.setattr(pagination, "planned_rows", lambda queryset: 1 / 0)
    assert BoundedPaginator(Invoice.objects.all(), 2, cap=5).count == 6


def test_planned_rows_is_the_planner_estimate_on_postgresql(postgresql, seven):
    planned = pagination.planned_rows(Invoice.objects.filter(supplier_name__icontains="x"))
    assert isinstance(planned, int) and planned >= 0
    assert pagination.planned_rows(Invoice.objects.none()) is None


def test_planned_rows_is_none_on_sqlite(seven):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    assert pagination.planned_rows(Invoice.objects.all()) is None
