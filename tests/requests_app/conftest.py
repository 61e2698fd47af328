"""Actors around sollicitations, with another structure's data present on every side."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group

from invoicing.enums import InvoiceStatus
from requests_app import services
from structures.enums import Role
from tests.factories.accounts import UserFactory
from tests.factories.invoicing import InvoiceFactory
from tests.factories.structures import (
    PublicStructureFactory,
    ServiceFactory,
    StructureFactory,
    attach,
)


@dataclass
class World:
    supplier: object
    other_supplier: object
    public: object
    other_public: object
    service: object  # service of `public`
    other_service: object  # another service of `public`
    supplier_user: object  # simple user of `supplier` (ISSUED change)
    supplier_colleague: object  # another user of `supplier`
    other_supplier_user: object
    public_main: object  # main manager of `public`
    service_reviewer: object  # restricted to `service`
    other_service_reviewer: object  # restricted to `other_service`
    other_public_main: object
    support: object
    invoice: object  # supplier -> public / service
    other_invoice: object  # other_supplier -> other_public

    def follow_up(self, actor=None, invoice=None, **kwargs):
        kwargs.setdefault("subject", "Où en est ma facture ?")
        kwargs.setdefault("message", "Bonjour, pouvez-vous me dire où en est le paiement ?")
        kwargs.setdefault("sender_structure", (invoice or self.invoice).supplier)
        return services.create(
            actor=actor or self.supplier_user,
            category="SUIVI_FACTURE",
            invoice=invoice or self.invoice,
            **kwargs,
        )


@pytest.fixture
def world(db) -> World:
    supplier = StructureFactory(company_name="Fournisseur Sollicitant")
    other_supplier = StructureFactory(company_name="Autre Fournisseur")
    public = PublicStructureFactory(company_name="Ministère Sollicité")
    other_public = PublicStructureFactory(company_name="Autre Ministère")
    service = ServiceFactory(structure=public, code="SERV1", name="Service 1")
    other_service = ServiceFactory(structure=public, code="SERV2", name="Service 2")
    supplier_user = UserFactory(email="sol-supplier@example.test")
    attach(supplier_user, supplier, Role.USER, {"ISSUED": "change"})
    colleague = UserFactory(email="sol-colleague@example.test")
    attach(colleague, supplier, Role.MAIN_MANAGER)
    other_supplier_user = UserFactory(email="sol-other-supplier@example.test")
    attach(other_supplier_user, other_supplier, Role.MAIN_MANAGER)
    public_main = UserFactory(email="sol-public-main@example.test")
    attach(public_main, public, Role.MAIN_MANAGER)
    service_reviewer = UserFactory(email="sol-service@example.test")
    attach(service_reviewer, public, Role.USER).services.add(service)
    other_service_reviewer = UserFactory(email="sol-other-service@example.test")
    attach(other_service_reviewer, public, Role.USER).services.add(other_service)
    other_public_main = UserFactory(email="sol-other-public@example.test")
    attach(other_public_main, other_public, Role.MAIN_MANAGER)
    support = UserFactory(email="sol-support@example.test", is_staff=True)
    support.groups.add(Group.objects.get_or_create(name="Support")[0])
    invoice = InvoiceFactory(
        supplier=supplier,
        recipient=public,
        recipient_service=service,
        number="FAC-SOL-1",
        status=InvoiceStatus.MISE_A_DISPOSITION,
    )
    other_invoice = InvoiceFactory(
        supplier=other_supplier, recipient=other_public, number="FAC-SOL-2"
    )
    return World(
        supplier=supplier,
        other_supplier=other_supplier,
        public=public,
        other_public=other_public,
        service=service,
        other_service=other_service,
        supplier_user=supplier_user,
        supplier_colleague=colleague,
        other_supplier_user=other_supplier_user,
        public_main=public_main,
        service_reviewer=service_reviewer,
        other_service_reviewer=other_service_reviewer,
        other_public_main=other_public_main,
        support=support,
        invoice=invoice,
        other_invoice=other_invoice,
    )
