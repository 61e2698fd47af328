"""EJ-4: the engagement number of an invoice and the published commitments.

Called by the deposit checks (invoicing, INV-4) before a send, and by the deposit service
after a successful send (`link_invoice`). Both keep to these signatures.

Semantics (DOMAIN EJ-4, product decision):
- `check_engagement` refuses a number only when the recipient requires the engagement
  number (the structure's flag, or the chosen service's flag when `service` is given) AND
  the recipient has published at least one commitment (active or not) for that supplier,
  AND the number matches none of that recipient's ACTIVE commitments for that supplier.
  Otherwise the number is accepted as typed. An empty number is not this rule's business
  (its presence is INV-4's check).
- Numbers match without regard to case or surrounding spaces.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from commitments.models import Commitment, CommitmentInvoice


def normalize_number(number: str | None) -> str:
    return (number or "").strip()


def find_active_commitment(*, recipient, supplier, engagement_number: str) -> Commitment | None:
    """The active commitment of `recipient` for `supplier` carrying this number, if any."""
    number = normalize_number(engagement_number)
    if not number or recipient is None or supplier is None:
        return None
    return Commitment.objects.filter(
        recipient=recipient, supplier=supplier, is_active=True, number__iexact=number
    ).first()


def _required(recipient, service) -> bool:
    if recipient.engagement_required:
        return True
    return bool(service is not None and getattr(service, "engagement_required", False))


def check_engagement(*, recipient, supplier, engagement_number: str, service=None) -> str | None:
    """Return an error message (French msgid, translated) if the number must be refused."""
    number = normalize_number(engagement_number)
    if recipient is None or supplier is None or not number:
        return None
    if not _required(recipient, service):
        return None
    published = Commitment.objects.filter(recipient=recipient, supplier=supplier)
    if not published.exists():
        return None
    if published.filter(is_active=True, number__iexact=number).exists():
        return None
    return _(
        "Le numéro d'engagement %(number)s ne correspond à aucun engagement actif de ce "
        "destinataire pour votre structure."
    ) % {"number": number}


def link_invoice(invoice, *, fresh: bool = False) -> None:
    """Link `invoice` to the matching active commitment, if any (after deposit). Idempotent.

    A link that no longer matches the invoice's routing (after recycling to another
    recipient or number) is replaced or removed; a link that still matches is kept even if
    its commitment was deactivated since. `fresh`: the invoice was created in this
    transaction and has no link yet.
    """
    if invoice is None or invoice.pk is None:
        return
    current = (
        None
        if fresh
        else CommitmentInvoice.objects.select_related("commitment").filter(invoice=invoice).first()
    )
    number = normalize_number(invoice.engagement_number)
    if current is not None:
        commitment = current.commitment
        still_matches = (
            commitment.recipient_id == invoice.recipient_id
            and commitment.supplier_id == invoice.supplier_id
            and commitment.number.upper() == number.upper()
        )
        if still_matches:
            return
    match = find_active_commitment(
        recipient=invoice.recipient, supplier=invoice.supplier, engagement_number=number
    )
    if match is None:
        if current is not None:
            current.delete()
        return
    CommitmentInvoice.objects.update_or_create(invoice=invoice, defaults={"commitment": match})
