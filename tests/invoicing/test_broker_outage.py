"""A broker outage never turns a committed deposit into an error: the invoice stays DEPOSEE and
the periodic sweep makes it available later (ARCHITECTURE rule 5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from invoicing import tasks, workflow
from invoicing.enums import Frame, InvoiceStatus
from invoicing.models import Invoice
from tests.factories.invoicing import InvoiceFactory

pytestmark = pytest.mark.django_db
S = InvoiceStatus


@pytest.fixture
def broker_down(monkeypatch, eager_celery):
    """The broker refuses connections (what kombu raises when Redis is down)."""

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.make_available, "apply_async", refuse)
    monkeypatch.setattr(tasks.forward_after_validation, "apply_async", refuse)


def test_deposit_succeeds_when_broker_is_down_and_sweep_finishes_it(
    personas, broker_down, django_capture_on_commit_callbacks
):
    invoice = Invoice(
        supplier=personas.structure, recipient=personas.public, frame=Frame.A1, number="OUT-1"
    )
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(invoice, actor=personas.simple_change)
    invoice.refresh_from_db()
    assert invoice.status == S.DEPOSEE

    Invoice.objects.filter(pk=invoice.pk).update(
        status_changed_at=timezone.now() - timedelta(minutes=5)
    )
    assert tasks.advance_stuck_invoices() == 1
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION
    assert tasks.advance_stuck_invoices() == 0


def test_sweep_leaves_recent_deposits_to_the_after_commit_task():
    InvoiceFactory(status=S.DEPOSEE, status_changed_at=timezone.now())
    assert tasks.advance_stuck_invoices() == 0


def test_sweep_forwards_validated_invoices(django_capture_on_commit_callbacks):
    invoice = InvoiceFactory(
        status=S.VALIDEE_1, frame=Frame.A9, status_changed_at=timezone.now() - timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.advance_stuck_invoices() == 1
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION
