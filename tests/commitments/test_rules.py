"""EJ-4: the engagement number of an invoice against the published commitments."""

from __future__ import annotations

import pytest

from commitments import rules
from commitments.models import CommitmentInvoice
from tests.factories.invoicing import InvoiceFactory
from tests.factories.structures import ServiceFactory

pytestmark = pytest.mark.django_db


def check(world, number, **kwargs):
    kwargs.setdefault("recipient", world.public)
    kwargs.setdefault("supplier", world.supplier)
    return rules.check_engagement(engagement_number=number, **kwargs)


def require(structure):
    structure.engagement_required = True
    structure.save(update_fields=["engagement_required"])


def test_check_unknown_number_refused_when_required_and_published(world):
    require(world.public)
    world.commitment("EJ-1")
    message = check(world, "EJ-404")
    assert message is not None
    assert "EJ-404" in message
    assert "ne correspond à aucun engagement actif de ce destinataire pour votre structure" in (
        message
    )


def test_check_matching_active_number_accepted_whatever_the_case(world):
    require(world.public)
    world.commitment("EJ-1")
    assert check(world, " ej-1 ") is None


def test_check_inactive_commitment_does_not_match(world):
    require(world.public)
    world.commitment("EJ-1", is_active=False)
    assert check(world, "EJ-1") is not None


def test_check_number_accepted_as_typed_when_not_required(world):
    world.commitment("EJ-1")
    assert check(world, "EJ-404") is None


def test_check_number_accepted_when_nothing_published_for_that_supplier(world):
    require(world.public)
    world.commitment("EJ-1", supplier=world.other_supplier)
    assert check(world, "EJ-404") is None


def test_check_commitment_of_another_supplier_does_not_match(world):
    require(world.public)
    world.commitment("EJ-1")
    world.commitment("EJ-2", supplier=world.other_supplier)
    assert check(world, "EJ-2") is not None


def test_check_requirement_of_the_chosen_service(world):
    service = ServiceFactory(structure=world.public, engagement_required=True)
    world.commitment("EJ-1")
    assert check(world, "EJ-404") is None  # the structure itself does not require it
    assert check(world, "EJ-404", service=service) is not None
    assert check(world, "EJ-1", service=service) is None


def test_check_empty_number_is_left_to_the_presence_check(world):
    require(world.public)
    world.commitment("EJ-1")
    assert check(world, "  ") is None


def test_link_invoice_to_matching_active_commitment_idempotent(world):
    commitment = world.commitment("EJ-1")
    invoice = InvoiceFactory(
        supplier=world.supplier, recipient=world.public, engagement_number="ej-1"
    )
    rules.link_invoice(invoice)
    rules.link_invoice(invoice)
    assert list(
        CommitmentInvoice.objects.filter(invoice=invoice).values_list("commitment", flat=True)
    ) == [commitment.pk]


@pytest.mark.parametrize(
    "arrange",
    [
        {"number": "EJ-2"},
        {"active": False},
        {"other_supplier": True},
        {"other_recipient": True},
    ],
)
def test_link_invoice_without_match_links_nothing(world, arrange):
    world.commitment(
        "EJ-1",
        is_active=arrange.get("active", True),
        supplier=world.other_supplier if arrange.get("other_supplier") else world.supplier,
        recipient=world.other_public if arrange.get("other_recipient") else world.public,
    )
    invoice = InvoiceFactory(
        supplier=world.supplier,
        recipient=world.public,
        engagement_number=arrange.get("number", "EJ-1"),
    )
    rules.link_invoice(invoice)
    assert not CommitmentInvoice.objects.filter(invoice=invoice).exists()


def test_link_invoice_follows_a_recycled_routing(world):
    first = world.commitment("EJ-1")
    second = world.commitment("EJ-9", recipient=world.other_public)
    invoice = InvoiceFactory(
        supplier=world.supplier, recipient=world.public, engagement_number="EJ-1"
    )
    rules.link_invoice(invoice)
    assert invoice.commitment_link.commitment == first
    invoice.recipient, invoice.engagement_number = world.other_public, "EJ-9"
    invoice.save()
    rules.link_invoice(invoice)
    assert CommitmentInvoice.objects.get(invoice=invoice).commitment == second
    invoice.engagement_number = "EJ-unknown"
    invoice.save()
    rules.link_invoice(invoice)
    assert not CommitmentInvoice.objects.filter(invoice=invoice).exists()


def test_link_kept_when_the_commitment_is_deactivated_later(world):
    commitment = world.commitment("EJ-1")
    invoice = InvoiceFactory(
        supplier=world.supplier, recipient=world.public, engagement_number="EJ-1"
    )
    rules.link_invoice(invoice)
    commitment.is_active = False
    commitment.save()
    rules.link_invoice(invoice)
    assert CommitmentInvoice.objects.get(invoice=invoice).commitment == commitment
