"""Issue 10: the status counters take delta rows instead of one upserted row per key, so that
no write locks a counter row (two lots writing the same recipients in opposite orders
deadlocked); `invoicing.tallies.compact` folds them every minute."""

from django.db import migrations, models


def append_deltas(apps, schema_editor):
    from invoicing import tallies

    tallies.install(schema_editor.connection, append=True)


def one_row_per_key(apps, schema_editor):
    from invoicing import tallies

    tallies.uninstall(schema_editor.connection)
    # One row per key, recounted (the `folded` column of invoicing 0012 is gone by now).
    tallies.rebuild(schema_editor.connection, folded=False)


# SQLite rebuilds the table to change its constraint, which breaks triggers that name it:
# they are dropped first and created again after.
def drop_triggers(apps, schema_editor):
    from invoicing import tallies

    tallies.uninstall(schema_editor.connection)


def upsert_triggers(apps, schema_editor):
    from invoicing import tallies

    tallies.install(schema_editor.connection, append=False)


class Migration(migrations.Migration):
    dependencies = [
        ("invoicing", "0006_status_counts"),
    ]

    operations = [
        migrations.RunPython(drop_triggers, upsert_triggers),
        migrations.RemoveConstraint(model_name="statuscount", name="statuscount_key"),
        migrations.AddIndex(
            model_name="statuscount",
            index=models.Index(
                fields=["side", "structure_id", "service_id", "status"], name="statuscount_key"
            ),
        ),
        # Backwards: one row per key again before the unique key comes back.
        migrations.RunPython(append_deltas, one_row_per_key),
    ]
