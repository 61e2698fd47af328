"""Processing a received invoice from the screens: exactly the transitions of the table
(RCV-3), reasons (T10, T12, LIF-2), RCV-4, consultation refused, bulk processing."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from invoicing import workflow
from invoicing.enums import InvoiceStatus
from invoicing.models import StatusEvent
from invoicing.received import services as received_services

S = InvoiceStatus
pytestmark = pytest.mark.django_db


def process_url(invoice):
    return reverse("invoicing:received_process", args=[invoice.pk])


def post(client, invoice, target, **extra):
    data = {"target": target, "expected_status": invoice.status, **extra}
    return client.post(process_url(invoice), data)


def text(response) -> str:
    return html.unescape(response.content.decode())


def event_count(invoice) -> int:
    return StatusEvent.objects.filter(invoice=invoice).count()


# --- What is offered ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "offered"),
    [
        (
            S.MISE_A_DISPOSITION,
            [
                S.PRISE_EN_COMPTE_DESTINATAIRE,
                S.SUSPENDUE,
                S.A_RECYCLER,
                S.REJETEE,
                S.SERVICE_FAIT,
                S.MANDATEE,
                S.MISE_A_DISPOSITION_COMPTABLE,
                S.COMPTABILISEE,
                S.MISE_EN_PAIEMENT,
            ],
        ),
        (
            S.SERVICE_FAIT,
            [
                S.SUSPENDUE,
                S.A_RECYCLER,
                S.REJETEE,
                S.MANDATEE,
                S.MISE_A_DISPOSITION_COMPTABLE,
                S.COMPTABILISEE,
                S.MISE_EN_PAIEMENT,
            ],
        ),
        (S.COMPTABILISEE, [S.MISE_EN_PAIEMENT]),
        (S.SUSPENDUE, []),
        (S.A_RECYCLER, []),
        (S.REJETEE, []),
        (S.MISE_EN_PAIEMENT, []),
    ],
)
def test_detail_offers_exactly_the_table_targets(client, world, status, offered):
    invoice = world.invoice(status)
    client.force_login(world.reviewer)
    form = client.get(reverse("invoicing:received_detail", args=[invoice.pk])).context["form"]
    choices = [value for value, _label in form.fields["target"].choices] if form else []
    assert choices == [s.value for s in offered]
    assert choices == [
        t for t in received_services.ACTION_LABELS if t in workflow.recipient_targets(invoice)
    ]


def test_payment_action_absent_when_structure_does_not_report_it_rcv4(client, world):
    world.public.payment_status_not_reported = True
    world.public.save()
    invoice = world.invoice(S.COMPTABILISEE)
    client.force_login(world.reviewer)

    page = client.get(reverse("invoicing:received_detail", args=[invoice.pk]))
    response = post(client, invoice, S.MISE_EN_PAIEMENT)

    assert page.context["form"] is None
    assert b"Mise en paiement</label>" not in page.content
    assert response.status_code == 400
    invoice.refresh_from_db()
    assert invoice.status == S.COMPTABILISEE


def test_payment_action_absent_when_service_does_not_manage_it_rcv4(client, world):
    world.service_x.payment_status_managed = False
    world.service_x.save()
    in_x = world.invoice(S.MANDATEE, service=world.service_x)
    in_y = world.invoice(S.MANDATEE, service=world.service_y)
    assert S.MISE_EN_PAIEMENT not in dict(received_services.action_choices(in_x))
    assert S.MISE_EN_PAIEMENT in dict(received_services.action_choices(in_y))
    client.force_login(world.reviewer)
    post(client, in_x, S.MISE_EN_PAIEMENT)
    in_x.refresh_from_db()
    assert in_x.status == S.MANDATEE


# --- Each action -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "target", "extra"),
    [
        (S.MISE_A_DISPOSITION, S.PRISE_EN_COMPTE_DESTINATAIRE, {}),
        (S.COMPLETEE, S.PRISE_EN_COMPTE_DESTINATAIRE, {}),
        (S.PRISE_EN_COMPTE_DESTINATAIRE, S.SUSPENDUE, {"reason": "Il manque le bon de livraison"}),
        (S.MISE_A_DISPOSITION, S.A_RECYCLER, {"reason": "Ce n'est pas notre service"}),
        (S.MISE_A_DISPOSITION, S.A_RECYCLER, {}),
        (S.SERVICE_FAIT, S.REJETEE, {"reason": "Doublon", "confirm_rejection": "on"}),
        (S.PRISE_EN_COMPTE_DESTINATAIRE, S.SERVICE_FAIT, {}),
        (S.SERVICE_FAIT, S.MANDATEE, {"mandate_number": "MDT-2026-42"}),
        (S.MANDATEE, S.MISE_A_DISPOSITION_COMPTABLE, {}),
        (S.MISE_A_DISPOSITION_COMPTABLE, S.COMPTABILISEE, {}),
        (S.COMPTABILISEE, S.MISE_EN_PAIEMENT, {}),
        (S.MISE_A_DISPOSITION, S.MANDATEE, {}),  # steps may be skipped (T13)
    ],
)
def test_process_allowed_action_moves_the_invoice(client, world, status, target, extra):
    invoice = world.invoice(status)
    before = event_count(invoice)
    client.force_login(world.reviewer)

    response = post(client, invoice, target, **extra)

    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == target
    assert invoice.status_comment == extra.get("reason", "")
    assert event_count(invoice) == before + 1
    event = StatusEvent.objects.filter(invoice=invoice).latest("id")
    assert (event.status, event.actor) == (target, world.reviewer)
    if target == S.MANDATEE:
        assert invoice.mandate_number == extra.get("mandate_number", "")


@pytest.mark.parametrize(
    ("status", "target"),
    [
        (S.PRISE_EN_COMPTE_DESTINATAIRE, S.PRISE_EN_COMPTE_DESTINATAIRE),
        (S.MANDATEE, S.SERVICE_FAIT),  # never undone
        (S.MANDATEE, S.SUSPENDUE),
        (S.MISE_EN_PAIEMENT, S.COMPTABILISEE),
        (S.REJETEE, S.PRISE_EN_COMPTE_DESTINATAIRE),
        (S.SUSPENDUE, S.SERVICE_FAIT),
        (S.A_RECYCLER, S.PRISE_EN_COMPTE_DESTINATAIRE),
        (S.MISE_A_DISPOSITION, S.COMPLETEE),  # a supplier's status
        (S.MISE_A_DISPOSITION, S.MISE_A_DISPOSITION),
        (S.MISE_A_DISPOSITION, "N_IMPORTE_QUOI"),
    ],
)
def test_process_illegal_transition_is_refused_with_a_clear_message(client, world, status, target):
    invoice = world.invoice(status)
    before = event_count(invoice)
    client.force_login(world.reviewer)

    response = post(client, invoice, target, reason="motif", confirm_rejection="on")

    assert response.status_code == 400
    assert "n'est pas possible depuis le statut" in text(response)
    invoice.refresh_from_db()
    assert invoice.status == status
    assert event_count(invoice) == before


@pytest.mark.parametrize("target", [S.SUSPENDUE, S.REJETEE])
def test_process_reason_required_for_suspension_and_rejection(client, world, target):
    invoice = world.invoice(S.PRISE_EN_COMPTE_DESTINATAIRE)
    client.force_login(world.reviewer)

    response = post(client, invoice, target, reason="   ", confirm_rejection="on")

    assert response.status_code == 400
    assert "Le motif est obligatoire" in text(response)
    invoice.refresh_from_db()
    assert invoice.status == S.PRISE_EN_COMPTE_DESTINATAIRE


def test_process_reason_longer_than_255_is_refused(client, world):
    invoice = world.invoice()
    client.force_login(world.reviewer)
    response = post(client, invoice, S.SUSPENDUE, reason="x" * 256)
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION


def test_process_mandate_number_longer_than_50_is_refused(client, world):
    invoice = world.invoice(S.SERVICE_FAIT)
    client.force_login(world.reviewer)
    response = post(client, invoice, S.MANDATEE, mandate_number="M" * 51)
    assert response.status_code == 400
    assert "mandate_number" in response.context["form"].errors
    invoice.refresh_from_db()
    assert invoice.status == S.SERVICE_FAIT


def test_process_rejection_needs_confirmation(client, world):
    invoice = world.invoice()
    client.force_login(world.reviewer)
    response = post(client, invoice, S.REJETEE, reason="Doublon")
    assert response.status_code == 400
    assert "confirm_rejection" in response.context["form"].errors
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION


def test_process_reason_is_visible_to_the_supplier(client, world):
    invoice = world.invoice()
    client.force_login(world.reviewer)
    post(client, invoice, S.SUSPENDUE, reason="Joindre le bon de commande")
    client.force_login(world.personas.simple_change)
    page = client.get(reverse("invoicing:issued_detail", args=[invoice.pk]))
    assert "Joindre le bon de commande" in text(page)


def test_process_status_changed_meanwhile_changes_nothing(client, world):
    invoice = world.invoice(S.MISE_A_DISPOSITION)
    client.force_login(world.reviewer)
    stale = invoice.status
    workflow.take_into_account(invoice, actor=world.public_manager)  # someone else, first
    before = event_count(invoice)

    response = client.post(
        process_url(invoice),
        {"target": S.SERVICE_FAIT, "expected_status": stale},
        follow=True,
    )

    assert "changé entre-temps" in text(response)
    invoice.refresh_from_db()
    assert invoice.status == S.PRISE_EN_COMPTE_DESTINATAIRE
    assert event_count(invoice) == before


def test_process_double_submit_moves_once(client, world):
    invoice = world.invoice(S.MISE_A_DISPOSITION)
    client.force_login(world.reviewer)
    data = {"target": S.PRISE_EN_COMPTE_DESTINATAIRE, "expected_status": S.MISE_A_DISPOSITION}
    client.post(process_url(invoice), data)
    second = client.post(process_url(invoice), data, follow=True)
    assert "changé entre-temps" in text(second)
    assert StatusEvent.objects.filter(invoice=invoice, transition="T9").count() == 1


# --- Who may act -------------------------------------------------------------------------

CAN_ACT = {"reviewer", "public_manager"}
POST_EXPECTED = {
    "supplier_main_manager": 403,
    "supplier_secondary_manager": 403,
    "supplier_view": 403,
    "supplier_change": 403,
    "other_public_reviewer": 404,
    "consultation_reviewer": 403,
    "reviewer": 302,
    "public_manager": 302,
    "support": 403,
    "unattached": 403,
}


def test_process_actor_matrix(client, world):
    for name, user in world.matrix().items():
        invoice = world.invoice(S.MISE_A_DISPOSITION)
        client.force_login(user)
        response = post(client, invoice, S.PRISE_EN_COMPTE_DESTINATAIRE)
        assert response.status_code == POST_EXPECTED[name], name
        invoice.refresh_from_db()
        expected = S.PRISE_EN_COMPTE_DESTINATAIRE if name in CAN_ACT else S.MISE_A_DISPOSITION
        assert invoice.status == expected, name
        client.logout()
    anonymous = world.invoice()
    assert post(client, anonymous, S.PRISE_EN_COMPTE_DESTINATAIRE).status_code == 302
    anonymous.refresh_from_db()
    assert anonymous.status == S.MISE_A_DISPOSITION


def test_process_consultation_on_one_structure_and_modification_on_another_is_404(client, world):
    from structures import access
    from structures.enums import Role
    from tests.factories.structures import attach

    attach(world.consultation, world.other_public, Role.USER)  # change over there
    invoice = world.invoice()
    client.force_login(world.consultation)
    assert post(client, invoice, S.PRISE_EN_COMPTE_DESTINATAIRE).status_code == 404
    assert access.has_area(world.consultation, world.public, "RECEIVED")
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION


def test_process_service_reviewer_cannot_touch_another_service(client, world):
    in_y = world.invoice(service=world.service_y)
    in_x = world.invoice(service=world.service_x)
    client.force_login(world.reviewer_x)
    assert post(client, in_y, S.PRISE_EN_COMPTE_DESTINATAIRE).status_code == 404
    assert post(client, in_x, S.PRISE_EN_COMPTE_DESTINATAIRE).status_code == 302
    in_y.refresh_from_db()
    in_x.refresh_from_db()
    assert (in_y.status, in_x.status) == (S.MISE_A_DISPOSITION, S.PRISE_EN_COMPTE_DESTINATAIRE)


# --- Bulk processing ---------------------------------------------------------------------

BULK = reverse("invoicing:received_bulk")


def test_bulk_processes_each_invoice_on_its_own(client, world):
    first = world.invoice(S.MISE_A_DISPOSITION, number="B-1")
    second = world.invoice(S.COMPLETEE, number="B-2")
    final = world.invoice(S.REJETEE, number="B-3")
    client.force_login(world.reviewer)

    response = client.post(
        BULK,
        {
            "invoices": [first.pk, second.pk, final.pk],
            "target": S.PRISE_EN_COMPTE_DESTINATAIRE,
            "next": reverse("invoicing:received_search"),
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("invoicing:received_search")
    for invoice in (first, second, final):
        invoice.refresh_from_db()
    assert first.status == second.status == S.PRISE_EN_COMPTE_DESTINATAIRE
    assert final.status == S.REJETEE
    content = text(response)
    assert "2 factures traitées" in content
    assert "B-3 non traitée" in content and "Incohérence au niveau du statut" in content


def test_bulk_suspension_requires_a_reason(client, world):
    invoice = world.invoice()
    client.force_login(world.reviewer)
    response = client.post(BULK, {"invoices": [invoice.pk], "target": S.SUSPENDUE}, follow=True)
    assert "Le motif est obligatoire" in text(response)
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION


def test_bulk_rejection_requires_confirmation(client, world):
    invoice = world.invoice()
    client.force_login(world.reviewer)
    client.post(BULK, {"invoices": [invoice.pk], "target": S.REJETEE, "reason": "Doublon"})
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION
    client.post(
        BULK,
        {
            "invoices": [invoice.pk],
            "target": S.REJETEE,
            "reason": "Doublon",
            "confirm_rejection": "on",
        },
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.status_comment) == (S.REJETEE, "Doublon")


def test_bulk_without_selection_changes_nothing(client, world):
    invoice = world.invoice()
    client.force_login(world.reviewer)
    response = client.post(BULK, {"target": S.SERVICE_FAIT}, follow=True)
    assert "Cochez au moins une facture" in text(response)
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION


def test_bulk_service_reviewer_never_touches_another_service(client, world):
    in_x = world.invoice(service=world.service_x, number="SX-1")
    in_y = world.invoice(service=world.service_y, number="SY-1")
    theirs = world.invoice(recipient=world.other_public, number="OTHER-1")
    client.force_login(world.reviewer_x)

    response = client.post(
        BULK,
        {"invoices": [in_x.pk, in_y.pk, theirs.pk], "target": S.SERVICE_FAIT},
        follow=True,
    )

    for invoice in (in_x, in_y, theirs):
        invoice.refresh_from_db()
    assert in_x.status == S.SERVICE_FAIT
    assert in_y.status == theirs.status == S.MISE_A_DISPOSITION
    content = text(response)
    assert "SY-1" not in content and "OTHER-1" not in content  # nothing revealed
    assert "inconnue du système" in content


def test_bulk_consultation_reviewer_is_refused(client, world):
    invoice = world.invoice()
    client.force_login(world.consultation)
    response = client.post(BULK, {"invoices": [invoice.pk], "target": S.SERVICE_FAIT})
    assert response.status_code == 403
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION


def test_process_many_reports_each_result(world):
    ok = world.invoice(S.SERVICE_FAIT)
    wrong = world.invoice(S.MISE_EN_PAIEMENT)
    results = received_services.process_many(
        [ok.pk, wrong.pk, "x", 999999], S.MANDATEE, actor=world.reviewer, mandate_number="M-1"
    )
    assert [(r.invoice_id, r.done) for r in results] == [
        (ok.pk, True),
        (wrong.pk, False),
        (999999, False),
    ]
    ok.refresh_from_db()
    assert (ok.status, ok.mandate_number) == (S.MANDATEE, "M-1")
