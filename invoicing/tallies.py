"""Status counters (issue 10): how many invoices each structure has in each status, so that
the Synthèse pages read a handful of rows instead of counting a big structure's invoices.

`StatusCount` rows are written by triggers on the invoice table, inside the transaction of
the statement that changes an invoice: a deposit or a flow creating invoices, every transition
(`steps.apply`), a recycling that re-routes an invoice, a draft deleted, and any other write
(queryset updates, bulk inserts, demo data, test factories), so no path can forget them.

A change appends delta rows (+1 / -1) and updates no existing row: it takes no row lock, so
two transactions writing invoices of the same structures in any order can neither wait on
nor deadlock over the counters (an upsert per key did: a lot locked its recipients' rows in
invoice order until commit). A key's value is the sum of its rows; `compact` (a beat task
every minute) folds the rows of each key that has deltas into one `folded` row, under an
advisory lock so that only one compaction runs, and deletes only the rows it read
(`DELETE … RETURNING`), so deltas committed meanwhile are kept. It finds those keys in a
partial index of the delta rows: its work follows the writes of the last minute, not the
size of the table (a GROUP BY over all 1,000,000 keys of the bench took 1.3 s a minute).

Keys: ("S", supplier, 0, status) for every invoice; ("R", recipient, recipient service or 0,
status) for an invoice with a recipient in a status the recipient sees (RCV-2); ("V",
validator, 0, status) for an invoice with a validator (A9/A12: the "Factures à valider" lists);
("D", recipient, recipient service or 0, due date as YYYY-MM-DD or "" for none) for an
invoice waiting for its recipient (the Received "Synthèse": how many are overdue, exactly,
from a few rows per due date instead of counting a big recipient's waiting invoices).
"""

from __future__ import annotations

from collections import Counter
from contextlib import nullcontext

from django.db import transaction
from django.db.models import Q, Sum

from invoicing.enums import HIDDEN_FROM_RECIPIENT, RECIPIENT_TO_PROCESS
from invoicing.models import StatusCount

TABLE = "invoicing_statuscount"
INVOICES = "invoicing_invoice"
KEY = "side, structure_id, service_id, status"
_HIDDEN = ", ".join(f"'{status}'" for status in sorted(HIDDEN_FROM_RECIPIENT))
_WAITING = ", ".join(f"'{status}'" for status in sorted(RECIPIENT_TO_PROCESS))
DUE_SIDE, UNDATED = "D", ""


def _due_text(row: str, vendor: str) -> str:
    """`row`'s due date as the "D" key's text: YYYY-MM-DD (SQLite stores it so), "" if none."""
    if vendor == "postgresql":
        return f"COALESCE(to_char({row}due_date, 'YYYY-MM-DD'), '')"
    return f"COALESCE({row}due_date, '')"


def _keys(row: str, delta: int, vendor: str) -> list[str]:
    """The SELECTs giving `row`'s (OLD / NEW) keys and their delta."""
    return [
        f"SELECT 'S' AS side, {row}.supplier_id AS structure_id, 0 AS service_id, "
        f"{row}.status AS status, {delta} AS delta",
        f"SELECT 'R', {row}.recipient_id, COALESCE({row}.recipient_service_id, 0), "
        f"{row}.status, {delta} WHERE {row}.recipient_id IS NOT NULL "
        f"AND {row}.status NOT IN ({_HIDDEN})",
        f"SELECT 'V', {row}.validator_id, 0, {row}.status, {delta} "
        f"WHERE {row}.validator_id IS NOT NULL",
        f"SELECT '{DUE_SIDE}', {row}.recipient_id, COALESCE({row}.recipient_service_id, 0), "
        f"{_due_text(row + '.', vendor)}, {delta} WHERE {row}.recipient_id IS NOT NULL "
        f"AND {row}.status IN ({_WAITING})",
    ]


_CHANGED = " OR ".join(
    f"OLD.{column} IS DISTINCT FROM NEW.{column}"
    for column in (
        "status",
        "supplier_id",
        "recipient_id",
        "recipient_service_id",
        "validator_id",
        "due_date",
    )
)


# Every name and status below is a constant of this module: no value reaches the SQL.
# `append` (the default since invoicing.0007): delta rows, no lock; else one upserted row per
# key (invoicing.0006, which had a unique key).
def _postgresql_install(append: bool) -> list[str]:
    on_conflict = "" if append else f"ON CONFLICT ({KEY}) DO UPDATE SET n = c.n + EXCLUDED.n"
    return [
        f"""
CREATE OR REPLACE FUNCTION invoicing_statuscount_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO {TABLE} AS c ({KEY}, n)
    SELECT {KEY}, SUM(delta) FROM ({" UNION ALL ".join(_keys("NEW", 1, "postgresql"))}) AS d
    GROUP BY {KEY} ORDER BY {KEY}
    {on_conflict};
    RETURN NULL;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO {TABLE} AS c ({KEY}, n)
    SELECT {KEY}, SUM(delta) FROM ({" UNION ALL ".join(_keys("OLD", -1, "postgresql"))}) AS d
    GROUP BY {KEY} ORDER BY {KEY}
    {on_conflict};
    RETURN NULL;
  END IF;
  INSERT INTO {TABLE} AS c ({KEY}, n)
  SELECT {KEY}, SUM(delta)
  FROM ({" UNION ALL ".join(_keys("OLD", -1, "postgresql") + _keys("NEW", 1, "postgresql"))}) AS d
  GROUP BY {KEY} HAVING SUM(delta) <> 0 ORDER BY {KEY}
  {on_conflict};
  RETURN NULL;
END
$$""",  # noqa: S608
        # OR REPLACE (PostgreSQL 14+): replacing takes the lock that holds writes, not the
        # one a DROP TRIGGER takes, which holds the invoice table's reads too.
        f"""CREATE OR REPLACE TRIGGER invoicing_statuscount_write
AFTER INSERT OR DELETE ON {INVOICES}
FOR EACH ROW EXECUTE FUNCTION invoicing_statuscount_apply()""",
        f"""CREATE OR REPLACE TRIGGER invoicing_statuscount_change AFTER UPDATE ON {INVOICES}
FOR EACH ROW WHEN ({_CHANGED}) EXECUTE FUNCTION invoicing_statuscount_apply()""",
    ]


POSTGRESQL_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS invoicing_statuscount_write ON {INVOICES}",
    f"DROP TRIGGER IF EXISTS invoicing_statuscount_change ON {INVOICES}",
    "DROP FUNCTION IF EXISTS invoicing_statuscount_apply()",
]


def _sqlite_inserts(row: str, delta: int, append: bool) -> str:
    # "WHERE 1": SQLite parses ON CONFLICT after a SELECT only when the SELECT has a WHERE.
    on_conflict = "" if append else f" ON CONFLICT ({KEY}) DO UPDATE SET n = n + excluded.n"
    return "".join(
        f"INSERT INTO {TABLE} ({KEY}, n) {select}{'' if ' WHERE ' in select else ' WHERE 1'}"
        f"{on_conflict};\n"
        for select in _keys(row, delta, "sqlite")
    )


_SQLITE_TRIGGERS = ("insert", "update", "delete")


def _sqlite_install(append: bool) -> list[str]:
    return [
        *(f"DROP TRIGGER IF EXISTS invoicing_statuscount_{name}" for name in _SQLITE_TRIGGERS),
        f"CREATE TRIGGER invoicing_statuscount_insert AFTER INSERT ON {INVOICES} BEGIN\n"
        f"{_sqlite_inserts('NEW', 1, append)}END",
        f"CREATE TRIGGER invoicing_statuscount_delete AFTER DELETE ON {INVOICES} BEGIN\n"
        f"{_sqlite_inserts('OLD', -1, append)}END",
        f"CREATE TRIGGER invoicing_statuscount_update AFTER UPDATE ON {INVOICES} "
        f"WHEN {_CHANGED.replace('IS DISTINCT FROM', 'IS NOT')} BEGIN\n"
        f"{_sqlite_inserts('OLD', -1, append)}{_sqlite_inserts('NEW', 1, append)}END",
    ]


SQLITE_UNINSTALL = [f"DROP TRIGGER IF EXISTS invoicing_statuscount_{n}" for n in _SQLITE_TRIGGERS]


def _count_selects(folded: bool, vendor: str) -> dict[str, str]:
    """Side → the SELECT counting its keys from the invoices. `folded` False: the rows are
    written as deltas (invoicing 0006, before the column)."""
    value = ", TRUE" if folded else ""
    due = _due_text("", vendor)
    return {
        "S": f"SELECT 'S', supplier_id, 0, status, COUNT(*){value} FROM {INVOICES} "  # noqa: S608
        f"GROUP BY supplier_id, status",
        "R": f"SELECT 'R', recipient_id, COALESCE(recipient_service_id, 0), status, "  # noqa: S608
        f"COUNT(*){value} FROM {INVOICES} "
        f"WHERE recipient_id IS NOT NULL AND status NOT IN ({_HIDDEN}) "
        f"GROUP BY recipient_id, COALESCE(recipient_service_id, 0), status",
        "V": f"SELECT 'V', validator_id, 0, status, COUNT(*){value} FROM {INVOICES} "  # noqa: S608
        f"WHERE validator_id IS NOT NULL GROUP BY validator_id, status",
        DUE_SIDE: f"SELECT '{DUE_SIDE}', recipient_id, COALESCE(recipient_service_id, 0), "  # noqa: S608
        f"{due}, COUNT(*){value} FROM {INVOICES} "
        f"WHERE recipient_id IS NOT NULL AND status IN ({_WAITING}) "
        f"GROUP BY recipient_id, COALESCE(recipient_service_id, 0), {due}",
    }


def _insert(folded: bool) -> str:
    return f"INSERT INTO {TABLE} ({KEY}, n{', folded' if folded else ''}) "  # noqa: S608


def _rebuild_sql(folded: bool, vendor: str) -> list[str]:
    selects = " UNION ALL ".join(_count_selects(folded, vendor).values())
    return [f"DELETE FROM {TABLE}", _insert(folded) + selects]  # noqa: S608


def install(connection, *, append: bool = True) -> None:
    """Creates (or replaces) the triggers on `connection`'s database."""
    install_sql = _postgresql_install if connection.vendor == "postgresql" else _sqlite_install
    statements = install_sql(append)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def uninstall(connection) -> None:
    statements = POSTGRESQL_UNINSTALL if connection.vendor == "postgresql" else SQLITE_UNINSTALL
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


# One compaction (or rebuild) at a time on PostgreSQL; a constant of this module.
LOCK_ID = 0x5C0C0
COMPACT = (
    f"DELETE FROM {TABLE} WHERE ({KEY}) IN "  # noqa: S608
    f"(SELECT {KEY} FROM {TABLE} WHERE NOT folded) "
    f"RETURNING {KEY}, n"
)
FOLDED = f"INSERT INTO {TABLE} ({KEY}, n, folded) VALUES (%s, %s, %s, %s, %s, TRUE)"  # noqa: S608
# PostgreSQL: the folded rows in one statement, one array per column (folding the bench's
# 860,000 keys at once took 17 s one row at a time, 7 s so).
FOLDED_ARRAYS = (
    f"INSERT INTO {TABLE} ({KEY}, n, folded) "  # noqa: S608
    "SELECT *, TRUE FROM unnest(%s::varchar[], %s::bigint[], %s::bigint[], %s::varchar[], "
    "%s::bigint[])"
)


def rebuild(connection, *, folded: bool = True) -> None:
    """Recounts every row from the invoices (the migration's backfill, and the bench loader
    after its COPY with the triggers off). Run it where no invoice is written meanwhile.
    `connection`: Django's, or a psycopg connection (the bench loader's COPY session)."""
    from_django = hasattr(connection, "alias")
    atomic = transaction.atomic(using=connection.alias) if from_django else nullcontext()
    with atomic, connection.cursor() as cursor:
        if not from_django or connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_ID])
        vendor = connection.vendor if from_django else "postgresql"
        for statement in _rebuild_sql(folded, vendor):
            cursor.execute(statement)


def count_due_dates(connection) -> None:
    """Writes the "D" rows from the invoices (invoicing 0013), folded; run it where no
    invoice is written meanwhile (the migration's transaction holds the writes)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE side = %s", [DUE_SIDE])  # noqa: S608
        cursor.execute(_insert(True) + _count_selects(True, connection.vendor)[DUE_SIDE])


def forget_due_dates(connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE side = %s", [DUE_SIDE])  # noqa: S608


def compact(connection) -> int:
    """Folds each key's delta rows into one row (zero keys dropped); returns the keys folded.
    Skipped (0) while another compaction or a rebuild runs."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_ID])
            if not cursor.fetchone()[0]:
                return 0
        cursor.execute(COMPACT)
        totals: Counter = Counter()
        for side, structure_id, service_id, status, n in cursor.fetchall():
            totals[side, structure_id, service_id, status] += n
        rows = [(*key, n) for key, n in sorted(totals.items()) if n]
        if rows and connection.vendor == "postgresql":
            cursor.execute(FOLDED_ARRAYS, [list(column) for column in zip(*rows, strict=True)])
        elif rows:
            cursor.executemany(FOLDED, rows)
    return len(totals)


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


def validated(validator_ids) -> dict[str, int]:
    """Status → invoices these structures validate (A9/A12, drafts included). One query."""
    return _by_status(StatusCount.objects.filter(side="V", structure_id__in=validator_ids))


def _in_scope(scope: dict[int, set[int] | None]) -> Q:
    condition = Q(pk__in=[])
    for structure_id, services in scope.items():
        if services is None:
            condition |= Q(structure_id=structure_id)
        else:
            condition |= Q(structure_id=structure_id, service_id__in=services)
    return condition


def received(scope: dict[int, set[int] | None]) -> dict[str, int]:
    """Status → invoices the recipient side sees, for `access.service_scope`'s scope
    (structure → None for all its services, or the service ids: SRV-3). One query."""
    return _by_status(StatusCount.objects.filter(_in_scope(scope), side="R"))


def received_and_due(scope: dict[int, set[int] | None], today) -> tuple[dict[str, int], int]:
    """`received(scope)`, and how many of the invoices waiting for the recipient
    (RECIPIENT_TO_PROCESS) are not overdue: due today or later, or undated. One query, so
    both come from one snapshot: the overdue ones are the waiting ones minus these. Of the
    "D" rows it keeps today's and later ones (a big recipient has one row per past due date
    and service: 5,500 for the bench's State)."""
    day = today.isoformat()
    not_due = Q(side=DUE_SIDE) & (Q(status__gte=day) | Q(status=UNDATED))
    rows = (
        StatusCount.objects.filter(_in_scope(scope))
        .filter(Q(side="R") | not_due)
        .values_list("side", "status")
        .annotate(total=Sum("n"))
    )
    by_status: dict[str, int] = {}
    waiting_not_due = 0
    for side, status, total in rows:
        if side == DUE_SIDE:
            waiting_not_due += int(total or 0)
        elif total:
            by_status[status] = int(total)
    return by_status, waiting_not_due
