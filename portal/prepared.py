"""Querysets compiled once per process and run again with other values (issues 12 and 10).

The API asks the same few questions of every call with other ids: compiling the ORM's
SQL (select_related columns, joins) cost more than running it. A `Prepared` statement is
built by the ORM once per database vendor with sentinel values, then run with the call's
values; its rows become exactly the model instances the ORM would give (the same
converters, related objects and annotations), as `ModelIterable` builds them.

Prepare a statement whose parameters are ids, nothing else. From its sixth run PostgreSQL
may keep a generic plan, made without the parameters' values: a status or a date passed as
a parameter then hides which partial index applies (a prepared LIF-6 list, whose statuses
were parameters, took 97 ms instead of 1 on the 2,000,000-invoice bench). Write such
constants into the SQL, or leave the statement to the ORM.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import (
    DEFERRED,
    DateField,
    DateTimeField,
    Model,
    QuerySet,
)
from django.db.models.query import get_related_populators


@dataclass(frozen=True)
class Compiled:
    sql: str
    params: tuple
    model: _Loader
    start: int
    end: int
    init_list: list[str]
    populators: list
    annotations: dict[str, int]
    converters: dict[int, tuple[list, Any]]


class _Loader:
    """`from_db` of a model whose rows bring `init_list` (a subset of its fields, `only()`):
    the values are put in the model's field order with the others deferred, once per row
    from precomputed positions (Django's `from_db` searches the list for every field of
    every row)."""

    def __init__(self, model: type[Model], init_list: Sequence[str]):
        self.model = model
        names = [f.attname for f in model._meta.concrete_fields]
        self.full = len(init_list) == len(names) and list(init_list) == names
        positions = {name: i for i, name in enumerate(init_list)}
        self.slots = [positions.get(name) for name in names]
        self.names = names

    def from_db(self, db, init_list, values):
        if self.full:
            return self.model.from_db(db, init_list, values)
        full = [DEFERRED if i is None else values[i] for i in self.slots]
        return self.model.from_db(db, self.names, full)


def _fast_loaders(populators) -> list:
    for populator in populators:
        populator.model_cls = _Loader(populator.model_cls, populator.init_list)
        _fast_loaders(populator.related_populators)
    return populators


def compile_queryset(queryset: QuerySet, alias: str = DEFAULT_DB_ALIAS) -> Compiled:
    compiler = queryset.query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    select, klass_info = compiler.select, compiler.klass_info
    fields = [s[0] for s in select[: compiler.col_count]]
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    return Compiled(
        sql=sql,
        params=tuple(params),
        model=_Loader(klass_info["model"], [f[0].target.attname for f in select[start:end]]),
        start=start,
        end=end,
        init_list=[f[0].target.attname for f in select[start:end]],
        populators=_fast_loaders(get_related_populators(klass_info, select, alias)),
        annotations=dict(compiler.annotation_col_map or {}),
        converters=compiler.get_converters(fields),
    )


def cursor(alias: str = DEFAULT_DB_ALIAS, *, binary: bool = False):
    """A cursor of the connection whose statements PostgreSQL keeps prepared for the
    connection's life (parsed and planned once: the API's wide joins took longer to plan
    than to run); the usual cursor elsewhere. (Not through a transaction-pooling proxy.)
    `binary`: values travel in PostgreSQL's binary format (the same Python values, read
    with less work than parsing their text)."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django turns psycopg's preparation off (None); a threshold no statement reaches
        # prepares only those asked for (prepare=True): the others run as before.
        raw.prepare_threshold = NEVER_AUTOMATICALLY
    with connection.wrap_database_errors:
        return connection._prepare_cursor(_preparing_cursor(binary)(raw))


NEVER_AUTOMATICALLY = 2**31 - 1


_PREPARING: dict[bool, type] = {}


def _preparing_cursor(binary: bool = False):
    if binary not in _PREPARING:
        from django.db.backends.postgresql.base import ServerBindingCursor

        class PreparingCursor(ServerBindingCursor):
            def execute(self, query, params=None, *, prepare=None, binary=binary):
                return super().execute(query, params, prepare=True, binary=binary)

        _PREPARING[binary] = PreparingCursor
    return _PREPARING[binary]


def instances(compiled: Compiled, sql: str, params: Sequence, alias: str = DEFAULT_DB_ALIAS):
    """The model instances of `sql` (the compiled statement, or a variant of it with the
    same select list) run with `params`."""
    connection = connections[alias]
    with cursor(alias) as cursor_:
        cursor_.execute(sql, params)
        rows = cursor_.fetchall()
    found = []
    converters = compiled.converters.items()
    for row in rows:
        if converters:
            row = convert(row, converters, connection)
        obj = compiled.model.from_db(alias, compiled.init_list, row[compiled.start : compiled.end])
        for populator in compiled.populators:
            populator.populate(row, obj)
        for name, position in compiled.annotations.items():
            setattr(obj, name, row[position])
        found.append(obj)
    return found


def field_converters(model, *, json_dates: bool = False) -> list[tuple[str, list, Any]]:
    """(attname, the ORM's converters of the column, its expression) of each concrete field
    of `model`, to build instances from rows read without the ORM (`from_row`).
    `json_dates`: the values come from PostgreSQL JSON, dates as ISO strings."""
    connection = connections[DEFAULT_DB_ALIAS]
    table = model._meta.db_table
    found = []
    for field in model._meta.concrete_fields:
        expression = field.get_col(table)
        functions = connection.ops.get_db_converters(expression)
        functions += expression.get_db_converters(connection)
        if json_dates and isinstance(field, (DateTimeField, DateField)):
            kind = dt.datetime if isinstance(field, DateTimeField) else dt.date
            functions = [_iso(kind), *functions]
        found.append((field.attname, functions, expression))
    return found


def _iso(kind):
    def parse(value, expression, connection):
        return kind.fromisoformat(value) if isinstance(value, str) else value

    return parse


def from_row(model, columns: list[tuple[str, list, Any]], values: Sequence):
    """An instance of `model` from `values` in the order of `columns` (field_converters)."""
    connection = connections[DEFAULT_DB_ALIAS]
    converted = []
    for value, (_name, functions, expression) in zip(values, columns, strict=True):
        for function in functions:
            value = function(value, expression, connection)
        converted.append(value)
    return model.from_db(connection.alias, [name for name, _f, _e in columns], converted)


class Prepared:
    """`build(vendor)` returns the queryset, written with the `sentinels` where the call's
    values go; `run(*values)` runs it with them (one value per sentinel, in order)."""

    def __init__(self, build: Callable[[str], QuerySet], *sentinels: Any):
        self.build = build
        self.sentinels = sentinels
        self._compiled: dict[str, tuple[Compiled, list[int]]] = {}

    def compiled(self, alias: str = DEFAULT_DB_ALIAS) -> tuple[Compiled, list[int]]:
        vendor = connections[alias].vendor
        found = self._compiled.get(vendor)
        if found is None:
            compiled = compile_queryset(self.build(vendor), alias)
            positions = [compiled.params.index(s) for s in self.sentinels]
            if sorted(compiled.params.count(s) for s in self.sentinels) != [1] * len(positions):
                raise RuntimeError("a sentinel value is not a parameter of its own")
            found = self._compiled[vendor] = (compiled, positions)
        return found

    def run(self, *values: Any, alias: str = DEFAULT_DB_ALIAS) -> list:
        compiled, positions = self.compiled(alias)
        params = list(compiled.params)
        for position, value in zip(positions, values, strict=True):
            params[position] = value
        return instances(compiled, compiled.sql, params, alias)


def convert(row, converters, connection) -> list:
    """A row with the ORM's converters applied (what Django does for a queryset's rows)."""
    row = list(row)
    for position, (functions, expression) in converters:
        value = row[position]
        for function in functions:
            value = function(value, expression, connection)
        row[position] = value
    return row
