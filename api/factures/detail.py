"""One-statement reads of invoices (issue 12). One invoice in full: the invoice with its parties
(`serialize.for_detail`) and its lines, VAT lines and attachments as JSON arrays read by
correlated subqueries (`json_agg` on PostgreSQL, `json_group_array` on SQLite), compiled
once per process (`portal.prepared`). The sub-list rows become the model instances the ORM
would give: the same columns, the same converters, the same order."""

from __future__ import annotations

import json
from decimal import Decimal

from django.db import connection
from django.db.models import TextField
from django.db.models.expressions import RawSQL

from api.factures import serialize
from invoicing.models import Invoice
from portal.prepared import Prepared, field_converters, from_row

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


_converter_cache: dict[tuple[str, str], list] = {}


def _rows(model, ordering: tuple[str, ...], text: str | None) -> list:
    if not text:
        return []
    key = (connection.vendor, model._meta.label)
    columns = _converter_cache.get(key)
    if columns is None:
        # JSON carries dates as ISO strings where psycopg would give the objects.
        json_dates = connection.vendor == "postgresql"
        columns = _converter_cache[key] = field_converters(model, json_dates=json_dates)
    # PostgreSQL's numerics keep their digits (psycopg gives Decimals); SQLite's REALs are
    # floats, which its converters quantize as for a column read.
    exact = Decimal if connection.vendor == "postgresql" else float
    objs = [from_row(model, columns, values) for values in json.loads(text, parse_float=exact)]
    objs.sort(key=lambda o: tuple(getattr(o, name) for name in ordering))
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
