"""Demo data of the flows (FLW-11): the FLOWS area opened on the demo supplier, and its main
manager subscribed, so that `make run` shows « Suivi des flux »."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from demo.structures import DOMAIN, SUPPLIER_SIRET
from portal.areas import AreaCode, Mode
from structures import access
from structures.enums import IdentifierType
from structures.models import Structure


def ensure_flows_area() -> bool:
    """True when the subscription was created now."""
    supplier = Structure.objects.get(
        identifier_type=IdentifierType.SIRET, identifier=SUPPLIER_SIRET, is_active=True
    )
    access.open_area(supplier, AreaCode.FLOWS, actor=None)
    manager = get_user_model().objects.get(email=f"fournisseur.principal@{DOMAIN}")
    if access.area_mode(manager, supplier, AreaCode.FLOWS) is not None:
        return False
    access.grant_area(manager, supplier, AreaCode.FLOWS, Mode.CHANGE, actor=None)
    return True


def seed(stdout) -> None:
    created = ensure_flows_area()
    stdout.write(f"Flows: FLOWS area {'granted' if created else 'already granted'}.")
