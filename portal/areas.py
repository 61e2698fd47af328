"""THE catalogue of areas (espaces), DOMAIN §4.3 (ARCHITECTURE rule 1).

Navigation, subscription forms, the `area_required` decorator, the guardian permissions
on Structure and the tests all read this module; nothing else lists areas.

An area whose `url_name` is None is not built yet: it is absent from the tab bar and
from every subscription form (never a placeholder page).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


class AreaCode(StrEnum):
    """Area codes: the values stored in permissions and sessions. Use these, never raw strings."""

    HOME = "HOME"
    MANAGER = "MANAGER"
    ISSUED = "ISSUED"
    RECEIVED = "RECEIVED"
    TO_VALIDATE = "TO_VALIDATE"
    WORKS = "WORKS"
    COMMITMENTS = "COMMITMENTS"
    JUSTICE = "JUSTICE"
    TIC = "TIC"
    CONNECTIONS = "CONNECTIONS"
    FLOWS = "FLOWS"
    REQUESTS_SENT = "REQUESTS_SENT"
    REQUESTS_RECEIVED = "REQUESTS_RECEIVED"
    SUPPORT = "SUPPORT"
    ACCOUNT = "ACCOUNT"


class Subscription(StrEnum):
    NONE = "none"  # always there (HOME, ACCOUNT, requests)
    ROLE = "role"  # given by the role (MANAGER)
    SELF = "self"  # the user adds or removes it, no validation (ISSUED, AREA-2)
    REQUEST = "request"  # request, then a manager's validation (AREA-4)
    STAFF = "staff"  # support desk staff only


class Mode(StrEnum):
    VIEW = "view"  # Consultation (AREA-5)
    CHANGE = "change"  # Modification


MODE_LABELS = {Mode.VIEW: _("Consultation"), Mode.CHANGE: _("Modification")}


@dataclass(frozen=True)
class Area:
    code: AreaCode
    label: str
    url_name: str | None
    subscription: Subscription
    # Opened by default on every public structure, and granted to its users (AREA-1).
    default_public: bool = False
    # Opened on every structure from its creation (AREA-2 for ISSUED).
    always_open: bool = False

    @property
    def built(self) -> bool:
        if self.url_name is None:
            return False
        try:
            reverse(self.url_name)
        except NoReverseMatch:
            return False
        return True

    @property
    def subscribable(self) -> bool:
        """Areas carried by guardian permissions (one per mode)."""
        return self.subscription in (Subscription.SELF, Subscription.REQUEST)

    def codename(self, mode: Mode | str) -> str:
        return f"area_{self.code.lower()}_{Mode(mode).value}"


AREAS: tuple[Area, ...] = (
    Area(AreaCode.HOME, _("Accueil connecté"), "home", Subscription.NONE),
    Area(AreaCode.MANAGER, _("Activités du gestionnaire"), "structures:manager", Subscription.ROLE),
    Area(
        AreaCode.ISSUED,
        _("Factures émises"),
        "invoicing:issued",
        Subscription.SELF,
        default_public=True,
        always_open=True,
    ),
    Area(
        AreaCode.RECEIVED,
        _("Factures reçues"),
        "invoicing:received",
        Subscription.REQUEST,
        default_public=True,
    ),
    Area(
        AreaCode.TO_VALIDATE,
        _("Factures à valider"),
        "validation:to_validate",
        Subscription.REQUEST,
    ),
    Area(AreaCode.WORKS, _("Factures de travaux"), None, Subscription.REQUEST),
    Area(AreaCode.COMMITMENTS, _("Engagements"), "commitments:index", Subscription.REQUEST),
    Area(AreaCode.JUSTICE, _("Mémoires de frais de justice"), None, Subscription.REQUEST),
    Area(AreaCode.TIC, _("Demande de remboursement TIC"), None, Subscription.REQUEST),
    Area(
        AreaCode.CONNECTIONS, _("Raccordement EDI et API"), "connections:list", Subscription.REQUEST
    ),
    Area(AreaCode.FLOWS, _("Suivi des flux"), "flows:index", Subscription.REQUEST),
    Area(
        AreaCode.REQUESTS_SENT, _("Sollicitations émises"), "requests_app:sent", Subscription.NONE
    ),
    Area(
        AreaCode.REQUESTS_RECEIVED,
        _("Sollicitations reçues"),
        "requests_app:received",
        Subscription.NONE,
    ),
    Area(AreaCode.SUPPORT, _("Support"), "requests_app:support", Subscription.STAFF),
    Area(AreaCode.ACCOUNT, _("Mon compte"), "accounts:my_account", Subscription.NONE),
)

BY_CODE: dict[str, Area] = {area.code: area for area in AREAS}


def get(code: str) -> Area:
    return BY_CODE[code]


def subscribable_areas() -> list[Area]:
    return [area for area in AREAS if area.subscribable]


def permission_definitions() -> list[tuple[str, str]]:
    """(codename, name) of every area permission, for Structure.Meta.permissions."""
    perms = []
    for area in AREAS:
        if area.subscribable:
            for mode in Mode:
                perms.append((area.codename(mode), f"{area.code} ({mode.value})"))
    return perms
