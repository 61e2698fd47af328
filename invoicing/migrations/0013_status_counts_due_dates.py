"""Issue 10: the status counters count the invoices waiting for their recipient by due date
too ("D" keys, `invoicing.tallies`), so that the Received "Synthèse" says exactly how many
are overdue from a few rows per due date (it counted a big recipient's waiting invoices by
due date, up to 10,000 each side of today, on every view). The triggers are replaced and
the "D" rows written from the invoices, in the migration's transaction: replacing the
triggers holds writes to the invoice table (not its reads) until it commits, 3.5 s for
2,000,000 invoices on the bench, so no invoice is counted twice or missed. Migrate before
the new code serves: without "D" rows it would show every waiting invoice as overdue.
Backwards: the "D" rows are deleted; the triggers stay (older code reads no "D" row)."""

from django.db import migrations


def install(apps, schema_editor):
    from invoicing import tallies

    tallies.install(schema_editor.connection, append=True)
    tallies.count_due_dates(schema_editor.connection)


def forget_due_dates(apps, schema_editor):
    from invoicing import tallies

    tallies.forget_due_dates(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("invoicing", "0012_status_count_deltas_index")]

    operations = [migrations.RunPython(install, forget_due_dates)]
