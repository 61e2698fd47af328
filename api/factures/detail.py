"""One invoice in full in one statement (issue 12): the invoice with its parties
(`serialize.for_detail`) and its lines, VAT lines and attachments as JSON arrays read by
correlated subqueries (`json_agg` on PostgreSQL, `json_group_array` on SQLite), compiled
once per process (`api.prepared`). The sub-list rows become the model instances the ORM
would give: the same columns, the same converters, the same order."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.db import connection
from django.db.models import DateField, DateTimeField, TextField
from django.db.models.expressions import RawSQL

from api.factures import serialize
from api.prepared import Prepared
from invoicing.models import Invoice

_SENTINEL = -7_000_000_003  # an invoice id no row has: marks where the id goes
_COLUMN = "cpro_{}_json"


def _sub_list_sql(model, vendor: str) -> str:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(f"s.{quote(f.column)}" for f in model._meta.concrete_fields)
    invoice = f"{quote(Invoice._meta.db_table)}.{quote('id')}"
    where = f"FROM {table} s WHERE s.{quote('invoice_id')} = {invoice}"  # noqa: S608 - model names
    if vendor == "postgresql":
        return f"(SELECT json_agg(json_build_array({columns}))::text {where})"
    return f"(SELECT json_group_array(json_array({columns})) {where})"


def _build(vendor: str):
    columns = {
        _COLUMN.format(name): RawSQL(  # noqa: S611 - names from the models
            _sub_list_sql(model, vendor), [], output_field=TextField()
        )
        for name, (model, _ordering) in serialize.SUB_LISTS.items()
    }
    queryset = Invoice.objects.filter(pk=_SENTINEL).order_by()
    return serialize.for_detail(queryset).annotate(**columns)


DETAIL = Prepared(_build, _SENTINEL)


def _converters(model) -> list[tuple[str, list, object]]:
    """(attname, the ORM's converters of the column, its expression) of each column."""
    table = model._meta.db_table
    found = []
    for field in model._meta.concrete_fields:
        expression = field.get_col(table)
        functions = connection.ops.get_db_converters(expression)
        functions += expression.get_db_converters(connection)
        if connection.vendor == "postgresql" and isinstance(field, (DateTimeField, DateField)):
            # JSON carries them as ISO strings where psycopg would give the objects.
            parse = dt.datetime if isinstance(field, DateTimeField) else dt.date
            functions = [_iso(parse), *functions]
        found.append((field.attname, functions, expression))
    return found


def _iso(kind):
    def parse(value, expression, conn):
        return kind.fromisoformat(value) if isinstance(value, str) else value

    return parse


_converter_cache: dict[tuple[str, str], list] = {}


def _rows(model, ordering: tuple[str, ...], text: str | None) -> list:
    if not text:
        return []
    key = (connection.vendor, model._meta.label)
    columns = _converter_cache.get(key)
    if columns is None:
        columns = _converter_cache[key] = _converters(model)
    names = [name for name, _f, _e in columns]
    objs = []
    # PostgreSQL's numerics keep their digits (psycopg gives Decimals); SQLite's REALs are
    # floats, which its converters quantize as for a column read.
    exact = Decimal if connection.vendor == "postgresql" else float
    for values in json.loads(text, parse_float=exact):
        converted = []
        for value, (_name, functions, expression) in zip(values, columns, strict=True):
            for function in functions:
                value = function(value, expression, connection)
            converted.append(value)
        objs.append(model.from_db(connection.alias, names, converted))
    keys = [("pk" if f == "pk" else f) for f in ordering]
    objs.sort(key=lambda o: tuple(getattr(o, k) for k in keys))
    return objs


def invoice_in_full(pk: int) -> tuple[Invoice | None, dict[str, list]]:
    """The invoice `pk` with its parties, and `serialize.sub_lists` of it, in one query
    (no scope: the caller checks it)."""
    found = DETAIL.run(pk)
    if not found:
        return None, {}
    invoice = found[0]
    related = {
        name: _rows(model, ordering, getattr(invoice, _COLUMN.format(name)))
        for name, (model, ordering) in serialize.SUB_LISTS.items()
    }
    return invoice, related
