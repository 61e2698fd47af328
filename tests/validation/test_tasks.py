"""Tacit validation (VAL-5): a periodic, idempotent task moves invoices left 15 days in
A_VALIDER_1 on to the recipient, even when nobody can act on the validator side (VAL-7)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from invoicing.enums import InvoiceStatus
from invoicing.models import StatusEvent
from structures import access
from tests.factories.structures import StructureFactory
from validation import tasks

S = InvoiceStatus
pytestmark = pytest.mark.django_db
FIFTEEN_DAYS = timedelta(days=15)


def transitions(invoice) -> list[str]:
    return list(
        StatusEvent.objects.filter(invoice=invoice)
        .exclude(transition="")
        .order_by("id")
        .values_list("transition", flat=True)
    )


def test_task_moves_invoices_older_than_15_days_only(circuit, django_capture_on_commit_callbacks):
    now = timezone.now()
    expired = circuit.invoice(deposited_at=now - FIFTEEN_DAYS - timedelta(minutes=1))
    almost = circuit.invoice(deposited_at=now - FIFTEEN_DAYS + timedelta(minutes=5))
    refused = circuit.invoice(S.REFUSEE_1, deposited_at=now - timedelta(days=40))

    with django_capture_on_commit_callbacks(execute=True):
        moved = tasks.expire_pending_validations.apply().get()

    assert moved == 1
    for invoice in (expired, almost, refused):
        invoice.refresh_from_db()
    assert expired.status == S.MISE_A_DISPOSITION
    assert transitions(expired)[-3:] == ["T7", "T8", "T4"]
    t7 = StatusEvent.objects.get(invoice=expired, transition="T7")
    assert (t7.status, t7.actor) == (S.ABSENCE_VALIDATION_1_HORS_DELAI, None)
    assert almost.status == S.A_VALIDER_1
    assert refused.status == S.REFUSEE_1


def test_task_twice_moves_nothing_twice(circuit, django_capture_on_commit_callbacks):
    invoice = circuit.invoice(deposited_at=timezone.now() - timedelta(days=20))
    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.expire_pending_validations()
    with django_capture_on_commit_callbacks(execute=True):
        second = tasks.expire_pending_validations()
    assert (first, second) == (1, 0)
    assert transitions(invoice).count("T7") == 1
    assert transitions(invoice).count("T4") == 1


def test_task_applies_when_to_validate_is_not_opened_anywhere_val7(
    circuit, django_capture_on_commit_callbacks
):
    nobody = StructureFactory(company_name="Titulaire sans espace")
    assert not access.is_area_open(nobody, "TO_VALIDATE")
    invoice = circuit.invoice(validator=nobody, deposited_at=timezone.now() - timedelta(days=16))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.expire_pending_validations()
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION


def test_task_is_in_the_beat_schedule_hourly():
    from portal.celery import app

    entry = tasks.beat_schedule["validation-expire-pending"]
    assert entry["task"] == "validation.tasks.expire_pending_validations"
    assert entry["schedule"] <= 3600
    app.finalize(auto=True)
    assert app.conf.beat_schedule["validation-expire-pending"] == entry
    assert "validation.tasks.expire_pending_validations" in app.tasks
