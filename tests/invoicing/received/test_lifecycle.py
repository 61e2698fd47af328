"""The whole life cycle of A1, A2, A9 and A12 invoices through the services, as the
recipient, the validator and the supplier see it (DOMAIN §5.9, §6, §7)."""

from __future__ import annotations

import datetime
from datetime import timedelta

import pytest
from django.utils import timezone

from invoicing import queries, workflow
from invoicing.enums import Frame, InvoiceStatus
from invoicing.errors import IllegalTransition, ReasonRequired
from invoicing.models import Invoice, StatusEvent
from invoicing.received import services as received_services
from structures.enums import Role
from tests.factories.accounts import UserFactory
from tests.factories.structures import StructureFactory, attach
from validation import services as validation

S = InvoiceStatus
pytestmark = pytest.mark.django_db


def history(invoice) -> list[tuple[str, str]]:
    return list(
        StatusEvent.objects.filter(invoice=invoice)
        .exclude(transition="")
        .values_list("transition", "status")
    )


def new_invoice(world, frame, number, **kwargs) -> Invoice:
    return Invoice(
        supplier=world.personas.structure,
        recipient=world.public,
        recipient_identifier=world.public.identifier,
        recipient_name=world.public.company_name,
        supplier_name=world.personas.structure.company_name,
        frame=frame,
        number=number,
        invoice_date=timezone.localdate() - datetime.timedelta(days=1),
        amount_ht=100,
        amount_ttc=120,
        amount_to_pay=120,
        **kwargs,
    )


def submit(invoice, actor, capture):
    with capture(execute=True):
        workflow.submit(invoice, actor=actor)
    invoice.refresh_from_db()
    return invoice


def act(invoice, target, actor, **kwargs):
    received_services.process_one(invoice, target, actor=actor, **kwargs)
    invoice.refresh_from_db()
    return invoice.status


def visible_to(user, invoice) -> bool:
    return queries.received_invoices(user).filter(pk=invoice.pk).exists()


@pytest.fixture
def validator(world):
    """A titulaire / mandataire structure with TO_VALIDATE, and its validating user."""
    structure = StructureFactory(company_name="Titulaire SA")
    user = UserFactory(email="titulaire@example.test")
    attach(user, structure, Role.USER, {"TO_VALIDATE": "change"})
    return structure, user


def test_a1_full_life_cycle_with_suspension_and_completion(
    world, django_capture_on_commit_callbacks
):
    supplier, reviewer = world.personas.simple_change, world.reviewer
    invoice = submit(
        new_invoice(world, Frame.A1, "A1-1"), supplier, django_capture_on_commit_callbacks
    )
    assert invoice.status == S.MISE_A_DISPOSITION
    assert visible_to(reviewer, invoice)

    assert act(invoice, S.PRISE_EN_COMPTE_DESTINATAIRE, reviewer) == S.PRISE_EN_COMPTE_DESTINATAIRE
    with pytest.raises(ReasonRequired):
        act(invoice, S.SUSPENDUE, reviewer)
    assert act(invoice, S.SUSPENDUE, reviewer, reason="Manque le BL") == S.SUSPENDUE
    assert received_services.action_choices(invoice) == []  # waiting for the supplier
    workflow.complete(invoice, actor=supplier, comment="BL joint", has_new_attachment=False)
    invoice.refresh_from_db()
    assert invoice.status == S.COMPLETEE
    assert invoice in received_services.to_process(reviewer)  # back in the reviewer's list
    for target in (
        S.PRISE_EN_COMPTE_DESTINATAIRE,
        S.SERVICE_FAIT,
        S.MANDATEE,
        S.MISE_A_DISPOSITION_COMPTABLE,
        S.COMPTABILISEE,
        S.MISE_EN_PAIEMENT,
    ):
        kwargs = {"mandate_number": "MDT-1"} if target == S.MANDATEE else {}
        assert act(invoice, target, reviewer, **kwargs) == target
    assert invoice.mandate_number == "MDT-1"
    assert received_services.action_choices(invoice) == []
    assert history(invoice) == [
        ("T2", S.DEPOSEE),
        ("T4", S.MISE_A_DISPOSITION),
        ("T9", S.PRISE_EN_COMPTE_DESTINATAIRE),
        ("T10", S.SUSPENDUE),
        ("T15", S.COMPLETEE),
        ("T9", S.PRISE_EN_COMPTE_DESTINATAIRE),
        ("T13", S.SERVICE_FAIT),
        ("T13", S.MANDATEE),
        ("T13", S.MISE_A_DISPOSITION_COMPTABLE),
        ("T13", S.COMPTABILISEE),
        ("T14", S.MISE_EN_PAIEMENT),
    ]
    authors = set(
        StatusEvent.objects.filter(
            invoice=invoice, transition__in=["T9", "T10", "T13", "T14"]
        ).values_list("actor", flat=True)
    )
    assert authors == {reviewer.pk}


def test_a2_recycled_to_another_structure_then_rejected_there(
    world, django_capture_on_commit_callbacks
):
    supplier, reviewer = world.personas.simple_change, world.reviewer
    invoice = submit(
        new_invoice(world, Frame.A2, "A2-1"), supplier, django_capture_on_commit_callbacks
    )
    old_deposit = invoice.deposited_at
    assert act(invoice, S.A_RECYCLER, reviewer, reason="Pas chez nous") == S.A_RECYCLER
    assert invoice.status_comment == "Pas chez nous"

    with django_capture_on_commit_callbacks(execute=True):
        workflow.recycle(
            invoice,
            actor=supplier,
            routing={
                "recipient": world.other_public,
                "recipient_identifier": world.other_public.identifier,
                "recipient_name": world.other_public.company_name,
            },
        )
    invoice.refresh_from_db()

    assert invoice.status == S.MISE_A_DISPOSITION
    assert invoice.deposited_at > old_deposit  # LIF-4
    assert not visible_to(reviewer, invoice)  # left the former recipient's lists
    assert visible_to(world.other_reviewer, invoice)
    assert act(invoice, S.REJETEE, world.other_reviewer, reason="Doublon") == S.REJETEE
    assert received_services.action_choices(invoice) == []
    with pytest.raises(IllegalTransition):
        act(invoice, S.PRISE_EN_COMPTE_DESTINATAIRE, world.other_reviewer)


def test_a9_validated_by_the_titulaire_then_processed_to_payment(
    world, validator, django_capture_on_commit_callbacks
):
    structure, validating_user = validator
    invoice = new_invoice(world, Frame.A9, "A9-1", validator=structure)
    invoice = submit(invoice, world.personas.simple_change, django_capture_on_commit_callbacks)
    assert invoice.status == S.A_VALIDER_1
    assert not visible_to(world.reviewer, invoice)  # RCV-2
    assert validation.pending(validating_user).get() == invoice

    with django_capture_on_commit_callbacks(execute=True):
        validation.validate_invoice(
            invoice, actor=validating_user, confirmed=True, message="Prestation conforme"
        )
    invoice.refresh_from_db()

    assert invoice.status == S.MISE_A_DISPOSITION
    assert visible_to(world.reviewer, invoice)
    assert not validation.pending(validating_user).exists()
    assert list(validation.decided(validating_user)) == [invoice]
    for target in (S.SERVICE_FAIT, S.MISE_EN_PAIEMENT):
        assert act(invoice, target, world.reviewer) == target
    assert [t for t, _s in history(invoice)] == ["T3", "T5", "T8", "T4", "T13", "T14"]


def test_a12_refused_then_validator_corrected_then_tacitly_validated(
    world, validator, django_capture_on_commit_callbacks
):
    wrong, wrong_user = validator
    right = StructureFactory(company_name="Mandataire SA")
    right_user = UserFactory(email="mandataire@example.test")
    attach(right_user, right, Role.USER, {"TO_VALIDATE": "change"})
    supplier = world.personas.simple_change
    invoice = submit(
        new_invoice(world, Frame.A12, "A12-1", validator=wrong),
        supplier,
        django_capture_on_commit_callbacks,
    )

    validation.refuse_invoice(
        invoice, actor=wrong_user, reason="PAS_MON_SOUS_TRAITANT", details="Inconnu"
    )
    invoice.refresh_from_db()
    assert invoice.status == S.REFUSEE_1
    assert invoice.status_comment.startswith("Le fournisseur n'est pas mon sous-traitant")
    assert not visible_to(world.reviewer, invoice)

    workflow.correct_validator(invoice, actor=supplier, validator=right)
    invoice.refresh_from_db()
    assert invoice.status == S.A_VALIDER_1
    assert list(validation.pending(right_user)) == [invoice]  # reappears at the new validator
    assert not validation.pending(wrong_user).exists()
    assert not queries.invoices_to_validate(wrong_user).filter(pk=invoice.pk).exists()

    Invoice.objects.filter(pk=invoice.pk).update(
        deposited_at=timezone.now() - timedelta(days=15, minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert validation.expire_pending_validations() == 1
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION
    assert visible_to(world.reviewer, invoice)
    assert [t for t, _s in history(invoice)] == ["T3", "T6", "T18", "T7", "T8", "T4"]
