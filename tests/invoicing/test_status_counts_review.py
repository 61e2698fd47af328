"""Review: the counters' lock order holds per invoice row only; a transaction that writes
several invoices (a lot's bulk INSERT, make_available_many's UPDATE, two transitions in one
transaction) takes the counter rows in its invoices' order, so two such transactions with
their recipients in opposite orders deadlock."""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connections, transaction

from invoicing.enums import InvoiceStatus
from invoicing.models import Invoice
from tests.factories.invoicing import InvoiceFactory
from tests.factories.structures import PublicStructureFactory, StructureFactory

S = InvoiceStatus


@pytest.mark.django_db(transaction=True)
def test_two_lots_with_recipients_in_opposite_orders_do_not_deadlock(postgresql):
    r1, r2 = PublicStructureFactory(), PublicStructureFactory()
    supplier_a, supplier_b = StructureFactory(), StructureFactory()
    a = [InvoiceFactory(supplier=supplier_a, recipient=r, status=S.DEPOSEE) for r in (r1, r2)]
    b = [InvoiceFactory(supplier=supplier_b, recipient=r, status=S.DEPOSEE) for r in (r2, r1)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(invoices):
        try:
            with transaction.atomic():
                for position, invoice in enumerate(invoices):
                    # what make_available_many's one UPDATE does row after row
                    Invoice.objects.filter(pk=invoice.pk).update(status=S.MISE_A_DISPOSITION)
                    if position == 0:
                        barrier.wait(10)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(lot,)) for lot in (a, b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not [e for e in errors if isinstance(e, OperationalError)], errors


@pytest.mark.django_db
def test_random_writes_keep_the_counters_exact():
    import random

    from invoicing.enums import HIDDEN_FROM_RECIPIENT
    from tests.factories.structures import ServiceFactory
    from tests.invoicing.test_status_counts import assert_exact

    rng = random.Random(7)
    recipients = [PublicStructureFactory() for _ in range(2)]
    services = [ServiceFactory(structure=r) for r in recipients]
    suppliers = [StructureFactory() for _ in range(2)]
    statuses = [S.BROUILLON, S.DEPOSEE, S.MISE_A_DISPOSITION, S.SUSPENDUE, *HIDDEN_FROM_RECIPIENT]
    invoices = [
        InvoiceFactory(
            supplier=rng.choice(suppliers),
            recipient=rng.choice(recipients),
            status=rng.choice(statuses),
        )
        for _ in range(6)
    ]
    for _ in range(150):
        invoice = rng.choice(invoices)
        recipient = rng.choice([None, *recipients])
        service = None
        if recipient is not None and rng.random() < 0.6:
            service = rng.choice([s for s in services if s.structure_id == recipient.pk])
        Invoice.objects.filter(pk=invoice.pk).update(
            status=rng.choice(statuses),
            supplier=rng.choice(suppliers),
            recipient=recipient,
            recipient_service=service,
        )
        if rng.random() < 0.1:
            Invoice.objects.filter(pk=invoice.pk).update(recipient_service=None)
    assert_exact()
    Invoice.objects.filter(pk__in=[i.pk for i in invoices[:3]]).delete()
    assert_exact()
