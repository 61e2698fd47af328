"""The tab bar: the built areas a user holds, read from the area catalogue and the access layer."""

from __future__ import annotations

from portal.areas import AREAS, Area, AreaCode
from structures import access


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
        if (area.code in (AreaCode.HOME, AreaCode.ACCOUNT) or area.code in held) and area.built:
            tabs.append(area)
    return tabs
