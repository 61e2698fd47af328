"""NOT-3: a flow rejected or partially integrated is an activity event for the users of the
depositing structure holding FLOWS, and for its managers (FLW-11: managers see flow
rejections). It is written in the same transaction as the flow's final state and reported
by the digests (NOT-2); NOT-1 does not make it a transactional mail, so none is sent."""

from __future__ import annotations

from flows.enums import FlowState
from notifications import activity
from notifications.models import EventKind
from portal.areas import AreaCode

EVENT_KINDS = {
    FlowState.IN_REJETE: EventKind.FLOW_REJECTED,
    FlowState.IN_INTEGRE_PARTIEL: EventKind.FLOW_PARTIALLY_INTEGRATED,
}


def notify_outcome(flow) -> bool:
    """Record the event of `flow`'s final state, if NOT-3 names it; True when recorded."""
    kind = EVENT_KINDS.get(flow.state)
    if kind is None:
        return False
    activity.record(
        kind,
        structure=flow.structure,
        area=AreaCode.FLOWS,
        link=("flows:detail", flow.pk),
        params={
            "number": flow.number,
            "file": flow.file_name,
            "integrated": flow.integrated_count,
            "total": flow.invoice_count,
        },
    )
    return True
