"""Review: a number taken by another deposit between the batch's read-ahead and its INSERT
(a portal deposit committed meanwhile) crashes the whole batch instead of refusing that
invoice, as `send_invoice` does (it turns the unique-constraint error into DUPLICATE)."""

from __future__ import annotations

import pytest

from flows import services
from flows.integration import integrate_flow
from flows.services import deposit_flow
from invoicing.models import Invoice
from invoicing.rules import checks
from tests.factories.invoicing import InvoiceFactory
from tests.flows.helpers import invoice_xml, upload
from tests.invoicing import samples

pytestmark = pytest.mark.django_db
CII = "IN_DP_E1_CII_16B"


def test_a_number_taken_meanwhile_refuses_that_invoice_only(
    actor, supplier, recipient, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "send_integration", lambda flow_id: None)
    lot = samples.zip_lot(
        {f"f{n}.xml": invoice_xml(supplier, recipient, number=f"RACE-{n}") for n in range(3)}
    )
    flow = deposit_flow(
        actor=actor, structure=supplier, uploaded_file=upload(lot, "lot.zip"), syntax=CII
    )
    # The race: the read-ahead saw RACE-1 free, a portal deposit then committed it.
    real, calls = checks.used_numbers, []

    def stale_once(supplier_id, numbers):  # the read-ahead only is before the race
        calls.append(numbers)
        return set() if len(calls) == 1 else real(supplier_id, numbers)

    monkeypatch.setattr(checks, "used_numbers", stale_once)
    InvoiceFactory(supplier=supplier, recipient=recipient, number="RACE-1")
    with django_capture_on_commit_callbacks(execute=True):
        flow = integrate_flow(flow.pk)
    assert set(
        Invoice.objects.filter(number__startswith="RACE-").values_list("number", flat=True)
    ) == {"RACE-0", "RACE-1", "RACE-2"}
    assert flow.integrated_count == 2
