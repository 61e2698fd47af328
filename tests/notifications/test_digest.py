"""NOT-2 to NOT-6: activity events and the daily / weekly digests built from them."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from invoicing import steps
from invoicing.activity import status_event
from invoicing.enums import Frame, InvoiceStatus
from invoicing.models import StatusEvent
from notifications import digest
from notifications.models import ActivityEvent, Email
from notifications.tasks import beat_schedule
from structures.enums import Role
from tests.factories.accounts import UserFactory
from tests.factories.invoicing import InvoiceFactory
from tests.factories.structures import (
    PublicStructureFactory,
    ServiceFactory,
    StructureFactory,
    attach,
)

TOMORROW_6AM = None


def _user(email, **kwargs):
    kwargs.setdefault("notify_activity", True)
    return UserFactory(email=email, **kwargs)


@pytest.fixture
def scene(db):
    supplier = StructureFactory(company_name="Fournisseur Digest")
    public = PublicStructureFactory(company_name="Ministère Digest")
    other = StructureFactory(company_name="Autre Fournisseur Digest")
    service = ServiceFactory(structure=public, code="S1")
    other_service = ServiceFactory(structure=public, code="S2")
    people = {
        "supplier_issued": _user("d-issued@example.test", language="en"),
        "supplier_no_issued": _user("d-noissued@example.test"),
        "supplier_unticked": UserFactory(email="d-unticked@example.test"),
        "reviewer_s1": _user("d-s1@example.test"),
        "reviewer_s2": _user("d-s2@example.test"),
        "public_main": _user("d-public-main@example.test"),
        "other_main": _user("d-other@example.test"),
    }
    attach(people["supplier_issued"], supplier, Role.USER, {"ISSUED": "change"})
    attach(people["supplier_no_issued"], supplier, Role.USER)
    attach(people["supplier_unticked"], supplier, Role.USER, {"ISSUED": "view"})
    attach(people["reviewer_s1"], public, Role.USER).services.add(service)
    attach(people["reviewer_s2"], public, Role.USER).services.add(other_service)
    attach(people["public_main"], public, Role.MAIN_MANAGER)
    attach(people["other_main"], other, Role.MAIN_MANAGER)
    invoice = InvoiceFactory(
        supplier=supplier,
        recipient=public,
        recipient_service=service,
        number="DIG-001",
        status=InvoiceStatus.DEPOSEE,
    )
    InvoiceFactory(
        supplier=other, recipient=public, recipient_service=other_service, number="OTHER-9"
    )
    return {"invoice": invoice, "supplier": supplier, "public": public, **people}


def _run(period=digest.DAILY, days=1):
    now = timezone.now() + datetime.timedelta(days=days)
    return digest.send_digests(period, now=now)


def _mails():
    return {mail.user.email: mail for mail in Email.objects.filter(template="activity_digest")}


def test_invoice_made_available_reaches_exactly_the_right_users(scene):
    steps.make_available(scene["invoice"])  # T4, the system
    kinds = set(ActivityEvent.objects.values_list("kind", "structure_id", "area", "service_id"))
    assert kinds == {
        ("INVOICE_STATUS", scene["supplier"].pk, "ISSUED", None),
        ("INVOICE_RECEIVED", scene["public"].pk, "RECEIVED", scene["invoice"].recipient_service_id),
    }
    _run()
    mails = _mails()
    # ISSUED users of the supplier who ticked; RECEIVED users of the service; the main manager.
    assert sorted(mails) == [
        "d-issued@example.test",
        "d-public-main@example.test",
        "d-s1@example.test",
    ]
    english = mails["d-issued@example.test"]
    assert english.language == "en"
    assert "Invoice DIG-001: new status “Made available to the recipient”" in english.body_text
    assert f"/factures/emises/{scene['invoice'].pk}/" in english.body_html
    assert "Fournisseur Digest" in english.body_html
    french = mails["d-s1@example.test"]
    assert "Nouvelle facture DIG-001 reçue de Fournisseur Digest" in french.body_text
    assert f"/factures/recues/{scene['invoice'].pk}/" in french.body_text
    assert "OTHER-9" not in french.body_text


def test_nothing_to_say_sends_nothing(scene):
    assert _run() == []
    assert not Email.objects.filter(template="activity_digest").exists()


def test_digest_built_once_even_if_run_twice(scene):
    steps.make_available(scene["invoice"])
    first = _run()
    second = _run()
    assert len(first) == 3
    assert Email.objects.filter(template="activity_digest").count() == 3
    assert sorted(second) == sorted(first)


def test_events_outside_the_window_are_not_reported(scene):
    steps.make_available(scene["invoice"])
    assert _run(days=0) == []  # today's digest reports yesterday
    assert _run(days=2) == []  # the day after tomorrow reports tomorrow


def test_weekly_recap_covers_last_week(scene):
    steps.make_available(scene["invoice"])
    today = timezone.localdate()
    next_monday = today + datetime.timedelta(days=7 - today.weekday())
    now = timezone.make_aware(datetime.datetime.combine(next_monday, datetime.time(6)))
    ids = digest.send_digests(digest.WEEKLY, now=now)
    assert len(ids) == 3
    assert Email.objects.filter(dedup_key__startswith="digest:weekly:").count() == 3


def test_a_user_who_lost_the_right_no_longer_sees_the_event(scene):
    steps.make_available(scene["invoice"])
    from structures import access

    access.revoke_area(scene["supplier_issued"], scene["supplier"], "ISSUED", actor=None)
    _run()
    assert "d-issued@example.test" not in _mails()


def test_invoice_to_validate_reaches_the_validator(scene):
    validator = StructureFactory(company_name="Titulaire Digest")
    titulaire = _user("d-titulaire@example.test")
    attach(titulaire, validator, Role.USER, {"TO_VALIDATE": "change"})
    invoice = InvoiceFactory(
        supplier=scene["supplier"],
        recipient=scene["public"],
        validator=validator,
        frame=Frame.A9,
        status=InvoiceStatus.A_VALIDER_1,
        number="A9-1",
    )
    event = StatusEvent.objects.create(invoice=invoice, status="A_VALIDER_1", transition="T3")
    status_event(invoice, event)
    assert ActivityEvent.objects.filter(
        kind="INVOICE_TO_VALIDATE", structure=validator, area="TO_VALIDATE"
    ).exists()
    _run()
    assert (
        "Facture A9-1 de Fournisseur Digest à valider"
        in _mails()["d-titulaire@example.test"].body_text
    )


def test_query_count_does_not_grow_with_users(scene):
    steps.make_available(scene["invoice"])
    with CaptureQueriesContext(connection) as one:
        digest.send_digests(
            digest.DAILY, now=timezone.now() + datetime.timedelta(days=1), batch_size=1
        )
    Email.objects.all().delete()
    with CaptureQueriesContext(connection) as batch:
        digest.send_digests(digest.DAILY, now=timezone.now() + datetime.timedelta(days=1))
    # batch_size=1 runs one batch per recipient (6 here); one batch of all costs as one.
    per_batch = len(batch.captured_queries)
    assert per_batch <= 12
    assert len(one.captured_queries) > per_batch


def test_query_count_same_for_one_and_three_users(db):
    public = PublicStructureFactory()
    counts = []
    for n in (1, 3):
        Email.objects.all().delete()
        ActivityEvent.objects.all().delete()
        for i in range(n if n == 1 else 2):
            user = _user(f"q{n}-{i}@example.test")
            attach(user, public, Role.USER, {"RECEIVED": "change"})
        invoice = InvoiceFactory(recipient=public, status=InvoiceStatus.DEPOSEE)
        steps.make_available(invoice)
        with CaptureQueriesContext(connection) as ctx:
            ids = _run()
        counts.append((len(ids), len(ctx.captured_queries)))
    assert counts[0][0] == 1 and counts[1][0] == 3
    assert counts[0][1] == counts[1][1]


def test_beat_schedule_at_six_paris_time():
    daily = beat_schedule["notifications-send-daily-digests"]["schedule"]
    weekly = beat_schedule["notifications-send-weekly-digests"]["schedule"]
    assert (daily.hour, daily.minute) == ({6}, {0})
    assert (weekly.hour, weekly.minute, weekly.day_of_week) == ({6}, {0}, {1})


@pytest.mark.django_db(transaction=True)
@pytest.mark.services
def test_two_workers_at_once_build_one_digest_per_user(scene, postgresql):
    steps.make_available(scene["invoice"])
    barrier = threading.Barrier(2)
    errors: list = []

    def run():
        barrier.wait()
        try:
            _run()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Email.objects.filter(template="activity_digest").count() == 3


def test_link_request_reaches_the_managers_only(scene):
    from structures import requests as link_requests

    requester = UserFactory(email="d-requester@example.test")
    simple = _user("d-simple-public@example.test")
    attach(simple, scene["public"], Role.USER)
    link_requests.request_links(actor=requester, structures=[scene["public"]])
    _run()
    mails = _mails()
    assert "Demande de rattachement de" in mails["d-public-main@example.test"].body_text
    assert "d-simple-public@example.test" not in mails
    assert "d-s1@example.test" not in mails


def test_sollicitation_answer_reaches_its_sender_not_his_colleagues(scene):
    from requests_app import services as sollicitations

    steps.make_available(scene["invoice"])
    colleague = _user("d-colleague@example.test")
    attach(colleague, scene["supplier"], Role.USER, {"ISSUED": "view"})
    sender = type(scene["supplier_issued"]).objects.get(pk=scene["supplier_issued"].pk)
    sollicitation = sollicitations.create(
        actor=sender,
        sender_structure=scene["supplier"],
        category="SUIVI_FACTURE",
        invoice=scene["invoice"],
        subject="Paiement ?",
        message="Bonjour",
    )
    sollicitations.answer(sollicitation, actor=scene["reviewer_s1"], message="Demain.")
    _run()
    mails = _mails()
    assert (
        f"Answer to your request {sollicitation.number}" in mails["d-issued@example.test"].body_text
    )
    assert sollicitation.number not in mails["d-colleague@example.test"].body_text
    assert (
        sollicitation.number not in mails["d-s2@example.test"].body_text
        if "d-s2@example.test" in mails
        else True
    )
    assert (
        f"Nouvelle sollicitation {sollicitation.number}"
        in mails["d-public-main@example.test"].body_text
    )
