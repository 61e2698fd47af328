"""NOT-3: a flow rejected or partially integrated is an activity event (written with the
final state), reported by the digest to the depositing structure's FLOWS users and its
managers, with a link to the flow page; no direct mail (NOT-1 does not list it)."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from flows import integration
from flows.enums import FlowState
from flows.services import deposit_flow
from notifications import digest
from notifications.models import ActivityEvent, Email
from portal.areas import Mode
from structures import access
from tests.flows.helpers import invoice_xml, upload
from tests.invoicing import samples

pytestmark = pytest.mark.django_db

UNKNOWN_BUYER = [("0009", "11000201100036")]


def _deposit(actor, supplier, content, name="flux.xml"):
    return deposit_flow(
        actor=actor,
        structure=supplier,
        uploaded_file=upload(content, name),
        syntax="IN_DP_E1_CII_16B",
    )


def _flows(actor, supplier, recipient, capture):
    with capture(execute=True):
        rejected = _deposit(
            actor, supplier, invoice_xml(supplier, recipient, buyer_ids=UNKNOWN_BUYER)
        )
    lot = samples.zip_lot(
        {
            "a.xml": invoice_xml(supplier, recipient, number="LOT-1"),
            "b.xml": invoice_xml(supplier, recipient, number="LOT-2", buyer_ids=UNKNOWN_BUYER),
        }
    )
    with capture(execute=True):
        partial = _deposit(actor, supplier, lot, name="lot.zip")
    with capture(execute=True):
        _deposit(actor, supplier, invoice_xml(supplier, recipient, number="OK-1"))
    rejected.refresh_from_db()
    partial.refresh_from_db()
    assert (rejected.state, partial.state) == (FlowState.IN_REJETE, FlowState.IN_INTEGRE_PARTIEL)
    return rejected, partial


def _digests():
    now = timezone.now() + datetime.timedelta(days=1)
    digest.send_digests(digest.DAILY, now=now)
    return {m.user.email: m for m in Email.objects.filter(template="activity_digest")}


def test_final_states_write_events_and_send_no_direct_mail(
    personas, actor, supplier, recipient, django_capture_on_commit_callbacks
):
    rejected, partial = _flows(actor, supplier, recipient, django_capture_on_commit_callbacks)

    events = list(ActivityEvent.objects.order_by("id").filter(area="FLOWS"))
    assert [(e.kind, e.structure_id, e.link) for e in events] == [
        ("FLOW_REJECTED", supplier.pk, f"/flux/{rejected.pk}/"),
        ("FLOW_PARTIALLY_INTEGRATED", supplier.pk, f"/flux/{partial.pk}/"),
    ]
    assert events[1].params == {
        "number": partial.number,
        "file": "lot.zip",
        "integrated": 1,
        "total": 2,
    }
    assert Email.objects.count() == 0
    assert mail.outbox == []


def test_an_internal_rejection_writes_the_event_in_the_same_transaction(actor, supplier, recipient):
    flow = _deposit(actor, supplier, invoice_xml(supplier, recipient))
    integration._reject_internal(flow)
    assert ActivityEvent.objects.get(area="FLOWS").kind == "FLOW_REJECTED"


def test_digest_reports_flows_to_flows_users_and_managers_only(
    personas, actor, supplier, recipient, django_capture_on_commit_callbacks
):
    access.open_area(supplier, "FLOWS", actor=None)
    access.grant_area(personas.simple_view, supplier, "FLOWS", Mode.VIEW, actor=None)
    for user in personas.all().values():
        user.notify_activity = True
        user.save(update_fields=["notify_activity"])
    rejected, partial = _flows(actor, supplier, recipient, django_capture_on_commit_callbacks)

    mails = _digests()

    for who in ("main_manager", "secondary_manager", "simple_view"):
        body = mails[getattr(personas, who).email].body_text
        assert f"Flux {rejected.number} (flux.xml) rejeté" in body
        assert f"Flux {partial.number} (lot.zip) intégré partiellement : 1 facture(s) sur 2" in body
        assert settings.PORTAL_BASE_URL + reverse("flows:detail", args=[rejected.pk]) in body
        assert (
            reverse("flows:detail", args=[partial.pk])
            in mails[getattr(personas, who).email].body_html
        )
    # simple_change deposits (ISSUED) but holds no FLOWS; the others are not of the structure.
    for who in ("simple_change", "other_user", "public_reviewer", "support", "unattached"):
        mail_ = mails.get(getattr(personas, who).email)
        assert mail_ is None or rejected.number not in mail_.body_text


def test_managers_see_flow_events_even_without_the_flows_area(
    personas, actor, supplier, recipient, django_capture_on_commit_callbacks
):
    for user in (personas.secondary_manager, personas.simple_view):
        user.notify_activity = True
        user.save(update_fields=["notify_activity"])
    rejected, _partial = _flows(actor, supplier, recipient, django_capture_on_commit_callbacks)

    mails = _digests()

    assert rejected.number in mails[personas.main_manager.email].body_text
    assert rejected.number in mails[personas.secondary_manager.email].body_text
    assert rejected.number not in mails[personas.simple_view.email].body_text  # ISSUED news only
