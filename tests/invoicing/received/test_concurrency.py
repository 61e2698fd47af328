"""Two reviewers on the same invoice at the same moment (issue 5, "Concurrency and
integrity"): exactly one transition happens, the other is told the status changed
meanwhile. Row locks need PostgreSQL; on SQLite the `postgresql` fixture skips."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from accounts.models import User
from invoicing import workflow
from invoicing.enums import InvoiceStatus
from invoicing.errors import IllegalTransition
from invoicing.models import Invoice, StatusEvent

S = InvoiceStatus


def _race(invoice_id: int, user_ids: list[int], targets: list[str]) -> list[object]:
    barrier = threading.Barrier(len(user_ids))
    results: list[object] = [None] * len(user_ids)

    def run(index: int) -> None:
        try:
            actor = User.objects.get(pk=user_ids[index])
            invoice = Invoice.objects.get(pk=invoice_id)  # both read the same status
            barrier.wait(timeout=10)
            workflow.process_received(
                invoice, targets[index], actor=actor, reason="Motif du reviewer"
            )
            results[index] = "done"
        except IllegalTransition as error:  # StatusChangedMeanwhile is one
            results[index] = error
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            results[index] = error
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(user_ids))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "targets",
    [
        [S.PRISE_EN_COMPTE_DESTINATAIRE, S.PRISE_EN_COMPTE_DESTINATAIRE],
        [S.SUSPENDUE, S.REJETEE],
    ],
)
def test_two_reviewers_at_once_only_one_transition_happens(postgresql, world, targets):
    invoice = world.invoice(S.MISE_A_DISPOSITION)
    before = StatusEvent.objects.filter(invoice=invoice).count()

    results = _race(invoice.pk, [world.reviewer.pk, world.public_manager.pk], targets)

    done = [r for r in results if r == "done"]
    refused = [r for r in results if isinstance(r, IllegalTransition)]
    assert len(done) == 1 and len(refused) == 1, results
    assert "entre-temps" in str(refused[0].message)
    invoice.refresh_from_db()
    winner = targets[results.index("done")]
    assert invoice.status == winner
    assert StatusEvent.objects.filter(invoice=invoice).count() == before + 1
