"""The actors around the Commitments area, with data that could leak on every side."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from commitments.enums import CommitmentType
from commitments.models import Commitment
from structures import access
from structures.enums import Role
from structures.models import Structure
from tests.factories.accounts import UserFactory
from tests.factories.structures import (
    PublicStructureFactory,
    ServiceFactory,
    StructureFactory,
    attach,
)


@dataclass
class World:
    public: Structure  # publishes commitments, COMMITMENTS open
    other_public: Structure  # another public structure with its own commitments
    supplier: Structure  # private, COMMITMENTS open (as after a payment, AREA-7)
    other_supplier: Structure  # private, COMMITMENTS open, orders of its own
    main_manager: object  # main manager of `public`
    secondary_manager: object
    view_user: object  # COMMITMENTS in consultation on `public`
    change_user: object  # COMMITMENTS in modification on `public`
    reviewer: object  # RECEIVED only on `public` (no COMMITMENTS)
    other_public_user: object  # main manager of `other_public`
    supplier_main: object  # main manager of `supplier`
    supplier_view: object  # COMMITMENTS in consultation on `supplier`
    other_supplier_main: object
    support: object

    def commitment(self, number: str = "EJ-001", **kwargs) -> Commitment:
        kwargs.setdefault("recipient", self.public)
        kwargs.setdefault("supplier", self.supplier)
        kwargs.setdefault("commitment_type", CommitmentType.BON_DE_COMMANDE)
        kwargs.setdefault("amount_ht", Decimal("1500.00"))
        kwargs.setdefault("supplier_identifier", kwargs["supplier"].identifier)
        return Commitment.objects.create(number=number, **kwargs)


@pytest.fixture
def world(db) -> World:
    public = PublicStructureFactory(company_name="Ministère Engagements")
    other_public = PublicStructureFactory(company_name="Autre Ministère")
    supplier = StructureFactory(company_name="Fournisseur Engagé")
    other_supplier = StructureFactory(company_name="Autre Fournisseur")
    for structure in (public, other_public, supplier, other_supplier):
        access.open_area(structure, "COMMITMENTS", actor=None)
    ServiceFactory(structure=public, code="ACHATS", name="Service achats")

    main = UserFactory(email="ej-main@example.test")
    attach(main, public, Role.MAIN_MANAGER)
    secondary = UserFactory(email="ej-secondary@example.test")
    attach(secondary, public, Role.SECONDARY_MANAGER)
    view_user = UserFactory(email="ej-view@example.test")
    attach(view_user, public, Role.USER, {"COMMITMENTS": "view"})
    change_user = UserFactory(email="ej-change@example.test")
    attach(change_user, public, Role.USER, {"COMMITMENTS": "change"})
    reviewer = UserFactory(email="ej-reviewer@example.test")
    attach(reviewer, public, Role.USER)
    other_public_user = UserFactory(email="ej-other-public@example.test")
    attach(other_public_user, other_public, Role.MAIN_MANAGER)
    supplier_main = UserFactory(email="ej-supplier@example.test")
    attach(supplier_main, supplier, Role.MAIN_MANAGER)
    supplier_view = UserFactory(email="ej-supplier-view@example.test")
    attach(supplier_view, supplier, Role.USER, {"COMMITMENTS": "view"})
    other_supplier_main = UserFactory(email="ej-other-supplier@example.test")
    attach(other_supplier_main, other_supplier, Role.MAIN_MANAGER)
    support = UserFactory(email="ej-support@example.test", is_staff=True)
    support.groups.add(Group.objects.get_or_create(name="Support")[0])

    world = World(
        public=public,
        other_public=other_public,
        supplier=supplier,
        other_supplier=other_supplier,
        main_manager=main,
        secondary_manager=secondary,
        view_user=view_user,
        change_user=change_user,
        reviewer=reviewer,
        other_public_user=other_public_user,
        supplier_main=supplier_main,
        supplier_view=supplier_view,
        other_supplier_main=other_supplier_main,
        support=support,
    )
    # Data that could leak: the other public structure's commitment and the other
    # supplier's order.
    world.commitment("EJ-OTHER-PUBLIC", recipient=other_public)
    world.commitment("EJ-OTHER-SUPPLIER", supplier=other_supplier)
    return world
