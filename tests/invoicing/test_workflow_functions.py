"""Each transition function: the right actor moves the invoice and writes the history; the
wrong actor, the wrong status or a missing reason changes nothing."""

from __future__ import annotations

import pytest

from invoicing import workflow
from invoicing.enums import ActionCode, Frame, InvoiceStatus
from invoicing.errors import IllegalTransition, NotAllowed, ReasonRequired
from invoicing.models import Invoice, StatusEvent
from structures import access
from structures.enums import Role
from tests.factories.accounts import UserFactory
from tests.factories.invoicing import InvoiceFactory
from tests.factories.structures import ServiceFactory, StructureFactory, attach

S = InvoiceStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice_for(personas):
    def make(status, **kwargs):
        kwargs.setdefault("supplier", personas.structure)
        kwargs.setdefault("recipient", personas.public)
        return InvoiceFactory(status=status, **kwargs)

    return make


def events(invoice):
    return list(StatusEvent.objects.filter(invoice=invoice).values_list("status", "transition"))


def test_submit_new_a1_invoice_is_deposited_then_made_available_after_commit(
    personas, django_capture_on_commit_callbacks
):
    invoice = Invoice(
        supplier=personas.structure, recipient=personas.public, frame=Frame.A1, number="N1"
    )
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(invoice, actor=personas.simple_change)
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION
    assert invoice.deposited_at is not None
    assert events(invoice) == [(S.DEPOSEE, "T2"), (S.MISE_A_DISPOSITION, "T4")]


def test_submit_a9_invoice_waits_for_the_validator(personas, django_capture_on_commit_callbacks):
    invoice = Invoice(
        supplier=personas.structure,
        recipient=personas.public,
        validator=personas.other_structure,
        frame=Frame.A9,
        number="N2",
    )
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(invoice, actor=personas.main_manager)
    invoice.refresh_from_db()
    assert invoice.status == S.A_VALIDER_1


def test_submit_by_consultation_user_is_refused(personas):
    invoice = Invoice(supplier=personas.structure, recipient=personas.public, number="N3")
    with pytest.raises(NotAllowed):
        workflow.submit(invoice, actor=personas.simple_view)
    assert not Invoice.objects.filter(number="N3").exists()


def test_draft_then_submit_keeps_one_history(personas, django_capture_on_commit_callbacks):
    invoice = Invoice(supplier=personas.structure, recipient=personas.public, number="N4")
    workflow.save_draft(invoice, actor=personas.simple_change)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(invoice, actor=personas.simple_change)
    assert events(invoice) == [
        (S.BROUILLON, "T1"),
        (S.DEPOSEE, "T2"),
        (S.MISE_A_DISPOSITION, "T4"),
    ]


def test_validator_validates_and_invoice_reaches_recipient(
    personas, invoice_for, django_capture_on_commit_callbacks
):
    validator_user = UserFactory()
    attach(validator_user, personas.other_structure, Role.USER, {"TO_VALIDATE": "change"})
    invoice = invoice_for(S.A_VALIDER_1, frame=Frame.A9, validator=personas.other_structure)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.validate(invoice, actor=validator_user, message="Je suis titulaire")
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION
    assert [s for s, _t in events(invoice)][-3:] == [S.VALIDEE_1, S.DEPOSEE, S.MISE_A_DISPOSITION]


def test_refuse_requires_a_reason_and_changes_nothing_without(personas, invoice_for):
    access.open_area(personas.other_structure, "TO_VALIDATE", actor=None)  # managers hold it
    invoice = invoice_for(S.A_VALIDER_1, frame=Frame.A9, validator=personas.other_structure)
    with pytest.raises(ReasonRequired):
        workflow.refuse(invoice, actor=personas.other_user, reason="  ")
    invoice.refresh_from_db()
    assert invoice.status == S.A_VALIDER_1
    workflow.refuse(invoice, actor=personas.other_user, reason="Mauvais titulaire")
    invoice.refresh_from_db()
    assert invoice.status == S.REFUSEE_1
    assert invoice.status_comment == "Mauvais titulaire"


def test_supplier_cannot_act_as_recipient(personas, invoice_for):
    invoice = invoice_for(S.MISE_A_DISPOSITION)
    with pytest.raises(NotAllowed):
        workflow.take_into_account(invoice, actor=personas.main_manager)
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION


def test_recipient_chain_skips_steps_but_never_goes_back(personas, invoice_for):
    invoice = invoice_for(S.MISE_A_DISPOSITION)
    reviewer = personas.public_reviewer
    workflow.advance(invoice, S.MANDATEE, actor=reviewer, mandate_number="M-42")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.mandate_number) == (S.MANDATEE, "M-42")
    with pytest.raises(IllegalTransition):
        workflow.advance(invoice, S.SERVICE_FAIT, actor=reviewer)
    workflow.advance(invoice, S.MISE_EN_PAIEMENT, actor=reviewer)
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_EN_PAIEMENT


def test_mise_en_paiement_refused_when_structure_does_not_report_it(personas, invoice_for):
    personas.public.payment_status_not_reported = True
    personas.public.save()
    invoice = invoice_for(S.SERVICE_FAIT)
    with pytest.raises(IllegalTransition):
        workflow.advance(invoice, S.MISE_EN_PAIEMENT, actor=personas.public_reviewer)


def test_suspend_then_complete_then_take_into_account(personas, invoice_for):
    invoice = invoice_for(S.PRISE_EN_COMPTE_DESTINATAIRE)
    with pytest.raises(ReasonRequired):
        workflow.suspend(invoice, actor=personas.public_reviewer, reason="")
    workflow.suspend(invoice, actor=personas.public_reviewer, reason="Bon de commande manquant")
    with pytest.raises(ReasonRequired):
        workflow.complete(invoice, actor=personas.simple_change, has_new_attachment=False)
    workflow.complete(
        invoice, actor=personas.simple_change, comment="Ajouté", has_new_attachment=False
    )
    workflow.take_into_account(invoice, actor=personas.public_reviewer)
    invoice.refresh_from_db()
    assert invoice.status == S.PRISE_EN_COMPTE_DESTINATAIRE


def test_recycle_changes_only_routing_and_resets_deposit_date(
    personas, invoice_for, django_capture_on_commit_callbacks
):
    invoice = invoice_for(S.A_RECYCLER)
    before = invoice.deposited_at
    with pytest.raises(IllegalTransition):
        workflow.recycle(invoice, actor=personas.simple_change, routing={"amount_ttc": 1})
    new_recipient = personas.public
    with django_capture_on_commit_callbacks(execute=True):
        workflow.recycle(
            invoice,
            actor=personas.simple_change,
            routing={"recipient": new_recipient, "engagement_number": "EJ-9"},
        )
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION
    assert invoice.engagement_number == "EJ-9"
    assert invoice.deposited_at > before


def test_reject_is_final_and_process_rejection_logs_action(personas, invoice_for):
    invoice = invoice_for(S.SERVICE_FAIT)
    workflow.reject(invoice, actor=personas.public_reviewer, reason="Montant erroné")
    with pytest.raises(IllegalTransition):
        workflow.take_into_account(invoice, actor=personas.public_reviewer)
    workflow.process_rejection(invoice, actor=personas.simple_change)
    invoice.refresh_from_db()
    assert invoice.rejection_processed
    assert (
        StatusEvent.objects.filter(invoice=invoice, action=ActionCode.TRAITEMENT_REJET).count() == 1
    )
    with pytest.raises(IllegalTransition):
        workflow.process_rejection(invoice, actor=personas.simple_change)


def test_acknowledge_twice_logs_once(personas, invoice_for):
    invoice = invoice_for(S.SUSPENDUE)
    workflow.acknowledge(invoice, actor=personas.simple_change)
    workflow.acknowledge(invoice, actor=personas.simple_change)
    assert (
        StatusEvent.objects.filter(
            invoice=invoice, action=ActionCode.ACQUITTEMENT_SUSPENSION
        ).count()
        == 1
    )


def test_service_restricted_reviewer_acts_only_on_own_service(personas, invoice_for):
    own, other = (
        ServiceFactory(structure=personas.public),
        ServiceFactory(structure=personas.public),
    )
    reviewer = UserFactory()
    membership = attach(reviewer, personas.public, Role.USER)
    membership.services.add(own)
    mine = invoice_for(S.MISE_A_DISPOSITION, recipient_service=own)
    theirs = invoice_for(S.MISE_A_DISPOSITION, recipient_service=other)
    workflow.take_into_account(mine, actor=reviewer)
    with pytest.raises(NotAllowed):
        workflow.take_into_account(theirs, actor=reviewer)


def test_make_available_is_idempotent(invoice_for):
    invoice = invoice_for(S.DEPOSEE)
    workflow.make_available(invoice)
    assert workflow.make_available(invoice) is None
    assert [s for s, _t in events(invoice)].count(S.MISE_A_DISPOSITION) == 1


def test_expire_validation_moves_once(personas, invoice_for, django_capture_on_commit_callbacks):
    invoice = invoice_for(S.A_VALIDER_1, frame=Frame.A12, validator=StructureFactory())
    with django_capture_on_commit_callbacks(execute=True):
        workflow.expire_validation(invoice)
    assert workflow.expire_validation(invoice) is None
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION
    statuses = [s for s, _t in events(invoice)]
    assert statuses[-3:] == [S.ABSENCE_VALIDATION_1_HORS_DELAI, S.DEPOSEE, S.MISE_A_DISPOSITION]


def test_history_is_append_only(invoice_for):
    event = StatusEvent.objects.filter(invoice=invoice_for(S.DEPOSEE)).first()
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_supplier_corrects_validator_after_refusal(personas, invoice_for):
    wrong, right = StructureFactory(), StructureFactory()
    invoice = invoice_for(S.REFUSEE_1, frame=Frame.A9, validator=wrong)
    with pytest.raises(IllegalTransition):
        workflow.correct_validator(
            invoice, actor=personas.simple_change, validator=personas.structure
        )
    with pytest.raises(NotAllowed):
        workflow.correct_validator(invoice, actor=personas.simple_view, validator=right)
    workflow.correct_validator(invoice, actor=personas.simple_change, validator=right)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.validator_id) == (S.A_VALIDER_1, right.pk)


def test_mark_downloaded_refuses_a_reviewer_of_another_service(personas, invoice_for):
    own, other = (
        ServiceFactory(structure=personas.public),
        ServiceFactory(structure=personas.public),
    )
    reviewer = UserFactory()
    attach(reviewer, personas.public, Role.USER, {"RECEIVED": "view"}).services.add(own)
    theirs = invoice_for(S.MISE_A_DISPOSITION, recipient_service=other)
    with pytest.raises(NotAllowed):
        workflow.mark_downloaded(theirs, actor=reviewer)
    mine = invoice_for(S.MISE_A_DISPOSITION, recipient_service=own)
    workflow.mark_downloaded(mine, actor=reviewer)
    mine.refresh_from_db()
    assert mine.downloaded_by_recipient_at is not None
