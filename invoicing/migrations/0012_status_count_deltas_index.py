"""Issue 10: the status counters' rows say whether a compaction folded them; the minute's
compaction reads the keys of the delta rows from a partial index instead of grouping the
whole table (1.3 s a minute for the bench's 1,000,000 keys).

The rows already there are marked folded (a constant default: PostgreSQL writes no row),
then new rows default to deltas. A key left with several rows keeps its sum, and is folded
the next time a delta touches it: the compaction deletes every row of a key it folds. So no
compaction of the whole table follows the deployment (23 s on the bench)."""

from django.db import migrations, models


# SQLite rebuilds the table to add a NOT NULL column, which breaks the triggers that name it
# (as in invoicing 0007): they are dropped first and created again after. PostgreSQL adds
# the column in place: its triggers stay (dropping one would lock the invoice table, reads
# included, for the whole migration).
def drop_triggers(apps, schema_editor):
    from invoicing import tallies

    if schema_editor.connection.vendor == "sqlite":
        tallies.uninstall(schema_editor.connection)


def append_triggers(apps, schema_editor):
    from invoicing import tallies

    if schema_editor.connection.vendor == "sqlite":
        tallies.install(schema_editor.connection, append=True)


def analyze(apps, schema_editor):
    """Statistics for the new column: without them PostgreSQL guesses that half the rows
    are deltas and plans the compaction as a scan of the whole table."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ANALYZE invoicing_statuscount")


class Migration(migrations.Migration):
    dependencies = [
        ("invoicing", "0011_entry_pdf_sweep_index"),
    ]

    operations = [
        migrations.RunPython(drop_triggers, append_triggers),
        migrations.AddField(
            model_name="statuscount",
            name="folded",
            field=models.BooleanField(db_default=True, default=True),
        ),
        migrations.AlterField(
            model_name="statuscount",
            name="folded",
            field=models.BooleanField(db_default=False, default=False),
        ),
        migrations.AddIndex(
            model_name="statuscount",
            index=models.Index(
                condition=models.Q(("folded", False)),
                fields=["side", "structure_id", "service_id", "status"],
                name="statuscount_deltas",
            ),
        ),
        migrations.RunPython(append_triggers, drop_triggers),
        migrations.RunPython(analyze, migrations.RunPython.noop),
    ]
