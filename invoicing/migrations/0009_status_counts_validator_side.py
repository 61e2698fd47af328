"""Issue 10: the status counters count the validator side too ("V": the A9/A12 invoices a
structure validates), so that the "Factures à valider" lists are paged without counting a
big contractor's invoices. The triggers are replaced and every counter is recounted (21 s
for 2,000,000 invoices on 2 cores), with no invoice written meanwhile (docs/operations.md).
Backwards: the triggers stay (the "V" rows are read by nothing older)."""

from django.db import migrations


def validator_side(apps, schema_editor):
    from invoicing import tallies

    tallies.install(schema_editor.connection, append=True)
    tallies.rebuild(schema_editor.connection, folded=False)  # no `folded` column yet


class Migration(migrations.Migration):
    dependencies = [("invoicing", "0008_lines_order_without_join")]

    operations = [migrations.RunPython(validator_side, migrations.RunPython.noop)]
