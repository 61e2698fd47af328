"""Recording activity events (NOT-3, NOT-5): called by the one place that makes each change
(invoice workflow, request services, link and subscription requests), inside its
transaction. No signal: a change that is rolled back leaves no event."""

from __future__ import annotations

from functools import lru_cache

from django.urls import get_script_prefix, reverse

from notifications.models import ActivityEvent


def record(kind: str, **fields) -> ActivityEvent:
    """One event for the users holding `area` on `structure` (within `service`), or for
    `user` alone, saved at once: `activity_event`'s arguments."""
    event = activity_event(kind, **fields)
    event.save(force_insert=True)
    return event


def activity_event(
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
    """The unsaved event `record` writes (a flow's lot writes its events together). `link`
    is a path or (url name, *args)."""
    if isinstance(link, tuple):
        link = link_to(*link)
    return ActivityEvent(
        kind=kind,
        area=str(area),
        link=link,
        params=params or {},
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        **_relation("structure", structure),
        **_relation("service", service),
        **_relation("user", user),
    )


def _relation(name: str, value) -> dict:
    """An instance, or its pk (a lot's invoices carry their parties' pks only)."""
    if value is None or hasattr(value, "_meta"):
        return {name: value}
    return {f"{name}_id": value}


def link_to(name: str, *args) -> str:
    """`reverse(name, args=args)`; for one integer argument, from a template reversed once
    per URL name and script prefix (a lot of 2,000 invoices links 6,000 events)."""
    if len(args) != 1 or not isinstance(args[0], int):
        return reverse(name, args=args)
    prefix, suffix = _link_template(name, get_script_prefix())
    return f"{prefix}{args[0]}{suffix}"


@lru_cache(maxsize=64)
def _link_template(name: str, script_prefix: str) -> tuple[str, str]:
    marker = 987654321987
    prefix, _sep, suffix = reverse(name, args=[marker]).partition(str(marker))
    return prefix, suffix
