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


def resolve_siren(siren: str | None, structures) -> str | None:
    """The SIRET of the one structure of `structures` (a queryset) whose SIREN is `siren`,
    or None when none or several match: a SIREN names a legal unit, and an invoice must
    reach one establishment, so an ambiguous SIREN is never guessed (issue 13)."""
    if not siren or len(siren) != 9 or not siren.isdigit():
        return None
    found = list(
        structures.filter(identifier__startswith=siren, identifier__regex=r"^\d{14}$")
        .values_list("identifier", flat=True)
        .distinct()[:2]
    )
    return found[0] if len(found) == 1 else None


def recipient_structures():
    """INV-3's candidates: active structures with RECEIVED open."""
    from portal.areas import AreaCode
    from structures import access
    from structures.models import Structure

    return Structure.objects.filter(is_active=True).filter(
        access.open_area_exists(AreaCode.RECEIVED)
    )


def recipient_siret(siret: str | None, siren: str | None) -> str | None:
    """BT-47 as the routing checks take it: the SIRET, or the one recipient of a SIREN."""
    return siret or resolve_siren(siren, recipient_structures())


def supplier_siret(siret: str | None, siren: str | None, structures) -> str | None:
    """BT-30 likewise, among the structures the depositor may issue for."""
    return siret or resolve_siren(siren, structures)
