"""A public recipient with two services, and every reviewer of the actor matrix around it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from invoicing.enums import InvoiceStatus
from invoicing.models import Attachment
from structures.enums import Role
from structures.models import Membership
from tests.factories.accounts import UserFactory
from tests.factories.invoicing import InvoiceFactory
from tests.factories.structures import PublicStructureFactory, ServiceFactory, attach

S = InvoiceStatus


@dataclass
class World:
    personas: object
    public: object
    service_x: object
    service_y: object
    reviewer: object  # RECEIVED in modification, whole structure
    reviewer_x: object  # RECEIVED in modification, service X only
    consultation: object  # RECEIVED in consultation, whole structure
    public_manager: object  # main manager of the public structure
    other_public: object
    other_reviewer: object  # RECEIVED in modification on another public structure

    def invoice(self, status=S.MISE_A_DISPOSITION, service=None, **kwargs):
        kwargs.setdefault("supplier", self.personas.structure)
        kwargs.setdefault("recipient", self.public)
        if service is not None:
            kwargs.setdefault("recipient_service", service)
            kwargs.setdefault("recipient_service_code", service.code)
            kwargs.setdefault("recipient_service_name", service.name)
        return InvoiceFactory(status=status, **kwargs)

    def matrix(self) -> dict[str, object]:
        """Every actor of the house matrix, for the Received invoices area."""
        p = self.personas
        return {
            "supplier_main_manager": p.main_manager,
            "supplier_secondary_manager": p.secondary_manager,
            "supplier_view": p.simple_view,
            "supplier_change": p.simple_change,
            "other_public_reviewer": self.other_reviewer,
            "consultation_reviewer": self.consultation,
            "reviewer": self.reviewer,
            "public_manager": self.public_manager,
            "support": p.support,
            "unattached": p.unattached,
        }


@pytest.fixture
def world(personas) -> World:
    public = personas.public
    service_x = ServiceFactory(structure=public, code="SX", name="Service X")
    service_y = ServiceFactory(structure=public, code="SY", name="Service Y")
    reviewer_x = UserFactory(email="reviewer-x@example.test")
    attach(reviewer_x, public, Role.USER).services.add(service_x)
    consultation = UserFactory(email="consultation@example.test")
    attach(consultation, public, Role.USER, {"RECEIVED": "view"})
    other_public = PublicStructureFactory(company_name="Autre Administration")
    other_reviewer = UserFactory(email="other-reviewer@example.test")
    attach(other_reviewer, other_public, Role.USER)
    public_manager = Membership.objects.get(structure=public, role=Role.MAIN_MANAGER).user
    return World(
        personas=personas,
        public=public,
        service_x=service_x,
        service_y=service_y,
        reviewer=personas.public_reviewer,
        reviewer_x=reviewer_x,
        consultation=consultation,
        public_manager=public_manager,
        other_public=other_public,
        other_reviewer=other_reviewer,
    )


def add_file(invoice, name="facture.pdf", content=b"%PDF-1.4 test\n%%EOF\n", *, is_main=True):
    """A stored file of the invoice dossier, written under MEDIA_ROOT."""
    relative = f"invoices/{invoice.pk}/{hashlib.sha256(name.encode()).hexdigest()[:16]}.bin"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    return Attachment.objects.create(
        invoice=invoice,
        path=relative,
        original_name=name,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        is_main=is_main,
        designation="" if is_main else "Bon de commande",
    )
