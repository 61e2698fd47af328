"""Search criteria as data, and their statements compiled once per shape (issue 12).

A search used to filter a queryset criterion by criterion and let the ORM compile it on
every call. `Criteria` records the conditions instead: `filter`/`exclude` a lookup with a
value, `any_of` groups (an OR of ANDs). `apply` gives the queryset the ORM path would
build (the reference, and the fallback). `shape()` is what the SQL depends on (which
lookups, how many values in a list, the booleans): one statement per shape is compiled
with sentinel values (`statement`), and a call puts its own values where the sentinels
were, prepared as the lookup itself prepares them (the same escaping of `iexact` and
`startswith`, the same adaptation of dates, amounts and lists).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache, reduce
from operator import and_, or_
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, Q, QuerySet
from django.db.models.sql import Query

AND, NOT, ANY = "and", "not", "any"


def _values(value: Any) -> Any:
    """A list value as the `in` lookup reads it: None left out, duplicates once, in order."""
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else value
        return list(dict.fromkeys(v for v in items if v is not None))
    return value


def _key(lookup: str, value: Any) -> tuple:
    if isinstance(value, list):
        return (lookup, len(value))
    if isinstance(value, bool) or value is None:
        return (lookup, "=", value)  # a part of the statement, not a parameter
    return (lookup, type(value).__name__)


class Criteria:
    def __init__(self) -> None:
        self.items: list[tuple] = []
        self.nothing = False  # a criterion no invoice meets (the ORM's `none()`)

    def filter(self, lookup: str, value: Any) -> Criteria:
        value = _values(value)
        if isinstance(value, list) and not value:
            self.nothing = True  # `in []`: the ORM answers nothing
        self.items.append((AND, lookup, value))
        return self

    def exclude(self, lookup: str, value: Any) -> Criteria:
        value = _values(value)
        if not (isinstance(value, list) and not value):  # `not in []`: every row
            self.items.append((NOT, lookup, value))
        return self

    def any_of(self, groups: Sequence[Sequence[tuple[str, Any]]], *, none_is_nothing=False):
        """OR of AND groups of (lookup, value). An empty group is left out (`Q() | q` is
        `q` in the ORM); no group left: no condition, or nothing when `none_is_nothing`."""
        kept = []
        for group in groups:
            pairs = [(lookup, _values(value)) for lookup, value in group]
            if any(isinstance(v, list) and not v for _l, v in pairs):
                continue  # `in []` in an OR: the ORM drops that branch
            if pairs:
                kept.append(pairs)
        if kept:
            self.items.append((ANY, kept))
        elif none_is_nothing:
            self.nothing = True
        return self

    def none(self) -> Criteria:
        self.nothing = True
        return self

    def shape(self) -> tuple:
        found = []
        for item in self.items:
            if item[0] == ANY:
                found.append((ANY, tuple(tuple(_key(*p) for p in g) for g in item[1])))
            else:
                found.append((item[0], *_key(item[1], item[2])))
        return tuple(found)

    def leaves(self) -> list[tuple[str, Any]]:
        """(lookup, value) of every condition, in the order of `shape`."""
        found = []
        for item in self.items:
            if item[0] == ANY:
                found.extend(pair for group in item[1] for pair in group)
            else:
                found.append((item[1], item[2]))
        return found

    def apply(self, queryset: QuerySet) -> QuerySet:
        """The queryset the ORM path builds: the conditions in order."""
        if self.nothing:
            return queryset.none()
        for item in self.items:
            if item[0] == AND:
                queryset = queryset.filter(**{item[1]: item[2]})
            elif item[0] == NOT:
                queryset = queryset.exclude(**{item[1]: item[2]})
            else:
                groups = [reduce(and_, (Q(**{lk: v}) for lk, v in g)) for g in item[1]]
                queryset = queryset.filter(reduce(or_, groups))
        return queryset

    def with_sentinels(self) -> Criteria:
        """The same shape, each parameter value replaced by a value of its type that no
        other parameter of the statement has (to find where each one goes)."""
        counter = iter(range(1, 10_000))
        copy = Criteria()
        for item in self.items:
            if item[0] == ANY:
                groups = [[(lk, _sentinel(v, counter)) for lk, v in g] for g in item[1]]
                copy.items.append((ANY, groups))
            else:
                copy.items.append((item[0], item[1], _sentinel(item[2], counter)))
        return copy


def _sentinel(value: Any, counter) -> Any:
    if isinstance(value, list):
        return [_sentinel(v, counter) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    n = next(counter)
    if isinstance(value, int):
        return -7_000_000_000 - n
    if isinstance(value, Decimal):
        return Decimal(f"-{7_000_000 + n}.123457")
    if isinstance(value, dt.datetime):
        return dt.datetime(1100 + n, 1, 1, 1, tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.date(1100 + n, 1, 1)
    if isinstance(value, str):
        return f"cpro\u00a7sentinel\u00a7{n}"
    raise TypeError(f"no sentinel for {type(value).__name__}")


# --- Statements compiled once per shape ------------------------------------------------


@dataclass(frozen=True)
class Statement:
    sql: str
    params: tuple
    slots: list[tuple[Callable, list[int]]]  # per parameter leaf: its preparer, its positions

    def params_for(self, criteria: Criteria, *tail: Any) -> list:
        params = list(self.params)
        values = [v for _lk, v in criteria.leaves() if not (isinstance(v, bool) or v is None)]
        for (prepare, positions), value in zip(self.slots, values, strict=True):
            for position, prepared in zip(positions, prepare(value), strict=True):
                params[position] = prepared
        params.extend(tail)
        return params


def preparer(model: type[Model], lookup: str, sample: Any, alias: str = DEFAULT_DB_ALIAS):
    """value → the parameters the ORM sends for `lookup=value` (built once per lookup)."""
    query = Query(model)
    where, _joins = query.build_filter((lookup, sample))
    node = where.children[0]
    kind, lhs = type(node), node.lhs
    compiler = query.get_compiler(using=alias)
    connection = connections[alias]

    @lru_cache(maxsize=256, typed=True)  # the scope's values come back on every call of a caller
    def prepared(value):
        value = list(value) if isinstance(value, tuple) else value
        return tuple(kind(lhs, value).process_rhs(compiler, connection)[1])

    def prepare(value):
        return prepared(tuple(value) if isinstance(value, list) else value)

    return prepare


_preparers: dict[tuple, Callable] = {}


def compile_statement(
    model: type[Model],
    criteria: Criteria,
    build_sql: Callable[[QuerySet], tuple[str, Sequence]],
    alias: str = DEFAULT_DB_ALIAS,
) -> Statement | None:
    """`build_sql(queryset filtered by criteria)` → (sql, params), compiled with sentinels;
    None when a sentinel cannot be found exactly once among the parameters."""
    vendor = connections[alias].vendor
    sentinels = criteria.with_sentinels()
    sql, params = build_sql(sentinels.apply(model._default_manager.all()))
    params = tuple(params)
    slots = []
    for lookup, value in sentinels.leaves():
        if isinstance(value, bool) or value is None:
            continue
        key = (vendor, model._meta.label, lookup, len(value) if isinstance(value, list) else -1)
        prepare = _preparers.get(key)
        if prepare is None:
            prepare = _preparers[key] = preparer(model, lookup, value, alias)
        positions = []
        for prepared in prepare(value):
            found = [i for i, p in enumerate(params) if _same(p, prepared)]
            if len(found) != 1:
                return None
            positions.append(found[0])
        slots.append((prepare, positions))
    return Statement(sql=sql, params=params, slots=slots)


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b
