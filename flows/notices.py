"""NOT-3: a flow rejected or partially integrated is an activity event for the users of the
depositing structure holding FLOWS, and for its managers (one mail each, in the same
transaction as the final state: the outbox sends it after commit)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from flows.enums import FlowState
from notifications.services import notify_user
from portal.areas import AreaCode
from structures import access

NOTIFIED_STATES = frozenset({FlowState.IN_REJETE, FlowState.IN_INTEGRE_PARTIEL})


def recipients(structure):
    ids = {
        uid for uid, code, _mode in access.subscriptions_held(structure) if code == AreaCode.FLOWS
    }
    ids.update(access.managers_of(structure).values_list("pk", flat=True))
    return get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk")


def notify_outcome(flow) -> int:
    if flow.state not in NOTIFIED_STATES:
        return 0
    context = {
        "flow_number": flow.number,
        "flow_state": flow.get_state_display(),
        "file_name": flow.file_name,
        "integrated": flow.integrated_count,
        "total": flow.invoice_count,
        "url": settings.PORTAL_BASE_URL + reverse("flows:detail", args=[flow.pk]),
        "structure_name": flow.structure.company_name,
    }
    sent = 0
    for user in recipients(flow.structure):
        notify_user(
            user,
            "flow_outcome",
            context=context,
            structure=flow.structure,
            dedup_key=f"flow:{flow.pk}:{user.pk}",
        )
        sent += 1
    return sent
