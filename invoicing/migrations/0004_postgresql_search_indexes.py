"""Issue 10, PostgreSQL only: the indexes of the party searches (`queries.party_search`).

- a name part: `UPPER(name::text) LIKE UPPER('%…%')` (Django's `icontains`), served by a
  trigram GIN index on that expression (pg_trgm, a trusted extension since PostgreSQL 13);
- an identifier start: `identifier::text LIKE '123%'`, served by a B-tree with pattern
  operators after the list's scope (the database collation is not C).

Not in the models' state (Django's Index has no vendor condition): SQLite runs nothing and
searches its small tables without them.
"""

from django.db import migrations

RECEIVABLE = (
    "NOT (status IN ('ABSENCE_VALIDATION_1_HORS_DELAI', 'A_VALIDER_1', 'BROUILLON', "
    "'DEPOSEE', 'REFUSEE_1', 'VALIDEE_1'))"
)
INDEXES = {
    "inv_supplier_name_trgm": "USING gin (UPPER(supplier_name::text) gin_trgm_ops)",
    "inv_recipient_name_trgm": "USING gin (UPPER(recipient_name::text) gin_trgm_ops)",
    "inv_rcv_supplier_ident": (
        f"(recipient_id, supplier_identifier varchar_pattern_ops) WHERE {RECEIVABLE}"
    ),
    "inv_iss_recipient_ident": "(supplier_id, recipient_identifier varchar_pattern_ops)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON invoicing_invoice {definition}"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("invoicing", "0003_due_date_and_list_indexes")]

    operations = [migrations.RunPython(create, drop)]
