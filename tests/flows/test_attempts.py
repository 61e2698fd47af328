"""FLW-3: three attempts, then IN_REJETE "Erreur interne de traitement"; a claimed flow is
not integrated by a second worker."""

from __future__ import annotations

import pytest
from django.utils import timezone

from flows import integration
from flows.enums import FlowState
from flows.models import Flow
from flows.services import deposit_flow
from flows.tasks import integrate_flow, integrate_waiting_flows
from invoicing.models import Invoice
from tests.flows.helpers import invoice_xml, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker_like(eager_celery):
    """Eager tasks that retry like a worker's instead of raising into the caller."""
    previous = eager_celery.conf.task_eager_propagates
    eager_celery.conf.task_eager_propagates = False
    yield
    eager_celery.conf.task_eager_propagates = previous


@pytest.fixture
def flow(actor, supplier, recipient):
    return deposit_flow(
        actor=actor,
        structure=supplier,
        uploaded_file=upload(invoice_xml(supplier, recipient)),
        syntax="IN_DP_E1_CII_16B",
    )


def test_three_failed_attempts_reject_the_flow_with_an_internal_error(
    flow, monkeypatch, worker_like
):
    calls = []

    def crash(flow):
        calls.append(flow.attempts)
        raise RuntimeError("worker lost its database")

    monkeypatch.setattr(integration, "_process", crash)

    integrate_flow.delay(flow.pk)

    flow.refresh_from_db()
    assert calls == [1, 2, 3]
    assert flow.state == FlowState.IN_REJETE
    assert flow.technical_errors == [
        {
            "codeErreur": "ERREUR_INTERNE",
            "libelleErreur": "Erreur interne de traitement",
            "natureErreur": "TRAITEMENT",
        }
    ]
    assert flow.claimed_at is None


def test_a_failed_attempt_is_retried_and_then_succeeds(flow, monkeypatch, worker_like):
    real = integration._process
    calls = []

    def flaky(flow):
        calls.append(flow.attempts)
        if len(calls) == 1:
            raise RuntimeError("transient")
        return real(flow)

    monkeypatch.setattr(integration, "_process", flaky)

    integrate_flow.delay(flow.pk)

    flow.refresh_from_db()
    assert calls == [1, 2]
    assert flow.state == FlowState.IN_INTEGRE
    assert Invoice.objects.count() == 1


def test_a_flow_claimed_by_another_worker_is_left_alone(flow):
    Flow.objects.filter(pk=flow.pk).update(
        state=FlowState.IN_EN_COURS_TRAITEMENT_CPP, claimed_at=timezone.now(), attempts=1
    )

    assert integration.integrate_flow(flow.pk) is None

    flow.refresh_from_db()
    assert flow.state == FlowState.IN_EN_COURS_TRAITEMENT_CPP
    assert not Invoice.objects.exists()


def test_the_sweep_integrates_a_flow_whose_task_was_lost(flow):
    Flow.objects.filter(pk=flow.pk).update(deposited_at=timezone.now() - integration.LEASE)

    assert integrate_waiting_flows() == 1

    flow.refresh_from_db()
    assert flow.state == FlowState.IN_INTEGRE


def test_two_workers_at_once_integrate_the_flow_once(
    transactional_db, postgresql, actor, supplier, recipient, monkeypatch
):
    """A real race on PostgreSQL: both threads call the task body at the same moment."""
    import threading

    from django.db import connection

    from flows import services

    monkeypatch.setattr(services, "send_integration", lambda flow_id: None)
    flow = deposit_flow(
        actor=actor,
        structure=supplier,
        uploaded_file=upload(invoice_xml(supplier, recipient)),
        syntax="IN_DP_E1_CII_16B",
    )

    barrier = threading.Barrier(2)
    results = []

    def worker():
        try:
            barrier.wait()
            results.append(integration.integrate_flow(flow.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(r is None for r in results) == [False, True]
    assert Invoice.objects.count() == 1
