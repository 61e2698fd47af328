"""One page of a search as plain tuples, in one statement compiled once per shape (issue 12).

The statement is the ORM's: the page's ids and the total (a window count) chosen by the
criteria (`api.criteria`, compiled once per shape of criteria, sort and annotations, with
LIMIT and OFFSET as parameters), joined to the columns the rows show (a `values_list`
compiled once per sort). Its rows are tuples read through the ORM's converters: no model
instance is built. `Page.records` gives them as named tuples of the columns.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Count, F, IntegerField, Model, QuerySet, Window
from django.db.models.expressions import RawSQL

from api.criteria import Criteria, Statement, compile_statement
from portal import prepared

PAGE = "cpro_page"
MAX_STATEMENTS = 2000  # shapes kept per process


@dataclass
class Columns:
    """The columns of a list's rows (lookups of the model, as `values_list` takes them)
    and `annotate(queryset)`: annotations the criteria's queryset adds (e.g. a total size),
    carried to the rows under their names."""

    model: type[Model]
    names: tuple[str, ...]
    annotate: dict[str, Callable[[QuerySet], QuerySet]] = field(default_factory=dict)
    # Run as a statement PostgreSQL keeps prepared (planned once, values in binary). Not
    # where a partial index's condition must be read in the values (a plan made for any
    # value cannot use it): those are sent as literals and planned on every call.
    prepared: bool = True
    _records: dict = field(default_factory=dict)

    def record(self, extra: tuple[str, ...]):
        found = self._records.get(extra)
        if found is None:
            names = [*self.names, "cpro_total", *extra]
            found = self._records[extra] = namedtuple("Record", names)  # noqa: PYI024
        return found


@dataclass(frozen=True)
class _Outer:
    sql: str
    converters: list


_outer: dict[tuple, _Outer | None] = {}
_statements: dict[tuple, tuple[Statement, _Outer] | None] = {}


def _inner(columns: Columns, queryset: QuerySet, order: Sequence[str], extra) -> QuerySet:
    for name in extra:
        queryset = columns.annotate[name](queryset)
    return (
        queryset.order_by(*order)
        .annotate(cpro_id=F("pk"), cpro_total=Window(Count("*")))
        .values_list("cpro_id", "cpro_total", *extra)
    )


def _compile_outer(columns: Columns, order, types: dict, alias: str) -> _Outer | None:
    connection = connections[alias]
    quote = connection.ops.quote_name
    annotations = {
        name: RawSQL(f"{quote(PAGE)}.{quote(name)}", [], output_field=kind)  # noqa: S611
        for name, kind in types.items()
    }
    queryset = (
        columns.model._default_manager.order_by(*order)
        .annotate(**annotations)
        .values_list(*columns.names, *annotations)
    )
    compiler = queryset.query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    select = [s[0] for s in compiler.select[: compiler.col_count]]
    if params or len(select) != len(columns.names) + len(annotations):  # pragma: no cover
        return None
    converters = list(compiler.get_converters(select).items())
    return _Outer(sql=sql, converters=converters)


def _compile(columns: Columns, criteria: Criteria, order, extra, alias: str):
    model = columns.model
    connection = connections[alias]
    quote = connection.ops.quote_name
    holder: dict[str, Any] = {}

    def build_sql(queryset: QuerySet):
        inner = _inner(columns, queryset, order, extra)
        holder["types"] = {
            "cpro_total": IntegerField(),
            **{n: inner.query.annotations[n].output_field for n in extra},
        }
        return inner.query.sql_with_params()

    statement = compile_statement(model, criteria, build_sql, alias)
    if statement is None:  # pragma: no cover - an ORM change
        return None
    key = (connection.vendor, id(columns), tuple(order), tuple(extra))
    if key not in _outer:
        _outer[key] = _compile_outer(columns, order, holder["types"], alias)
    outer = _outer[key]
    table = quote(model._meta.db_table)
    marker = f" FROM {table} "
    if outer is None or outer.sql.count(marker) != 1:  # pragma: no cover - an ORM change
        return None
    source = (
        f" FROM ({statement.sql} LIMIT %s OFFSET %s) {quote(PAGE)} INNER JOIN {table} ON "
        f"({table}.{quote(model._meta.pk.column)} = {quote(PAGE)}.{quote('cpro_id')}) "
    )
    whole = Statement(
        sql=outer.sql.replace(marker, source), params=statement.params, slots=statement.slots
    )
    return whole, outer


def page(
    columns: Columns,
    criteria: Criteria,
    order: Sequence[str],
    offset: int,
    limit: int,
    extra: tuple[str, ...] = (),
    alias: str = DEFAULT_DB_ALIAS,
) -> tuple[list, int]:
    """(the page's rows as `columns.record(extra)` tuples, the total), in one query."""
    if criteria.nothing:
        return [], 0
    connection = connections[alias]
    key = (connection.vendor, id(columns), criteria.shape(), tuple(order), extra)
    found = _statements.get(key, False)
    if found is False:
        found = _compile(columns, criteria, order, extra, alias)
        if len(_statements) < MAX_STATEMENTS:  # lists of every length: not kept forever
            _statements[key] = found
    if found is None:  # pragma: no cover - an ORM change: its way, compiled on every call
        return _by_orm(columns, criteria, order, offset, limit, extra)
    statement, outer = found
    params = statement.params_for(criteria, limit, offset)
    opened = prepared.cursor(alias, binary=True) if columns.prepared else connection.cursor()
    with opened as cursor:
        cursor.execute(statement.sql, params)
        rows = cursor.fetchall()
    record = columns.record(extra)
    if outer.converters:
        rows = [prepared.convert(row, outer.converters, connection) for row in rows]
    records = list(map(record._make, rows))
    return records, (records[0].cpro_total if records else 0)


def _by_orm(columns: Columns, criteria: Criteria, order, offset, limit, extra):  # pragma: no cover
    queryset = criteria.apply(columns.model._default_manager.all())
    for name in extra:
        queryset = columns.annotate[name](queryset)
    queryset = queryset.order_by(*order)
    total = queryset.count()
    record, count = columns.record(extra), len(columns.names)
    values = queryset.values_list(*columns.names, *extra)[offset : offset + limit]
    return [record(*row[:count], total, *row[count:]) for row in values], total
