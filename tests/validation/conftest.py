"""A titulaire structure with TO_VALIDATE, its validators, and A9 / A12 invoices for it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from invoicing.enums import Frame, InvoiceStatus
from structures import access
from structures.enums import Role
from structures.models import Membership
from tests.factories.accounts import UserFactory
from tests.factories.invoicing import InvoiceFactory
from tests.factories.structures import StructureFactory, attach

S = InvoiceStatus


@dataclass
class Circuit:
    personas: object
    titulaire: object  # the validator structure (TO_VALIDATE opened)
    validator: object  # TO_VALIDATE in modification
    validator_view: object  # TO_VALIDATE in consultation
    titulaire_manager: object
    other_titulaire: object
    other_validator: object  # TO_VALIDATE in modification on another structure

    def invoice(self, status=S.A_VALIDER_1, frame=Frame.A9, **kwargs):
        kwargs.setdefault("supplier", self.personas.structure)
        kwargs.setdefault("recipient", self.personas.public)
        kwargs.setdefault("validator", self.titulaire)
        kwargs.setdefault("validator_identifier", kwargs["validator"].identifier)
        kwargs.setdefault("validator_name", kwargs["validator"].company_name)
        return InvoiceFactory(status=status, frame=frame, **kwargs)

    def matrix(self) -> dict[str, object]:
        p = self.personas
        return {
            "supplier_main_manager": p.main_manager,
            "supplier_secondary_manager": p.secondary_manager,
            "supplier_view": p.simple_view,
            "supplier_change": p.simple_change,
            "public_reviewer": p.public_reviewer,
            "other_validator": self.other_validator,
            "validator_view": self.validator_view,
            "validator": self.validator,
            "titulaire_manager": self.titulaire_manager,
            "support": p.support,
            "unattached": p.unattached,
        }


@pytest.fixture
def circuit(personas) -> Circuit:
    titulaire = StructureFactory(company_name="Titulaire SA")
    manager = UserFactory(email="titulaire-main@example.test")
    attach(manager, titulaire, Role.MAIN_MANAGER)
    access.open_area(titulaire, "TO_VALIDATE", actor=manager)
    validator = UserFactory(email="validator@example.test")
    attach(validator, titulaire, Role.USER, {"TO_VALIDATE": "change"})
    validator_view = UserFactory(email="validator-view@example.test")
    attach(validator_view, titulaire, Role.USER, {"TO_VALIDATE": "view"})
    other_titulaire = StructureFactory(company_name="Autre Titulaire")
    other_validator = UserFactory(email="other-validator@example.test")
    attach(other_validator, other_titulaire, Role.USER, {"TO_VALIDATE": "change"})
    assert Membership.objects.filter(structure=titulaire).count() == 3
    return Circuit(
        personas=personas,
        titulaire=titulaire,
        validator=validator,
        validator_view=validator_view,
        titulaire_manager=manager,
        other_titulaire=other_titulaire,
        other_validator=other_validator,
    )
