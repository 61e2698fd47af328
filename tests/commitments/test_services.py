"""EJ-1, EJ-2, EJ-3: the use cases of the Commitments area and their rules."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from commitments import services
from commitments.enums import CommitmentState, CommitmentType, SupplierAnswer
from commitments.models import Commitment, CommitmentInvoice
from tests.factories.invoicing import InvoiceFactory
from tests.factories.structures import ServiceFactory

pytestmark = pytest.mark.django_db


def create(world, actor=None, **kwargs):
    kwargs.setdefault("recipient", world.public)
    kwargs.setdefault("number", "EJ-100")
    kwargs.setdefault("commitment_type", CommitmentType.BON_DE_COMMANDE)
    kwargs.setdefault("supplier_identifier", world.supplier.identifier)
    kwargs.setdefault("amount_ht", Decimal("2500.00"))
    return services.create_commitment(actor=actor or world.change_user, **kwargs)


def test_create_commitment_by_modification_user_snapshots_supplier(world):
    commitment = create(world, supplier_identifier=" ".join(world.supplier.identifier))
    assert commitment.supplier == world.supplier
    assert commitment.supplier_identifier == world.supplier.identifier
    assert commitment.created_by == world.change_user
    assert commitment.state == CommitmentState.COMMANDE
    assert commitment.supplier_answer is None


def test_create_commitment_number_unique_per_recipient_case_insensitive(world):
    create(world, number="EJ-100")
    with pytest.raises(ValidationError) as error:
        create(world, number=" ej-100 ")
    assert "number" in error.value.message_dict
    assert Commitment.objects.filter(recipient=world.public, number__iexact="EJ-100").count() == 1


def test_same_number_is_allowed_for_another_recipient(world):
    create(world, number="EJ-100")
    other = create(world, actor=world.other_public_user, recipient=world.other_public)
    assert other.number == "EJ-100"


def test_unique_constraint_holds_without_the_service_check(world):
    world.commitment("EJ-7")
    with pytest.raises(IntegrityError), transaction.atomic():
        world.commitment("ej-7")


def test_create_commitment_unknown_supplier_is_refused_at_the_field(world):
    with pytest.raises(ValidationError) as error:
        create(world, supplier_identifier="00000000000000", number="", amount_ht=Decimal("-1"))
    assert set(error.value.message_dict) == {"supplier_identifier", "number", "amount_ht"}
    assert not Commitment.objects.filter(recipient=world.public, number="").exists()


def test_create_commitment_for_itself_is_refused(world):
    with pytest.raises(ValidationError) as error:
        create(world, supplier_identifier=world.public.identifier)
    assert "supplier_identifier" in error.value.message_dict


def test_create_commitment_service_of_another_structure_is_refused(world):
    foreign = ServiceFactory(structure=world.other_public)
    with pytest.raises(ValidationError) as error:
        create(world, service=foreign)
    assert "service" in error.value.message_dict


def test_create_commitment_validity_end_before_start_is_refused(world):
    with pytest.raises(ValidationError) as error:
        create(
            world,
            valid_from=datetime.date(2026, 5, 1),
            valid_until=datetime.date(2026, 4, 1),
        )
    assert "valid_until" in error.value.message_dict


@pytest.mark.parametrize(
    "actor_name", ["view_user", "reviewer", "other_public_user", "supplier_main", "support"]
)
def test_create_commitment_without_modification_on_public_structure_is_refused(world, actor_name):
    with pytest.raises(PermissionDenied):
        create(world, actor=getattr(world, actor_name))
    assert not Commitment.objects.filter(number="EJ-100").exists()


def test_private_structure_cannot_publish(world):
    with pytest.raises(PermissionDenied):
        create(
            world,
            actor=world.supplier_main,
            recipient=world.supplier,
            supplier_identifier=world.other_supplier.identifier,
        )


@pytest.mark.parametrize("actor_name", ["main_manager", "secondary_manager", "change_user"])
def test_update_commitment_by_modification_actors(world, actor_name):
    commitment = world.commitment("EJ-5")
    services.update_commitment(
        commitment, actor=getattr(world, actor_name), label="Fournitures", amount_ht=Decimal("9")
    )
    commitment.refresh_from_db()
    assert commitment.label == "Fournitures"
    assert commitment.amount_ht == Decimal("9")


def test_update_commitment_in_consultation_is_refused(world):
    commitment = world.commitment("EJ-5")
    with pytest.raises(PermissionDenied):
        services.update_commitment(commitment, actor=world.view_user, label="x")
    commitment.refresh_from_db()
    assert commitment.label == ""


def test_material_change_asks_the_supplier_answer_again(world):
    commitment = world.commitment("EJ-5", supplier_answer=SupplierAnswer.ACCEPTEE)
    services.update_commitment(commitment, actor=world.change_user, label="Objet seul")
    commitment.refresh_from_db()
    assert commitment.supplier_answer == SupplierAnswer.ACCEPTEE
    services.update_commitment(commitment, actor=world.change_user, amount_ht=Decimal("1"))
    commitment.refresh_from_db()
    assert commitment.supplier_answer is None


def test_update_number_to_an_existing_one_is_refused(world):
    world.commitment("EJ-1")
    second = world.commitment("EJ-2")
    with pytest.raises(ValidationError) as error:
        services.update_commitment(second, actor=world.change_user, number="ej-1")
    assert "number" in error.value.message_dict
    second.refresh_from_db()
    assert second.number == "EJ-2"


def test_linked_commitment_keeps_its_number_and_supplier(world):
    commitment = world.commitment("EJ-1")
    invoice = InvoiceFactory(supplier=world.supplier, recipient=world.public)
    CommitmentInvoice.objects.create(commitment=commitment, invoice=invoice)
    with pytest.raises(ValidationError) as error:
        services.update_commitment(
            commitment,
            actor=world.change_user,
            number="EJ-9",
            supplier_identifier=world.other_supplier.identifier,
        )
    assert set(error.value.message_dict) == {"number", "supplier_identifier"}
    services.update_commitment(commitment, actor=world.change_user, amount_ht=Decimal("3"))
    commitment.refresh_from_db()
    assert (commitment.number, commitment.supplier, commitment.amount_ht) == (
        "EJ-1",
        world.supplier,
        Decimal("3"),
    )


def test_deactivate_then_reactivate_is_idempotent(world):
    commitment = world.commitment("EJ-1")
    services.set_active(commitment, actor=world.change_user, active=False)
    services.set_active(commitment, actor=world.change_user, active=False)
    commitment.refresh_from_db()
    assert commitment.state == CommitmentState.INACTIF
    services.set_active(commitment, actor=world.main_manager, active=True)
    commitment.refresh_from_db()
    assert commitment.state == CommitmentState.COMMANDE


def test_deactivate_in_consultation_is_refused(world):
    commitment = world.commitment("EJ-1")
    with pytest.raises(PermissionDenied):
        services.set_active(commitment, actor=world.view_user, active=False)
    commitment.refresh_from_db()
    assert commitment.is_active


def test_delete_commitment_without_invoice(world):
    commitment = world.commitment("EJ-1")
    services.delete_commitment(commitment, actor=world.change_user)
    assert not Commitment.objects.filter(pk=commitment.pk).exists()


def test_delete_commitment_with_linked_invoice_is_refused(world):
    commitment = world.commitment("EJ-1")
    invoice = InvoiceFactory(supplier=world.supplier, recipient=world.public)
    CommitmentInvoice.objects.create(commitment=commitment, invoice=invoice)
    with pytest.raises(ValidationError) as error:
        services.delete_commitment(commitment, actor=world.change_user)
    assert "Désactivez-le" in error.value.messages[0]
    assert Commitment.objects.filter(pk=commitment.pk).exists()


@pytest.mark.parametrize("answer", [SupplierAnswer.ACCEPTEE, SupplierAnswer.REFUSEE])
def test_supplier_answers_the_order_once(world, answer):
    commitment = world.commitment("EJ-1")
    services.answer_commitment(commitment, actor=world.supplier_main, answer=answer)
    services.answer_commitment(commitment, actor=world.supplier_main, answer=answer)  # double
    commitment.refresh_from_db()
    assert commitment.supplier_answer == answer
    assert commitment.answered_by == world.supplier_main
    other = SupplierAnswer.REFUSEE if answer == SupplierAnswer.ACCEPTEE else SupplierAnswer.ACCEPTEE
    with pytest.raises(ValidationError):
        services.answer_commitment(commitment, actor=world.supplier_main, answer=other)
    commitment.refresh_from_db()
    assert commitment.supplier_answer == answer


@pytest.mark.parametrize("actor_name", ["supplier_view", "change_user", "other_supplier_main"])
def test_answer_by_someone_else_than_the_supplier_in_modification_is_refused(world, actor_name):
    commitment = world.commitment("EJ-1")
    with pytest.raises(PermissionDenied):
        services.answer_commitment(
            commitment, actor=getattr(world, actor_name), answer=SupplierAnswer.ACCEPTEE
        )
    commitment.refresh_from_db()
    assert commitment.supplier_answer is None


def test_answer_on_inactive_commitment_is_refused(world):
    commitment = world.commitment("EJ-1", is_active=False)
    with pytest.raises(ValidationError):
        services.answer_commitment(
            commitment, actor=world.supplier_main, answer=SupplierAnswer.ACCEPTEE
        )


def test_visible_commitments_are_scoped_to_the_users_structures(world):
    mine = world.commitment("EJ-MINE")
    numbers = lambda user: set(  # noqa: E731
        services.commitments_visible_to(user).values_list("number", flat=True)
    )
    assert numbers(world.view_user) == {"EJ-MINE", "EJ-OTHER-SUPPLIER"}
    assert numbers(world.supplier_main) == {"EJ-MINE", "EJ-OTHER-PUBLIC"}
    assert numbers(world.other_supplier_main) == {"EJ-OTHER-SUPPLIER"}
    assert numbers(world.reviewer) == set()
    assert numbers(world.support) == set()
    assert mine.pk in services.commitments_visible_to(world.main_manager).values_list(
        "pk", flat=True
    )
