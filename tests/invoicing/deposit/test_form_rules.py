"""Every rule broken on the deposit form shows its message at its field, in the user's
language (INV-11), and saves nothing."""

from __future__ import annotations

import datetime
import html as html_lib
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from invoicing.models import Attachment, Invoice
from structures import access
from tests.factories.invoicing import InvoiceFactory
from tests.factories.structures import BankAccountFactory, PublicStructureFactory
from tests.invoicing.deposit.helpers import form_payload, upload_main

pytestmark = pytest.mark.django_db
TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


def field_error(html: str, field: str) -> str:
    match = re.search(rf'<p class="fr-error-text" id="error-{field}">(.*?)</p>', html, re.S)
    assert match, f"no error at {field}"
    return html_lib.unescape(match.group(1)).strip()


@pytest.fixture
def post_validate(client, actor, supplier, recipient):
    client.force_login(actor)
    main = upload_main(actor)

    def post(*, recipient_=None, **overrides):
        payload = form_payload(
            supplier, recipient_ or recipient, main_attachment=str(main.pk), **overrides
        )
        return client.post(reverse("invoicing:deposit_form"), {**payload, "action": "validate"})

    return post


RULES = [
    ({"recipient_identifier": "99999999999999"}, "recipient_identifier", "inconnu ou inactif"),
    ({"recipient_identifier": ""}, "recipient_identifier", "SIRET du destinataire est obligatoire"),
    ({"number": ""}, "number", "Le numéro de facture est obligatoire."),
    ({"number": "FA 1*"}, "number", "lettres, des chiffres"),
    ({"invoice_date": TOMORROW}, "invoice_date", "postérieure à aujourd'hui"),
    ({"invoice_date": ""}, "invoice_date", "La date de facture est obligatoire."),
    ({"invoice_type": "AVOIR"}, "original_invoice_number", "obligatoire pour un avoir"),
    ({"vat_type": "EXONERATION"}, "vat_exemption_reason", "obligatoire pour une exonération"),
    ({"payment_mode": ""}, "payment_mode", "obligatoire pour une facture"),
    ({"amount_ttc": "1300.00"}, "amount_ttc", "Le montant TTC ne correspond pas"),
    (
        {"amount_to_pay": "1300.00", "amount_ttc": "1200.00"},
        "amount_to_pay",
        "dépasser le montant TTC",
    ),
    (
        {"global_discount": "10", "amount_ttc": "1190", "amount_to_pay": "1190"},
        "global_discount_reason",
        "motif de la remise globale est obligatoire",
    ),
    ({"frame": "A9_FACTURE_SOUSTRAITANT"}, "validator_identifier", "obligatoire pour le cadre A9"),
    (
        {"frame": "A12_FACTURE_COTRAITANT", "validator_identifier": "SUPPLIER"},
        "validator_identifier",
        "différente de la structure fournisseur",
    ),
    ({"frame": "A3_MEMOIRE_JUSTICE"}, "frame", "n'est pas encore disponible"),
    ({"comment": "x" * 2001}, "comment", "2000"),
]


@pytest.mark.parametrize(("overrides", "field", "message"), RULES)
def test_form_rule_broken_shows_the_message_at_the_field(
    post_validate, supplier, overrides, field, message
):
    overrides = {k: supplier.identifier if v == "SUPPLIER" else v for k, v in overrides.items()}
    response = post_validate(**overrides)
    assert response.status_code == 400
    assert message in field_error(response.content.decode(), field)
    assert not Invoice.objects.exists()
    assert Attachment.objects.get().invoice is None


def test_form_duplicate_number_is_refused_at_the_field(post_validate, supplier):
    day = timezone.localdate() - datetime.timedelta(days=2)
    InvoiceFactory(supplier=supplier, number="FA-2024-0042", invoice_date=day)
    response = post_validate(invoice_date=day.isoformat())
    assert field_error(response.content.decode(), "number") == (
        "Ce numéro de facture a déjà été utilisé"
    )
    assert Invoice.objects.count() == 1


@pytest.mark.parametrize(
    ("parameters", "field", "message"),
    [
        ({"service_code_required": True}, "recipient_service_code", "code service est obligatoire"),
        ({"engagement_required": True}, "engagement_number", "engagement est obligatoire"),
        ({"engagement_or_service_required": True}, "engagement_number", "ou le code service"),
    ],
)
def test_form_recipient_parameters_are_enforced_at_the_field(
    post_validate, parameters, field, message
):
    demanding = PublicStructureFactory(**parameters)
    response = post_validate(recipient_=demanding)
    assert message in field_error(response.content.decode(), field)


def test_form_own_structure_as_recipient_is_refused(post_validate, supplier):
    access.open_area(supplier, "RECEIVED", actor=None)
    response = post_validate(recipient_=supplier)
    assert "se facturer elle-même" in field_error(response.content.decode(), "recipient_identifier")


def test_form_bank_details_of_another_structure_are_not_offered(post_validate):
    foreign = BankAccountFactory()
    response = post_validate(bank_account=str(foreign.pk))
    assert "Sélectionnez un choix valide" in field_error(response.content.decode(), "bank_account")


def test_form_supplier_the_user_cannot_deposit_for_is_refused(post_validate, personas):
    response = post_validate(supplier=str(personas.other_structure.pk))
    assert field_error(response.content.decode(), "supplier") == (
        "Choisissez une de vos structures."
    )


def test_form_messages_follow_the_user_language(client, actor, supplier, recipient):
    actor.language = "en"
    actor.save()
    client.force_login(actor)
    main = upload_main(actor)
    payload = form_payload(supplier, recipient, main_attachment=str(main.pk), number="")
    response = client.post(reverse("invoicing:deposit_form"), {**payload, "action": "validate"})
    assert response.status_code == 400
    assert response["Content-Language"] == "en"


def test_form_valid_shows_the_confirmation_and_saves_nothing(client, post_validate, recipient):
    posted = post_validate()
    assert posted.status_code == 302  # post/redirect/get: a refresh does not post again
    response = client.get(posted["Location"])
    html = response.content.decode()
    assert response.status_code == 200
    assert "Confirmation d'envoi" in html
    assert 'name="action" value="confirm"' in html
    assert recipient.company_name in html
    assert not Invoice.objects.exists()
