"""Thin Celery wrappers over `flows.integration` (ARCHITECTURE rule 5, FLW-3)."""

import logging
from datetime import timedelta

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from flows import files, integration
from flows.enums import FlowState
from flows.models import Flow

logger = logging.getLogger(__name__)
# A flow still IN_RECU this long after its deposit missed its task (broker outage).
WAITING_AFTER = timedelta(minutes=2)

beat_schedule = {
    "flows-integrate-waiting-flows": {
        "task": "flows.tasks.integrate_waiting_flows",
        "schedule": 300.0,
    },
}


@shared_task(bind=True, max_retries=integration.MAX_ATTEMPTS - 1)
def integrate_flow(self, flow_id: int) -> None:
    """Three attempts at most; the service marks the third failure IN_REJETE."""
    try:
        flow = integration.integrate_flow(flow_id)
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            return
        raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 1)) from exc
    if flow is not None and flow.integrated_count:
        try:
            complete_documents.apply_async((flow.pk,), retry=False)
        except (OperationalError, OSError):
            # Each certificate is then made on its first download (ensure_certificate).
            logger.warning("Broker unavailable: documents of flow %s left for later", flow.pk)


@shared_task
def integrate_waiting_flows() -> int:
    """The sweep: flows whose task was lost, and claims left by a dead worker."""
    now = timezone.now()
    waiting = Flow.objects.filter(
        state=FlowState.IN_RECU, deposited_at__lt=now - WAITING_AFTER
    ).values_list("pk", flat=True)
    stale = Flow.objects.filter(
        state=FlowState.IN_EN_COURS_TRAITEMENT_CPP,
        claimed_at__lt=now - integration.LEASE,
    ).values_list("pk", flat=True)
    ids = [*waiting[:500], *stale[:500]]
    for flow_id in ids:
        integrate_flow.delay(flow_id)
    return len(ids)


@shared_task
def complete_documents(flow_id: int) -> int:
    """FLW-8 and DEP-4 after the integration: E1 PDFs and deposit certificates."""
    flow = Flow.objects.filter(pk=flow_id).first()
    return files.complete_documents(flow) if flow is not None else 0
