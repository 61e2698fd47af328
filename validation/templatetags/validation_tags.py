"""`{% pending_rows %}` and `{% history_rows %}`: the rows of the "Factures à valider"
tables, written in Python (`validation.rows`)."""

from __future__ import annotations

from django import template

from validation import rows

register = template.Library()
register.simple_tag(rows.pending_rows, name="pending_rows")
register.simple_tag(rows.history_rows, name="history_rows")
