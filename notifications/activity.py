"""Recording activity events (NOT-3, NOT-5): called by the one place that makes each change
(invoice workflow, request services, link and subscription requests), inside its
transaction. No signal: a change that is rolled back leaves no event."""

from __future__ import annotations

from django.urls import reverse

from notifications.models import ActivityEvent


def record(
    kind: str,
    *,
    structure,
    area: str,
    link: tuple | str = "",
    params: dict | None = None,
    service=None,
    user=None,
    actor=None,
) -> ActivityEvent:
    """One event for the users holding `area` on `structure` (within `service`), or for
    `user` alone. `link` is a path or (url name, *args)."""
    if isinstance(link, tuple):
        link = reverse(link[0], args=link[1:])
    return ActivityEvent.objects.create(
        kind=kind,
        structure=structure,
        area=str(area),
        service=service,
        user=user,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        link=link,
        params=params or {},
    )
