"""AREA-7 / EJ-5: COMMITMENTS opens on a private supplier once one of its invoices reaches
MISE_EN_PAIEMENT; the tab then appears for its managers at the next page (AREA-8)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from commitments.models import Commitment
from invoicing import workflow
from invoicing.enums import InvoiceStatus
from structures import access, openings
from structures.enums import ManagerActionCode, Role
from structures.models import ManagerAction
from tests.factories.accounts import UserFactory
from tests.factories.invoicing import InvoiceFactory
from tests.factories.structures import (
    PublicStructureFactory,
    StructureFactory,
    attach,
)

S = InvoiceStatus
pytestmark = pytest.mark.django_db
TAB = 'data-area="COMMITMENTS"'


@pytest.fixture
def parties():
    supplier = StructureFactory(company_name="Fournisseur Payé")
    public = PublicStructureFactory(company_name="Payeur Public")
    manager = UserFactory(email="payee-main@example.test")
    attach(manager, supplier, Role.MAIN_MANAGER)
    reviewer = UserFactory(email="payer@example.test")
    attach(reviewer, public, Role.USER, {"RECEIVED": "change"})
    Commitment.objects.create(
        recipient=public,
        supplier=supplier,
        number="EJ-PAYE",
        commitment_type="BON_DE_COMMANDE",
        supplier_identifier=supplier.identifier,
    )
    return supplier, public, manager, reviewer


def test_tab_absent_and_area_closed_before_payment(client, parties):
    supplier, public, manager, reviewer = parties
    InvoiceFactory(supplier=supplier, recipient=public, status=S.COMPTABILISEE)
    client.force_login(manager)
    assert TAB not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("commitments:index")).status_code == 403
    assert openings.can_open_area(supplier, "COMMITMENTS") is False


def test_payment_opens_the_area_and_the_tab_appears_at_the_next_page(client, parties):
    supplier, public, manager, reviewer = parties
    invoice = InvoiceFactory(supplier=supplier, recipient=public, status=S.COMPTABILISEE)
    client.force_login(manager)
    assert TAB not in client.get(reverse("home")).content.decode()

    workflow.advance(invoice, S.MISE_EN_PAIEMENT, actor=reviewer)

    assert access.is_area_open(supplier, "COMMITMENTS")
    assert TAB in client.get(reverse("home")).content.decode()
    orders = client.get(reverse("commitments:index")).content.decode()
    assert 'data-commitment="EJ-PAYE"' in orders
    assert ManagerAction.objects.filter(
        structure=supplier, action=ManagerActionCode.AREA_OPENED, details="COMMITMENTS"
    ).exists()


def test_other_statuses_do_not_open_the_area(parties):
    supplier, public, manager, reviewer = parties
    invoice = InvoiceFactory(supplier=supplier, recipient=public, status=S.MISE_A_DISPOSITION)
    workflow.advance(invoice, S.COMPTABILISEE, actor=reviewer)
    assert not access.is_area_open(supplier, "COMMITMENTS")


def test_a_closed_area_is_not_reopened_by_a_later_payment(parties):
    supplier, public, manager, reviewer = parties
    first = InvoiceFactory(supplier=supplier, recipient=public, status=S.COMPTABILISEE)
    second = InvoiceFactory(supplier=supplier, recipient=public, status=S.COMPTABILISEE)
    workflow.advance(first, S.MISE_EN_PAIEMENT, actor=reviewer)
    access.close_area(supplier, "COMMITMENTS", actor=manager)
    workflow.advance(second, S.MISE_EN_PAIEMENT, actor=reviewer)
    assert not access.is_area_open(supplier, "COMMITMENTS")
    assert openings.can_open_area(supplier, "COMMITMENTS") is True  # the managers may reopen it


def test_users_of_the_supplier_still_need_a_subscription(client, parties):
    supplier, public, manager, reviewer = parties
    simple = UserFactory(email="payee-user@example.test")
    attach(simple, supplier, Role.USER)
    invoice = InvoiceFactory(supplier=supplier, recipient=public, status=S.COMPTABILISEE)
    workflow.advance(invoice, S.MISE_EN_PAIEMENT, actor=reviewer)
    client.force_login(simple)
    assert TAB not in client.get(reverse("home")).content.decode()
    access.grant_area(simple, supplier, "COMMITMENTS", "view", actor=manager)
    assert TAB in client.get(reverse("home")).content.decode()


def test_public_supplier_is_not_opened_automatically(parties):
    _supplier, public, _manager, reviewer = parties
    public_supplier = PublicStructureFactory(company_name="Établissement fournisseur")
    invoice = InvoiceFactory(supplier=public_supplier, recipient=public, status=S.COMPTABILISEE)
    workflow.advance(invoice, S.MISE_EN_PAIEMENT, actor=reviewer)
    assert not access.is_area_open(public_supplier, "COMMITMENTS")
