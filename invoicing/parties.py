"""The parties' identity copied onto an invoice (ARCHITECTURE rule 6: invoices are snapshots)."""

from __future__ import annotations

from typing import Any


def has_complete_address(place) -> bool:
    """Street, postcode and city: enough to print on an invoice."""
    return bool(place.street and place.postcode and place.city)


def recipient_snapshot(recipient, service) -> dict[str, Any]:
    """The recipient's routing fields and identity, as deposit and recycling (T16) copy them.

    The address is the recipient's full address unless the service has a complete one of its
    own: a service that only carries a postcode must not become the whole address."""
    addressed = service if service is not None and has_complete_address(service) else recipient
    return {
        "recipient": recipient,
        "recipient_service": service,
        "recipient_identifier": recipient.identifier,
        "recipient_name": recipient.company_name,
        "recipient_address": "\n".join(addressed.address_lines),
        "recipient_service_code": service.code if service else "",
        "recipient_service_name": service.name if service else "",
    }
