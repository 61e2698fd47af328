"""Issue 10: the recipient's commitments list reads its index in order, without aggregating
every commitment of the structure first."""

from __future__ import annotations

from django.db import connection

from commitments import services


def test_published_list_counts_links_per_row_not_by_grouping_the_structure(world):
    commitment = world.commitment("EJ-1")
    queryset = services.published_by(world.public)
    assert queryset.query.group_by is None  # the outer query groups nothing
    assert queryset.get(pk=commitment.pk).invoice_count == 0


def test_postgresql_published_list_uses_its_sort_index(postgresql, world):
    world.commitment("EJ-1")
    sql, params = services.published_by(world.public)[:25].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "commitment_recipient_date" in plan, plan
    assert "Sort" not in plan and "Aggregate" not in plan.split("SubPlan")[0], plan
