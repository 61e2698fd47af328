"""Invoice factories. `InvoiceFactory(status=...)` arranges an invoice directly in a status
(tests of the workflow itself go through `invoicing.workflow`)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from invoicing.enums import Frame, InvoiceStatus, InvoiceType, PaymentMode, VatType
from invoicing.models import Invoice, StatusEvent
from tests.factories.structures import PublicStructureFactory, StructureFactory


class InvoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invoice
        skip_postgeneration_save = True

    supplier = factory.SubFactory(StructureFactory)
    recipient = factory.SubFactory(PublicStructureFactory)
    frame = Frame.A1
    status = InvoiceStatus.MISE_A_DISPOSITION
    number = factory.Sequence(lambda n: f"F-{n:05d}")
    invoice_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))
    invoice_type = InvoiceType.FACTURE
    vat_type = VatType.TVA_SUR_DEBIT
    payment_mode = PaymentMode.VIREMENT
    amount_ht = Decimal("1000.00")
    amount_tva = Decimal("200.00")
    amount_ttc = Decimal("1200.00")
    amount_to_pay = Decimal("1200.00")
    deposited_at = factory.LazyFunction(timezone.now)
    supplier_identifier = factory.LazyAttribute(lambda o: o.supplier.identifier)
    supplier_name = factory.LazyAttribute(lambda o: o.supplier.company_name)
    recipient_identifier = factory.LazyAttribute(
        lambda o: o.recipient.identifier if o.recipient else ""
    )
    recipient_name = factory.LazyAttribute(
        lambda o: o.recipient.company_name if o.recipient else ""
    )

    @factory.post_generation
    def history(self, create, extracted, **kwargs):
        if create and extracted is not False:
            StatusEvent.objects.create(invoice=self, status=self.status, comment="arranged")
