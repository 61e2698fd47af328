"""Read side of the members pages: what the My account blocks, the Manager activities
blocks, the history and the members list show. A fixed number of queries whatever the
number of rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from portal import areas
from portal.areas import AreaCode, Mode, Subscription
from structures import access
from structures.history import details_label
from structures.models import (
    LinkRequest,
    ManagerAction,
    Membership,
    Structure,
    SubscriptionRequest,
)
from structures.openings import requestable_areas

RECENT_REQUESTS = 20


@dataclass
class HeldArea:
    code: str
    label: str
    mode: str
    mode_label: str
    via_role: bool
    via_manager_role: bool = False


@dataclass
class MembershipRow:
    membership: Membership
    areas: list[HeldArea] = field(default_factory=list)
    # AREA-2: ISSUED is added or removed by the user themselves.
    issued_subscribed: bool = False
    issued_self_service: bool = False
    # From `access.detach_allowed` / `role_change_allowed`: the members list shows the
    # buttons or not.
    can_detach: bool = False
    can_set_role: bool = False

    @property
    def structure(self) -> Structure:
        return self.membership.structure


def _held_areas(held: dict[str, Mode], *, is_manager: bool) -> list[HeldArea]:
    rows = []
    for area in areas.AREAS:
        mode = held.get(area.code)
        if mode is None or area.code in (AreaCode.HOME, AreaCode.ACCOUNT) or not area.built:
            continue
        subscribed = area.subscription in (Subscription.SELF, Subscription.REQUEST)
        rows.append(
            HeldArea(
                code=area.code,
                label=str(area.label),
                mode=Mode(mode).value,
                mode_label=str(areas.MODE_LABELS[Mode(mode)]),
                via_role=is_manager or not subscribed,
                # ROL-5: a manager holds every opened area through the role itself.
                via_manager_role=is_manager,
            )
        )
    return rows


def account_blocks(user) -> dict:
    """ "Mes rattachements aux structures" and "Mes abonnements aux espaces" (ACC-8)."""
    memberships = list(
        Membership.objects.of(user)
        .select_related("structure")
        .prefetch_related("services")
        .order_by("structure__company_name", "id")
    )
    issued = areas.get(AreaCode.ISSUED)
    rows = []
    for membership in memberships:
        held = access.areas_held(user, membership.structure_id)
        rows.append(
            MembershipRow(
                membership=membership,
                areas=_held_areas(held, is_manager=membership.is_manager),
                issued_subscribed=AreaCode.ISSUED in held,
                issued_self_service=issued.built and not membership.is_manager,
            )
        )
    link_requests = list(
        LinkRequest.objects.filter(requester=user)
        .select_related("structure", "decided_by")
        .prefetch_related("services")
        .order_by("-created_at", "-id")[:RECENT_REQUESTS]
    )
    subscription_requests = list(
        SubscriptionRequest.objects.filter(requester=user)
        .select_related("structure", "decided_by")
        .order_by("-created_at", "-id")[:RECENT_REQUESTS]
    )
    return {
        "membership_rows": rows,
        "link_requests": link_requests,
        "subscription_requests": subscription_requests,
        "is_main_manager_somewhere": any(m.is_main_manager for m in memberships),
        "can_request_subscription": any(not m.is_manager for m in memberships),
    }


def pending_link_requests(structure_ids) -> QuerySet[LinkRequest]:
    return (
        LinkRequest.objects.filter(structure_id__in=structure_ids)
        .pending()
        .select_related("requester", "structure")
        .prefetch_related("services")
        .order_by("created_at", "id")
    )


def pending_subscription_requests(structure_ids) -> QuerySet[SubscriptionRequest]:
    return (
        SubscriptionRequest.objects.filter(structure_id__in=structure_ids)
        .pending()
        .select_related("requester", "structure")
        .order_by("created_at", "id")
    )


def manager_actions(structure_ids) -> QuerySet[ManagerAction]:
    return ManagerAction.objects.filter(structure_id__in=structure_ids).select_related(
        "structure", "actor", "target_user"
    )


def labelled(actions) -> list[ManagerAction]:
    """The history rows with their action and details in words (`label`, `details_label`)."""
    actions = list(actions)
    for action in actions:
        action.label = action.get_action_display()
        action.details_label = details_label(action)
    return actions


def structure_members(structure: Structure) -> QuerySet[Membership]:
    return (
        Membership.objects.on(structure)
        .select_related("user")
        .prefetch_related("services")
        .order_by("user__last_name", "user__first_name", "user__email", "id")
    )


def member_rows(structure: Structure, memberships: list[Membership]) -> list[MembershipRow]:
    """Roles, services and subscriptions of a page of members (three queries)."""
    opened = access.opened_area_codes(structure)
    subscriptions = access.subscriptions_by_user(structure, [m.user_id for m in memberships])
    rows = []
    for membership in memberships:
        if membership.is_manager:
            held = dict.fromkeys(opened, Mode.CHANGE)
            held[AreaCode.MANAGER] = Mode.CHANGE
        else:
            held = subscriptions.get(membership.user_id, {})
        rows.append(
            MembershipRow(
                membership=membership,
                areas=_held_areas(held, is_manager=membership.is_manager),
                issued_subscribed=AreaCode.ISSUED in held,
            )
        )
    return rows


def subscription_grid(structure: Structure, memberships: list[Membership]) -> dict:
    """The users × areas grid of the bulk screen (AREA-6): simple users only."""
    opened = access.opened_area_codes(structure)
    columns = [area for area in requestable_areas() if area.code in opened]
    closed = [area for area in requestable_areas() if area.code not in opened]
    subscriptions = access.subscriptions_by_user(structure, [m.user_id for m in memberships])
    rows = []
    for membership in memberships:
        held = subscriptions.get(membership.user_id, {})
        rows.append(
            {
                "membership": membership,
                "cells": [
                    {
                        "code": area.code,
                        "name": f"sub-{membership.user_id}-{area.code}",
                        "mode": (held.get(area.code) or ""),
                    }
                    for area in columns
                ],
            }
        )
    return {"columns": columns, "closed_columns": closed, "rows": rows}
