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
from invoicing.rules import memo


def normalize_number(number: str | None) -> str:
    return (number or "").strip()


def published_key(recipient_id, supplier_id) -> tuple:
    return ("commitments", recipient_id, supplier_id)


def published_for(supplier, recipients) -> dict[tuple, list[Commitment]]:
    """{published_key: the commitments (newest first)} of these recipients for `supplier`,
    in one query: what a lot's memo reads ahead."""
    found = {published_key(r.pk, supplier.pk): [] for r in recipients}
    for commitment in Commitment.objects.filter(supplier=supplier, recipient__in=recipients):
        found[published_key(commitment.recipient_id, supplier.pk)].append(commitment)
    return found


def _published(recipient, supplier) -> list[Commitment] | None:
    """Inside a `memo.batch()`: the recipient's commitments for the supplier, read once
    (a lot's invoices share them). None outside: the callers query as they always did."""
    if not memo.active():
        return None
    return memo.remember(
        published_key(recipient.pk, supplier.pk),
        lambda: list(Commitment.objects.filter(recipient=recipient, supplier=supplier)),
    )


def _matches(commitment: Commitment, number: str) -> bool:
    return commitment.is_active and commitment.number.upper() == number.upper()


def find_active_commitment(*, recipient, supplier, engagement_number: str) -> Commitment | None:
    """The active commitment of `recipient` for `supplier` carrying this number, if any."""
    number = normalize_number(engagement_number)
    if not number or recipient is None or supplier is None:
        return None
    published = _published(recipient, supplier)
    if published is not None:
        return next((c for c in published if _matches(c, number)), None)
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
    remembered = _published(recipient, supplier)
    if remembered is not None:
        if not remembered or any(_matches(c, number) for c in remembered):
            return None
    else:
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


def link_new_invoices(invoices) -> int:
    """`link_invoice(invoice, fresh=True)` of invoices created together (a flow's lot): one
    INSERT for their links. Returns the number of links."""
    links = []
    for invoice in invoices:
        match = find_active_commitment(
            recipient=invoice.recipient,
            supplier=invoice.supplier,
            engagement_number=invoice.engagement_number,
        )
        if match is not None:
            links.append(CommitmentInvoice(invoice=invoice, commitment=match))
    CommitmentInvoice.objects.bulk_create(links)
    return len(links)
