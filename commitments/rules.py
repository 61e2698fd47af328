"""EJ-4: the engagement number of an invoice and the published commitments.

Called by the deposit checks (invoicing) and after a deposit. The commitments helper owns
this module; until it lands, these are no-ops.
"""

from __future__ import annotations


def check_engagement(*, recipient, supplier, engagement_number: str) -> str | None:
    """Return an error message (French msgid, translated) if the number must be refused."""
    return None


def link_invoice(invoice) -> None:
    """Link `invoice` to the matching active commitment, if any (after deposit)."""
    return None
