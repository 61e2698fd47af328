"""The tab bar: the built areas a user holds, read from the area catalogue and the access layer."""

from __future__ import annotations

from portal.areas import AREAS, Area, AreaCode
from structures import access

# AREA-1: held by every user, attached to a structure or not (REQUESTS_SENT: a user attached
# to no structure still writes to the support desk, e.g. to have a public structure created).
EVERY_USER = (AreaCode.HOME, AreaCode.REQUESTS_SENT, AreaCode.ACCOUNT)


def tabs_for(user) -> list[Area]:
    """The tab bar: built areas the user holds on any structure, HOME first, ACCOUNT last."""
    if not user.is_authenticated:
        return []
    held = access.area_codes_of(user)
    tabs = []
    for area in AREAS:
        if area.code == AreaCode.SUPPORT:
            # SOL-6: the support desk's queue, for staff of the "Support" group only.
            if user.is_staff and access.is_support(user) and area.built:
                tabs.append(area)
            continue
        if (area.code in EVERY_USER or area.code in held) and area.built:
            tabs.append(area)
    return tabs
