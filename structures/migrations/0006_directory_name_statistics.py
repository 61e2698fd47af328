"""Statistics on the expressions the directory's searches filter on (issue 10).

`company_name__icontains` is `UPPER(company_name::text) LIKE UPPER('%…%')`; without
statistics on that expression PostgreSQL guesses that 0.5 % of the rows match, prefers
sorting every match to walking `structure_directory_order` and stopping at the page's
20th (17 ms against 2.7 ms for "commune" among 15,000 public structures). With them it
reads the pattern's selectivity off the expression's histogram. PostgreSQL only (14+);
nothing on SQLite.
"""

from django.db import migrations

EXPRESSIONS = {
    "structure_upper_company_name": "upper((company_name)::text)",
    "structure_upper_city": "upper((city)::text)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, expression in EXPRESSIONS.items():
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS {name} ON ({expression}) FROM structures_structure"
        )
    schema_editor.execute("ANALYZE structures_structure")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in EXPRESSIONS:
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("structures", "0005_directory_order_index")]

    operations = [migrations.RunPython(create, drop)]
