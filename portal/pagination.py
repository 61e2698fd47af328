"""Pagination of the big lists (issue 10): no exact count over a big scope on every page.

`BoundedPaginator` counts at most `cap + 1` rows (``SELECT COUNT(*) FROM (SELECT id … LIMIT
10001)``, an index-only scan on the list's index): up to the cap the count is exact; above
it the page says "plus de 10 000 …, affinez votre recherche" and serves the first `cap`
rows only (a page number beyond them shows the last page within the cap). Deep pages fetch
their ids first (an index-only scan skipping the offset), then their rows: the offset never
reads the skipped rows themselves. Same number of queries as Django's Paginator.
"""

from __future__ import annotations

import json
import math

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.formats import number_format
from django.utils.functional import cached_property

COUNT_CAP = 10_000
DEFERRED_OFFSET = 250  # from this offset on, a page reads its ids first


def cap_label(cap: int | None = None) -> str:
    """ "10 000" in French, "10,000" in English."""
    return number_format(COUNT_CAP if cap is None else cap, force_grouping=True)


# A search for a part of a name (no index gives its rows in the list's scope) counts up to
# this only: the count reads about cap / selectivity index entries of the scope, so a common
# name in a big recipient's 300,000 invoices would read as many (issue 10).
NAME_PART_CAP = 1_000


# A name-part search whose rows PostgreSQL's planner estimates at this many times the cap
# or more is not counted: the page says "plus de <cap>" at once. Counting it read about
# cap / selectivity index entries of the scope (a common name in a big recipient's 300,000
# invoices: 60,000 entries, 30-50 ms); a rare name is counted exactly, the trigram index
# finding its few rows (issue 10).
ESTIMATE_FACTOR = 3


def planned_rows(queryset: QuerySet) -> int | None:
    """The rows PostgreSQL's planner expects of `queryset` (EXPLAIN without ANALYZE: nothing
    is read), or None on another database or for an empty scope."""
    if connections[queryset.db].vendor != "postgresql":
        return None
    try:
        explained = queryset.order_by().values("pk").explain(format="json")
    except EmptyResultSet:
        return None
    if not explained:  # Django explains nothing of a queryset known to be empty
        return None
    return int(json.loads(explained)[0]["Plan"]["Plan Rows"])


class BoundedPaginator(Paginator):
    def __init__(
        self,
        *args,
        cap: int | None = None,
        estimate: bool = False,
        ids_first: bool = False,
        known_count: int | None = None,
        **kwargs,
    ):
        """`estimate`: when the planner expects `ESTIMATE_FACTOR` times the cap or more,
        the count is "more than the cap" without counting (a name-part search).
        `ids_first`: every page reads its ids first, not only the deep ones (a list whose
        order index answers index-only, where the planner's estimate of the matches would
        otherwise make it sort them all). `known_count`: the rows' number, known exactly
        without reading them (the status counters of `invoicing.tallies`): not counted."""
        super().__init__(*args, **kwargs)
        self._known_count = known_count
        self._cap = cap
        self._estimate = estimate
        self._deferred_offset = 0 if ids_first else DEFERRED_OFFSET

    @property
    def cap(self) -> int:
        return COUNT_CAP if self._cap is None else self._cap

    @cached_property
    def count(self) -> int:
        """Exact up to `cap`, `cap + 1` meaning "more"."""
        if self._known_count is not None:
            return min(self._known_count, self.cap + 1)
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return min(len(queryset), self.cap + 1)
        if self._estimate:
            planned = planned_rows(queryset)
            if planned is not None and planned >= ESTIMATE_FACTOR * self.cap:
                return self.cap + 1
        return queryset.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @property
    def cap_label(self) -> str:
        return cap_label(self.cap)

    @cached_property
    def num_pages(self) -> int:
        if self.capped:
            return math.ceil(self.cap / self.per_page)
        if self.count == 0 and not self.allow_empty_first_page:
            return 0
        hits = max(1, self.count - self.orphans)
        return math.ceil(hits / self.per_page)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        limit = min(self.count, self.cap)
        if top + self.orphans >= limit:
            top = limit
        rows = self.object_list[bottom:top]
        if bottom >= self._deferred_offset and isinstance(self.object_list, QuerySet):
            ids = self.object_list.values("pk")[bottom:top]
            rows = self.object_list.filter(pk__in=ids)
        return self._get_page(rows, number, self)
