"""Two "Confirmer et envoyer" at the same time on PostgreSQL (real row locks): one invoice
is sent, the other click learns it was already sent."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

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
