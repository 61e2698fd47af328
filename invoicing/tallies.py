"""Status counters (issue 10): how many invoices each structure has in each status, so that
the Synthèse pages read a handful of rows instead of counting a big structure's invoices.

`StatusCount` rows are kept by triggers on the invoice table, inside the transaction of the
statement that changes an invoice: a deposit or a flow creating invoices, every transition
(`steps.apply`), a recycling that re-routes an invoice, a draft deleted, and any other write
(queryset updates, bulk inserts, demo data, test factories), so no path can forget them.
Each change is an atomic `n = n + delta` upsert, exact under concurrency. Lock order: one
statement per invoice row, its (at most four) keys aggregated and taken in key order, so two
transactions moving invoices in opposite directions cannot deadlock on the counters.

Keys: ("S", supplier, 0, status) for every invoice; ("R", recipient, recipient service or 0,
status) for an invoice with a recipient in a status the recipient sees (RCV-2).
"""

from __future__ import annotations

from django.db.models import Q, Sum

from invoicing.enums import HIDDEN_FROM_RECIPIENT
from invoicing.models import StatusCount

TABLE = "invoicing_statuscount"
INVOICES = "invoicing_invoice"
KEY = "side, structure_id, service_id, status"
_HIDDEN = ", ".join(f"'{status}'" for status in sorted(HIDDEN_FROM_RECIPIENT))


def _keys(row: str, delta: int) -> list[str]:
    """The SELECTs giving `row`'s (OLD / NEW) keys and their delta."""
    return [
        f"SELECT 'S' AS side, {row}.supplier_id AS structure_id, 0 AS service_id, "
        f"{row}.status AS status, {delta} AS delta",
        f"SELECT 'R', {row}.recipient_id, COALESCE({row}.recipient_service_id, 0), "
        f"{row}.status, {delta} WHERE {row}.recipient_id IS NOT NULL "
        f"AND {row}.status NOT IN ({_HIDDEN})",
    ]


_CHANGED = " OR ".join(
    f"OLD.{column} IS DISTINCT FROM NEW.{column}"
    for column in ("status", "supplier_id", "recipient_id", "recipient_service_id")
)

# Every name and status below is a constant of this module: no value reaches the SQL.
POSTGRESQL_INSTALL = [
    f"""
CREATE OR REPLACE FUNCTION invoicing_statuscount_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO {TABLE} AS c ({KEY}, n)
    SELECT {KEY}, SUM(delta) FROM ({" UNION ALL ".join(_keys("NEW", 1))}) AS d
    GROUP BY {KEY} ORDER BY {KEY}
    ON CONFLICT ({KEY}) DO UPDATE SET n = c.n + EXCLUDED.n;
    RETURN NULL;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO {TABLE} AS c ({KEY}, n)
    SELECT {KEY}, SUM(delta) FROM ({" UNION ALL ".join(_keys("OLD", -1))}) AS d
    GROUP BY {KEY} ORDER BY {KEY}
    ON CONFLICT ({KEY}) DO UPDATE SET n = c.n + EXCLUDED.n;
    RETURN NULL;
  END IF;
  INSERT INTO {TABLE} AS c ({KEY}, n)
  SELECT {KEY}, SUM(delta)
  FROM ({" UNION ALL ".join(_keys("OLD", -1) + _keys("NEW", 1))}) AS d
  GROUP BY {KEY} HAVING SUM(delta) <> 0 ORDER BY {KEY}
  ON CONFLICT ({KEY}) DO UPDATE SET n = c.n + EXCLUDED.n;
  RETURN NULL;
END
$$""",  # noqa: S608
    f"DROP TRIGGER IF EXISTS invoicing_statuscount_write ON {INVOICES}",
    f"DROP TRIGGER IF EXISTS invoicing_statuscount_change ON {INVOICES}",
    f"""CREATE TRIGGER invoicing_statuscount_write AFTER INSERT OR DELETE ON {INVOICES}
FOR EACH ROW EXECUTE FUNCTION invoicing_statuscount_apply()""",
    f"""CREATE TRIGGER invoicing_statuscount_change AFTER UPDATE ON {INVOICES}
FOR EACH ROW WHEN ({_CHANGED}) EXECUTE FUNCTION invoicing_statuscount_apply()""",
]
POSTGRESQL_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS invoicing_statuscount_write ON {INVOICES}",
    f"DROP TRIGGER IF EXISTS invoicing_statuscount_change ON {INVOICES}",
    "DROP FUNCTION IF EXISTS invoicing_statuscount_apply()",
]


def _sqlite_upserts(row: str, delta: int) -> str:
    # "WHERE 1": SQLite parses ON CONFLICT after a SELECT only when the SELECT has a WHERE.
    return "".join(
        f"INSERT INTO {TABLE} ({KEY}, n) {select}{'' if ' WHERE ' in select else ' WHERE 1'} "
        f"ON CONFLICT ({KEY}) DO UPDATE SET n = n + excluded.n;\n"
        for select in _keys(row, delta)
    )


_SQLITE_TRIGGERS = ("insert", "update", "delete")
SQLITE_INSTALL = [
    *(f"DROP TRIGGER IF EXISTS invoicing_statuscount_{name}" for name in _SQLITE_TRIGGERS),
    f"CREATE TRIGGER invoicing_statuscount_insert AFTER INSERT ON {INVOICES} BEGIN\n"
    f"{_sqlite_upserts('NEW', 1)}END",
    f"CREATE TRIGGER invoicing_statuscount_delete AFTER DELETE ON {INVOICES} BEGIN\n"
    f"{_sqlite_upserts('OLD', -1)}END",
    f"CREATE TRIGGER invoicing_statuscount_update AFTER UPDATE ON {INVOICES} "
    f"WHEN {_CHANGED.replace('IS DISTINCT FROM', 'IS NOT')} BEGIN\n"
    f"{_sqlite_upserts('OLD', -1)}{_sqlite_upserts('NEW', 1)}END",
]
SQLITE_UNINSTALL = [f"DROP TRIGGER IF EXISTS invoicing_statuscount_{n}" for n in _SQLITE_TRIGGERS]

REBUILD = [
    f"DELETE FROM {TABLE}",  # noqa: S608
    f"INSERT INTO {TABLE} ({KEY}, n) "  # noqa: S608
    f"SELECT 'S', supplier_id, 0, status, COUNT(*) FROM {INVOICES} GROUP BY supplier_id, status "
    f"UNION ALL SELECT 'R', recipient_id, COALESCE(recipient_service_id, 0), status, COUNT(*) "
    f"FROM {INVOICES} WHERE recipient_id IS NOT NULL AND status NOT IN ({_HIDDEN}) "
    f"GROUP BY recipient_id, COALESCE(recipient_service_id, 0), status",
]


def install(connection) -> None:
    """Creates (or replaces) the triggers on `connection`'s database."""
    statements = POSTGRESQL_INSTALL if connection.vendor == "postgresql" else SQLITE_INSTALL
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def uninstall(connection) -> None:
    statements = POSTGRESQL_UNINSTALL if connection.vendor == "postgresql" else SQLITE_UNINSTALL
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def rebuild(connection) -> None:
    """Recounts every row from the invoices (the migration's backfill, and the bench loader
    after its COPY with the triggers off). Run it where no invoice is written meanwhile."""
    with connection.cursor() as cursor:
        for statement in REBUILD:
            cursor.execute(statement)


# --- Reading --------------------------------------------------------------------------


def _by_status(rows) -> dict[str, int]:
    return {
        status: int(total)
        for status, total in rows.values_list("status")
        .annotate(total=Sum("n"))
        .values_list("status", "total")
        if total
    }


def issued(supplier_ids) -> dict[str, int]:
    """Status → invoices of these supplier structures (drafts included). One query."""
    return _by_status(StatusCount.objects.filter(side="S", structure_id__in=supplier_ids))


def received(scope: dict[int, set[int] | None]) -> dict[str, int]:
    """Status → invoices the recipient side sees, for `access.service_scope`'s scope
    (structure → None for all its services, or the service ids: SRV-3). One query."""
    condition = Q(pk__in=[])
    for structure_id, services in scope.items():
        if services is None:
            condition |= Q(structure_id=structure_id)
        else:
            condition |= Q(structure_id=structure_id, service_id__in=services)
    return _by_status(StatusCount.objects.filter(condition, side="R"))
