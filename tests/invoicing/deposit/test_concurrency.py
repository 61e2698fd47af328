"""Two "Confirmer et envoyer" at the same time on PostgreSQL (real row locks): one invoice
is sent, the other click learns it was already sent."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from invoicing.deposit import drafts, services
from invoicing.enums import InvoiceStatus
from invoicing.models import Invoice, StatusEvent
from tests.factories.structures import build_personas
from tests.invoicing.deposit.helpers import upload_main, valid_data

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]


def _race(target, count=2):
    barrier = threading.Barrier(count)
    outcomes: list = []

    def run():
        barrier.wait()
        try:
            outcomes.append(target())
        except Exception as exc:  # the outcome is what the test looks at
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_concurrent_sends_of_one_draft_send_it_once(postgresql):
    personas = build_personas()
    actor = personas.simple_change
    main = upload_main(actor)
    data = valid_data(personas.structure, personas.public)
    draft = drafts.save_draft(data, actor=actor, main_attachment_id=main.pk)

    outcomes = _race(
        lambda: services.send_invoice(data, actor=actor, draft=draft, main_attachment_id=main.pk)
    )

    sent = [o for o in outcomes if isinstance(o, Invoice)]
    repeated = [o for o in outcomes if isinstance(o, drafts.AlreadySent)]
    assert (len(sent), len(repeated)) == (1, 1), outcomes
    assert Invoice.objects.count() == 1
    assert StatusEvent.objects.filter(status=InvoiceStatus.DEPOSEE).count() == 1


def test_concurrent_new_deposits_with_one_main_file_create_one_invoice(postgresql):
    personas = build_personas()
    actor = personas.simple_change
    main = upload_main(actor)
    data = valid_data(personas.structure, personas.public)

    outcomes = _race(
        lambda: services.send_invoice(data, actor=actor, main_attachment_id=main.pk, token="t")
    )

    assert sum(isinstance(o, Invoice) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, drafts.AlreadySent) for o in outcomes) == 1, outcomes
    assert Invoice.objects.count() == 1


# --- Issue 9, Low 10: one form token, simultaneous clicks --------------------------------

CLICKS = 6


def _entry_data(personas):
    personas.structure.billing_mandate_accepted_at = timezone.now()
    personas.structure.save()
    lines = [
        {
            "designation": "Conseil",
            "quantity": Decimal("2"),
            "unit": "jour",
            "unit_price": Decimal("500"),
            "discount": Decimal("0"),
            "vat_rate": "20",
        }
    ]
    return valid_data(personas.structure, personas.public, lines=lines, amount_to_pay=None)


def test_simultaneous_draft_saves_with_one_token_make_one_draft(postgresql):
    personas = build_personas()
    actor = personas.simple_change
    data = _entry_data(personas)

    outcomes = _race(
        lambda: drafts.save_draft(data, actor=actor, is_entry_mode=True, token="form-1"),
        count=CLICKS,
    )

    assert all(isinstance(o, Invoice) for o in outcomes), outcomes
    assert Invoice.objects.count() == 1
    assert {o.pk for o in outcomes} == {Invoice.objects.get().pk}


def test_simultaneous_sends_with_one_token_send_once_and_say_already_sent(postgresql):
    personas = build_personas()
    actor = personas.simple_change
    data = _entry_data(personas)

    outcomes = _race(
        lambda: services.send_invoice(data, actor=actor, is_entry_mode=True, token="form-1"),
        count=CLICKS,
    )

    sent = [o for o in outcomes if isinstance(o, Invoice)]
    repeated = [o for o in outcomes if isinstance(o, drafts.AlreadySent)]
    assert (len(sent), len(repeated)) == (1, CLICKS - 1), outcomes
    assert {o.invoice.pk for o in repeated} == {sent[0].pk}
    assert Invoice.objects.count() == 1


def test_simultaneous_drafts_then_sends_with_one_token_make_one_invoice(postgresql):
    personas = build_personas()
    actor = personas.simple_change
    main = upload_main(actor)
    data = valid_data(personas.structure, personas.public)

    _race(
        lambda: drafts.save_draft(data, actor=actor, main_attachment_id=main.pk, token="form-2"),
        count=CLICKS,
    )
    outcomes = _race(
        lambda: services.send_invoice(
            data, actor=actor, main_attachment_id=main.pk, token="form-2"
        ),
        count=CLICKS,
    )

    assert sum(isinstance(o, Invoice) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, drafts.AlreadySent) for o in outcomes) == CLICKS - 1, outcomes
    assert Invoice.objects.count() == 1


@pytest.mark.django_db
def test_a_click_whose_token_check_ran_before_the_other_commit_says_already_sent():
    """The window the race above can hit: this click's token check ran before the other
    click committed, its checks after, so they see the number as taken."""
    from unittest import mock

    personas = build_personas()
    actor = personas.simple_change
    data = _entry_data(personas)
    first = services.send_invoice(data, actor=actor, is_entry_mode=True, token="form-9")
    real = drafts.sent_with_token
    calls = []

    def token_check(*args):
        calls.append(args)
        return None if len(calls) == 1 else real(*args)  # the first check: nothing yet

    with (
        mock.patch.object(services, "sent_with_token", side_effect=token_check),
        pytest.raises(drafts.AlreadySent) as raised,
    ):
        services.send_invoice(data, actor=actor, is_entry_mode=True, token="form-9")
    assert raised.value.invoice.pk == first.pk
    assert Invoice.objects.count() == 1
