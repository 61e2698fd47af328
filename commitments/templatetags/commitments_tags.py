"""`{% commitment_rows %}`: the rows of the commitments list, written in Python
(`commitments.rows`)."""

from __future__ import annotations

from django import template

from commitments import rows

register = template.Library()
register.simple_tag(rows.commitment_rows, name="commitment_rows")
