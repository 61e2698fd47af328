"""Fixtures of the deposit tests: the personas' supplier and DIR-5-style recipients made
with factories."""

from __future__ import annotations

import pytest

from structures.enums import Role
from tests.factories.accounts import UserFactory
from tests.factories.structures import (
    BankAccountFactory,
    PublicStructureFactory,
    ServiceFactory,
    StructureFactory,
    attach,
)


@pytest.fixture
def recipients(db):
    """The five recipients of DIR-5, with fresh SIRETs."""
    plain = PublicStructureFactory(company_name="Destinataire Etat")
    ServiceFactory(structure=plain, code="SFACETAT", name="Service facturier")
    service_required = PublicStructureFactory(
        company_name="Destinataire avec service obligatoire", service_code_required=True
    )
    ServiceFactory(structure=service_required, code="SERVICE_DEST_SERV_OBL")
    ej_required = PublicStructureFactory(
        company_name="Destinataire avec EJ obligatoire", engagement_required=True
    )
    either = PublicStructureFactory(
        company_name="Destinataire avec EJ ou service obligatoire",
        engagement_or_service_required=True,
    )
    ServiceFactory(structure=either, code="SERVICE_DEST_EJ_OU_SERV_OBL")
    none = PublicStructureFactory(company_name="Destinataire sans paramètre")
    return {
        "plain": plain,
        "service_required": service_required,
        "ej_required": ej_required,
        "either": either,
        "none": none,
    }


@pytest.fixture
def supplier(personas):
    return personas.structure


@pytest.fixture
def actor(personas):
    return personas.simple_change


@pytest.fixture
def recipient(personas):
    return personas.public


@pytest.fixture
def bank_account(supplier):
    return BankAccountFactory(structure=supplier)


@pytest.fixture
def validator_structure(db):
    return StructureFactory(company_name="Titulaire du marché")


@pytest.fixture
def other_supplier_user(db):
    """A user of another supplier structure (the data that could leak is theirs)."""
    user = UserFactory()
    structure = StructureFactory(company_name="Autre fournisseur")
    attach(user, structure, Role.MAIN_MANAGER)
    return user, structure
