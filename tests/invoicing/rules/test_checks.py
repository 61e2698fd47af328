"""The deposit checks of DOMAIN §5.4, one test per rule: the message is at the field, with
the API code of API.md §4.4, and nothing is written."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from invoicing.enums import InvoiceStatus
from invoicing.errors import InvoiceValidationError
from invoicing.models import Invoice
from invoicing.rules import amounts, checks
from invoicing.rules import routing as routing_rules
from structures import access
from tests.factories.invoicing import InvoiceFactory
from tests.factories.structures import (
    BankAccountFactory,
    PublicStructureFactory,
    ServiceFactory,
    StructureFactory,
)
from tests.invoicing.deposit.helpers import valid_data

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def routing_error(supplier, identifier, service_code="", engagement=""):
    with pytest.raises(InvoiceValidationError) as caught:
        routing_rules.check_routing(
            supplier=supplier,
            recipient_identifier=identifier,
            service_code=service_code,
            engagement_number=engagement,
        )
    return caught.value


def invoice_error(data, actor, supplier, *, is_entry_mode=False):
    with pytest.raises(InvoiceValidationError) as caught:
        checks.check_invoice(data, actor=actor, supplier=supplier, is_entry_mode=is_entry_mode)
    return caught.value


# --- INV-3 / INV-1: who may be invoiced ---------------------------------------------------


def test_routing_unknown_recipient_is_refused_at_the_field(supplier):
    error = routing_error(supplier, "12345678200099")
    assert error.errors["recipient_identifier"] == [
        "Le destinataire 12345678200099 est inconnu ou inactif."
    ]
    assert error.codes["recipient_identifier"] == 20007


def test_routing_inactive_recipient_is_refused(supplier):
    inactive = PublicStructureFactory(is_active=False)
    error = routing_error(supplier, inactive.identifier)
    assert error.errors["recipient_identifier"] == [
        f"La structure {inactive.identifier} est inactive : elle ne reçoit plus de factures."
    ]


def test_routing_recipient_without_received_area_is_refused(supplier):
    private = StructureFactory()
    error = routing_error(supplier, private.identifier)
    assert error.codes["recipient_identifier"] == 20007
    assert error.errors["recipient_identifier"][0].startswith(
        f"La structure {private.identifier} n'est pas une structure destinataire"
    )


def test_routing_short_siret_says_it_is_too_short(supplier):
    error = routing_error(supplier, "1100")
    assert error.errors["recipient_identifier"] == [
        "Le SIRET 1100 est trop court : un SIRET compte 14 chiffres (4 saisis)."
    ]
    assert error.codes["recipient_identifier"] == 20007


def test_routing_own_siret_of_a_supplier_that_receives_nothing_says_so(supplier):
    """The supplier's own SIRET (a private structure, RECEIVED closed) is its own, not
    "unknown"."""
    error = routing_error(supplier, supplier.identifier)
    assert error.errors["recipient_identifier"] == [
        "Une structure ne peut pas se facturer elle-même : choisissez un autre destinataire."
    ]


def test_routing_own_structure_is_refused(supplier):
    access.open_area(supplier, "RECEIVED", actor=None)
    error = routing_error(supplier, supplier.identifier)
    assert "se facturer elle-même" in error.errors["recipient_identifier"][0]


def test_routing_missing_recipient_is_required(supplier):
    error = routing_error(supplier, "  ")
    assert error.errors["recipient_identifier"] == ["Le SIRET du destinataire est obligatoire."]


def test_routing_recipient_siret_with_spaces_is_found(supplier, recipients):
    plain = recipients["plain"]
    spaced = f"{plain.identifier[:3]} {plain.identifier[3:6]} {plain.identifier[6:]}"
    routing = routing_rules.check_routing(
        supplier=supplier, recipient_identifier=spaced, service_code="", engagement_number=""
    )
    assert routing.recipient == plain


# --- INV-4: recipient parameters (DIR-5) --------------------------------------------------


def test_routing_recipient_without_parameter_accepts_nothing_more(supplier, recipients):
    routing = routing_rules.check_routing(
        supplier=supplier,
        recipient_identifier=recipients["none"].identifier,
        service_code="",
        engagement_number="",
    )
    assert routing.recipient == recipients["none"]
    assert routing.recipient_service is None


def test_routing_service_required_without_service_is_refused(supplier, recipients):
    error = routing_error(supplier, recipients["service_required"].identifier)
    assert error.errors["recipient_service_code"] == [
        "Le code service est obligatoire pour ce destinataire."
    ]
    assert error.codes["recipient_service_code"] == 20008


def test_routing_service_required_with_its_service_is_accepted(supplier, recipients):
    routing = routing_rules.check_routing(
        supplier=supplier,
        recipient_identifier=recipients["service_required"].identifier,
        service_code="SERVICE_DEST_SERV_OBL",
        engagement_number="",
    )
    assert routing.recipient_service.code == "SERVICE_DEST_SERV_OBL"


def test_routing_unknown_service_code_is_refused(supplier, recipients):
    error = routing_error(supplier, recipients["plain"].identifier, service_code="NOPE")
    assert "n'existe pas" in error.errors["recipient_service_code"][0]


def test_routing_inactive_service_is_refused(supplier, recipients):
    ServiceFactory(structure=recipients["plain"], code="OLD", is_active=False)
    error = routing_error(supplier, recipients["plain"].identifier, service_code="OLD")
    assert "inactif ou hors de sa période" in error.errors["recipient_service_code"][0]


def test_routing_service_out_of_its_validity_dates_is_refused(supplier, recipients):
    ServiceFactory(
        structure=recipients["plain"],
        code="EXPIRED",
        valid_until=TODAY() - datetime.timedelta(days=1),
    )
    error = routing_error(supplier, recipients["plain"].identifier, service_code="EXPIRED")
    assert error.codes["recipient_service_code"] == 20008


def test_routing_engagement_required_by_structure_without_it_is_refused(supplier, recipients):
    error = routing_error(supplier, recipients["ej_required"].identifier)
    assert error.errors["engagement_number"] == [
        "Le numéro d'engagement est obligatoire pour ce destinataire."
    ]
    assert error.codes["engagement_number"] == 20009


def test_routing_engagement_required_by_the_chosen_service_is_refused(supplier, recipients):
    ServiceFactory(structure=recipients["plain"], code="EJ_SERV", engagement_required=True)
    error = routing_error(supplier, recipients["plain"].identifier, service_code="EJ_SERV")
    assert "obligatoire pour le service EJ_SERV" in error.errors["engagement_number"][0]


def test_routing_engagement_required_with_it_is_accepted(supplier, recipients):
    routing = routing_rules.check_routing(
        supplier=supplier,
        recipient_identifier=recipients["ej_required"].identifier,
        service_code="",
        engagement_number="EJ-1",
    )
    assert routing.recipient == recipients["ej_required"]


def test_routing_engagement_or_service_with_neither_is_refused_at_both(supplier, recipients):
    error = routing_error(supplier, recipients["either"].identifier)
    message = "Le numéro d'engagement ou le code service doit être renseigné."
    assert error.errors["engagement_number"] == [message]
    assert error.errors["recipient_service_code"] == [message]
    assert error.codes["engagement_number"] == 20010


@pytest.mark.parametrize(
    ("service_code", "engagement"), [("SERVICE_DEST_EJ_OU_SERV_OBL", ""), ("", "EJ-42")]
)
def test_routing_engagement_or_service_with_one_is_accepted(
    supplier, recipients, service_code, engagement
):
    routing = routing_rules.check_routing(
        supplier=supplier,
        recipient_identifier=recipients["either"].identifier,
        service_code=service_code,
        engagement_number=engagement,
    )
    assert routing.recipient == recipients["either"]


def test_routing_engagement_over_50_characters_is_refused(supplier, recipients):
    error = routing_error(supplier, recipients["none"].identifier, engagement="E" * 51)
    assert "50 caractères" in error.errors["engagement_number"][0]


# --- INV-1: the supplier --------------------------------------------------------------------


def test_invoice_inactive_supplier_is_refused(personas, recipient):
    supplier = personas.structure
    supplier.is_active = False
    supplier.save()
    error = invoice_error(valid_data(supplier, recipient), personas.main_manager, supplier)
    assert error.errors["supplier"] == ["La structure fournisseur est inconnue ou inactive."]
    assert error.codes["supplier"] == 20016


def test_invoice_consultation_user_is_refused(personas, recipient):
    data = valid_data(personas.structure, recipient)
    error = invoice_error(data, personas.simple_view, personas.structure)
    assert "en modification" in error.errors["supplier"][0]


def test_invoice_user_of_another_structure_is_refused(personas, recipient):
    data = valid_data(personas.structure, recipient)
    error = invoice_error(data, personas.other_user, personas.structure)
    assert error.codes["supplier"] == 20016


def test_invoice_valid_data_passes(actor, supplier, recipient):
    checked = checks.check_invoice(
        valid_data(supplier, recipient), actor=actor, supplier=supplier, is_entry_mode=False
    )
    assert checked.values["number"] == "FA-2024-0042"
    assert checked.values["amount_ttc"] == Decimal("1200.00")


# --- INV-2: frames ------------------------------------------------------------------------


def test_invoice_frame_of_a_later_phase_is_refused(actor, supplier, recipient):
    data = valid_data(supplier, recipient, frame="A3_MEMOIRE_JUSTICE")
    error = invoice_error(data, actor, supplier)
    assert "n'est pas encore disponible" in error.errors["frame"][0]
    assert error.codes["frame"] == 20006


def test_invoice_unknown_frame_is_refused(actor, supplier, recipient):
    error = invoice_error(valid_data(supplier, recipient, frame="A99"), actor, supplier)
    assert error.errors["frame"] == ["Le cadre de facturation A99 est inconnu."]


def test_invoice_short_frame_alias_is_accepted(actor, supplier, recipient):
    checked = checks.check_invoice(
        valid_data(supplier, recipient, frame="A2"),
        actor=actor,
        supplier=supplier,
        is_entry_mode=False,
    )
    assert checked.frame == "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE"


# --- INV-5: number and date ---------------------------------------------------------------


def test_invoice_missing_number_is_required(actor, supplier, recipient):
    error = invoice_error(valid_data(supplier, recipient, number=""), actor, supplier)
    assert error.errors["number"] == ["Le numéro de facture est obligatoire."]


def test_invoice_number_over_20_characters_is_refused(actor, supplier, recipient):
    error = invoice_error(valid_data(supplier, recipient, number="F" * 21), actor, supplier)
    assert "20 caractères" in error.errors["number"][0]


def test_invoice_number_with_forbidden_characters_is_refused(actor, supplier, recipient):
    error = invoice_error(valid_data(supplier, recipient, number="FA 2024*1"), actor, supplier)
    assert "lettres, des chiffres et les caractères - _ / +" in error.errors["number"][0]


def test_invoice_number_with_allowed_punctuation_is_accepted(actor, supplier, recipient):
    checks.check_invoice(
        valid_data(supplier, recipient, number="A-b_1/2+3"),
        actor=actor,
        supplier=supplier,
        is_entry_mode=False,
    )


def test_invoice_number_used_the_same_year_is_refused(actor, supplier, recipient):
    day = TODAY() - datetime.timedelta(days=1)
    InvoiceFactory(supplier=supplier, number="FA-2024-0042", invoice_date=day)
    error = invoice_error(valid_data(supplier, recipient, invoice_date=day), actor, supplier)
    assert error.errors["number"] == ["Ce numéro de facture a déjà été utilisé"]
    assert error.codes["number"] == 20011


def test_invoice_number_used_another_year_is_accepted(actor, supplier, recipient):
    InvoiceFactory(supplier=supplier, number="FA-2024-0042", invoice_date=datetime.date(2020, 6, 1))
    checks.check_invoice(
        valid_data(supplier, recipient), actor=actor, supplier=supplier, is_entry_mode=False
    )


def test_invoice_number_of_a_draft_does_not_count(actor, supplier, recipient):
    InvoiceFactory(supplier=supplier, number="FA-2024-0042", status=InvoiceStatus.BROUILLON)
    checks.check_invoice(
        valid_data(supplier, recipient), actor=actor, supplier=supplier, is_entry_mode=False
    )


def test_invoice_number_of_a_rejected_invoice_stays_used(actor, supplier, recipient):
    day = TODAY() - datetime.timedelta(days=1)
    InvoiceFactory(
        supplier=supplier, number="FA-2024-0042", invoice_date=day, status=InvoiceStatus.REJETEE
    )
    error = invoice_error(valid_data(supplier, recipient, invoice_date=day), actor, supplier)
    assert error.codes["number"] == 20011


def test_invoice_number_of_another_supplier_is_free(actor, supplier, recipient):
    InvoiceFactory(number="FA-2024-0042")
    checks.check_invoice(
        valid_data(supplier, recipient), actor=actor, supplier=supplier, is_entry_mode=False
    )


def test_invoice_date_in_the_future_is_refused(actor, supplier, recipient):
    tomorrow = TODAY() + datetime.timedelta(days=1)
    error = invoice_error(valid_data(supplier, recipient, invoice_date=tomorrow), actor, supplier)
    assert error.errors["invoice_date"] == [
        "La date de facture ne peut pas être postérieure à aujourd'hui."
    ]


def test_invoice_missing_date_is_required(actor, supplier, recipient):
    error = invoice_error(valid_data(supplier, recipient, invoice_date=None), actor, supplier)
    assert error.errors["invoice_date"] == ["La date de facture est obligatoire."]


# --- INV-6: credit notes, exemptions, payment mode ---------------------------------------


def test_invoice_credit_note_without_original_number_is_refused(actor, supplier, recipient):
    error = invoice_error(valid_data(supplier, recipient, invoice_type="AVOIR"), actor, supplier)
    assert error.errors["original_invoice_number"] == [
        "Le numéro de la facture d'origine est obligatoire pour un avoir."
    ]


def test_invoice_credit_note_ignores_the_payment_mode(actor, supplier, recipient):
    data = valid_data(
        supplier,
        recipient,
        invoice_type="AVOIR",
        original_invoice_number="FA-2023-1",
        payment_mode="",
    )
    checked = checks.check_invoice(data, actor=actor, supplier=supplier, is_entry_mode=False)
    assert checked.values["payment_mode"] == ""


def test_invoice_exemption_without_reason_is_refused(actor, supplier, recipient):
    data = valid_data(supplier, recipient, vat_type="EXONERATION")
    error = invoice_error(data, actor, supplier)
    assert error.errors["vat_exemption_reason"] == [
        "Le motif d'exonération de TVA est obligatoire pour une exonération."
    ]


def test_invoice_exemption_with_reason_is_accepted(actor, supplier, recipient):
    data = valid_data(
        supplier, recipient, vat_type="EXONERATION", vat_exemption_reason="ART_293_B_CGI"
    )
    checked = checks.check_invoice(data, actor=actor, supplier=supplier, is_entry_mode=False)
    assert checked.values["vat_exemption_reason"] == "ART_293_B_CGI"


def test_invoice_without_payment_mode_is_refused(actor, supplier, recipient):
    error = invoice_error(valid_data(supplier, recipient, payment_mode=""), actor, supplier)
    assert error.errors["payment_mode"] == [
        "Le mode de règlement est obligatoire pour une facture."
    ]


def test_invoice_unknown_currency_is_refused(actor, supplier, recipient):
    error = invoice_error(valid_data(supplier, recipient, currency="XXX"), actor, supplier)
    assert "XXX" in error.errors["currency"][0]


# --- INV-7: amounts -----------------------------------------------------------------------


def test_invoice_inconsistent_ttc_is_refused(actor, supplier, recipient):
    data = valid_data(supplier, recipient, amount_ttc=Decimal("1300.00"))
    error = invoice_error(data, actor, supplier)
    assert error.errors["amount_ttc"][0].startswith("Le montant TTC ne correspond pas")
    assert error.codes["amount_ttc"] == 20013


def test_invoice_ttc_within_one_cent_is_accepted(actor, supplier, recipient):
    data = valid_data(
        supplier, recipient, amount_ttc=Decimal("1200.01"), amount_to_pay=Decimal("1200.01")
    )
    checks.check_invoice(data, actor=actor, supplier=supplier, is_entry_mode=False)


def test_invoice_amount_to_pay_over_ttc_is_refused(actor, supplier, recipient):
    data = valid_data(supplier, recipient, amount_to_pay=Decimal("1500"))
    error = invoice_error(data, actor, supplier)
    assert error.errors["amount_to_pay"] == ["Le net à payer ne peut pas dépasser le montant TTC."]


def test_invoice_negative_amount_to_pay_is_refused(actor, supplier, recipient):
    data = valid_data(supplier, recipient, amount_to_pay=Decimal("-1"))
    error = invoice_error(data, actor, supplier)
    assert error.errors["amount_to_pay"] == ["Le net à payer ne peut pas être négatif."]


def test_invoice_discount_without_reason_is_refused(actor, supplier, recipient):
    data = valid_data(
        supplier,
        recipient,
        global_discount=Decimal("100"),
        amount_ttc=Decimal("1100"),
        amount_to_pay=Decimal("1100"),
    )
    error = invoice_error(data, actor, supplier)
    assert "motif de la remise" in error.errors["global_discount_reason"][0]


def test_invoice_discount_with_reason_is_subtracted_from_ttc(actor, supplier, recipient):
    data = valid_data(
        supplier,
        recipient,
        global_discount=Decimal("100"),
        global_discount_reason="Fidélité",
        amount_ttc=Decimal("1100"),
        amount_to_pay=Decimal("1100"),
    )
    checked = checks.check_invoice(data, actor=actor, supplier=supplier, is_entry_mode=False)
    assert checked.values["global_discount"] == Decimal("100")


def test_invoice_missing_amounts_are_required(actor, supplier, recipient):
    data = valid_data(supplier, recipient, amount_ht=None, amount_tva=None)
    error = invoice_error(data, actor, supplier)
    assert error.errors["amount_ht"] == ["Ce montant est obligatoire."]
    assert error.errors["amount_tva"] == ["Ce montant est obligatoire."]


# --- INV-8: bank details ------------------------------------------------------------------


def test_invoice_bank_details_of_another_structure_are_refused(actor, supplier, recipient):
    foreign = BankAccountFactory()
    error = invoice_error(valid_data(supplier, recipient, bank_account=foreign), actor, supplier)
    assert error.codes["bank_account"] == 20017


def test_invoice_inactive_bank_details_are_refused(actor, supplier, recipient):
    account = BankAccountFactory(structure=supplier, is_active=False)
    error = invoice_error(valid_data(supplier, recipient, bank_account=account), actor, supplier)
    assert "inconnues ou inactives" in error.errors["bank_account"][0]


def test_invoice_own_active_bank_details_are_accepted(actor, supplier, recipient, bank_account):
    checked = checks.check_invoice(
        valid_data(supplier, recipient, bank_account=bank_account),
        actor=actor,
        supplier=supplier,
        is_entry_mode=False,
    )
    assert checked.bank_account == bank_account


def test_invoice_supplier_service_of_another_structure_is_refused(actor, supplier, recipient):
    foreign = ServiceFactory()
    error = invoice_error(
        valid_data(supplier, recipient, supplier_service=foreign), actor, supplier
    )
    assert error.codes["supplier_service"] == 20016


# --- VAL-1: validator for A9 / A12 ---------------------------------------------------------


def test_invoice_a9_without_validator_is_refused(actor, supplier, recipient):
    data = valid_data(supplier, recipient, frame="A9_FACTURE_SOUSTRAITANT")
    error = invoice_error(data, actor, supplier)
    assert "obligatoire pour le cadre A9" in error.errors["validator_identifier"][0]
    assert error.codes["validator_identifier"] == 20012


def test_invoice_a12_with_validator_equal_to_supplier_is_refused(actor, supplier, recipient):
    data = valid_data(
        supplier,
        recipient,
        frame="A12_FACTURE_COTRAITANT",
        validator_identifier=supplier.identifier,
    )
    error = invoice_error(data, actor, supplier)
    assert error.errors["validator_identifier"] == [
        "La structure valideur doit être différente de la structure fournisseur."
    ]


def test_invoice_a9_with_unknown_validator_is_refused(actor, supplier, recipient):
    data = valid_data(
        supplier, recipient, frame="A9_FACTURE_SOUSTRAITANT", validator_identifier="99999999999999"
    )
    error = invoice_error(data, actor, supplier)
    assert "inconnue ou inactive" in error.errors["validator_identifier"][0]


def test_invoice_a9_validator_service_of_another_structure_is_refused(
    actor, supplier, recipient, validator_structure
):
    ServiceFactory(code="ELSEWHERE")
    data = valid_data(
        supplier,
        recipient,
        frame="A9_FACTURE_SOUSTRAITANT",
        validator_identifier=validator_structure.identifier,
        validator_service_code="ELSEWHERE",
    )
    error = invoice_error(data, actor, supplier)
    assert "n'existe pas pour la structure valideur" in error.errors["validator_service_code"][0]


def test_invoice_a9_with_valid_validator_is_accepted(
    actor, supplier, recipient, validator_structure
):
    service = ServiceFactory(structure=validator_structure, code="VALID")
    data = valid_data(
        supplier,
        recipient,
        frame="A9_FACTURE_SOUSTRAITANT",
        validator_identifier=validator_structure.identifier,
        validator_service_code="VALID",
    )
    checked = checks.check_invoice(data, actor=actor, supplier=supplier, is_entry_mode=False)
    assert checked.validator == validator_structure
    assert checked.validator_service == service


def test_invoice_a1_ignores_the_validator_fields(actor, supplier, recipient):
    data = valid_data(supplier, recipient, validator_identifier="99999999999999")
    checked = checks.check_invoice(data, actor=actor, supplier=supplier, is_entry_mode=False)
    assert checked.validator is None


# --- MAN-1 / INV-9 and entry-mode amounts ---------------------------------------------------

LINES = [
    {"designation": "Conseil", "quantity": "2", "unit_price": "500", "vat_rate": "20"},
    {"designation": "Livre", "quantity": "3", "unit_price": "10.55", "vat_rate": "5.5"},
]


def entry_data(supplier, recipient, **overrides):
    totals = amounts.compute_totals(LINES)
    values = {
        "lines": LINES,
        "amount_ht": totals["amount_ht"],
        "amount_tva": totals["amount_tva"],
        "amount_ttc": totals["amount_ttc"],
        "amount_to_pay": totals["amount_to_pay"],
        **overrides,
    }
    return valid_data(supplier, recipient, **values)


def test_entry_without_billing_mandate_is_refused(actor, supplier, recipient):
    error = invoice_error(entry_data(supplier, recipient), actor, supplier, is_entry_mode=True)
    assert "mandat de facturation" in error.errors["supplier"][0]


def test_entry_with_billing_mandate_is_accepted(actor, supplier, recipient):
    supplier.billing_mandate_accepted_at = timezone.now()
    supplier.save()
    checked = checks.check_invoice(
        entry_data(supplier, recipient), actor=actor, supplier=supplier, is_entry_mode=True
    )
    assert [line["amount_ht"] for line in checked.lines] == [Decimal("1000.00"), Decimal("31.65")]


def test_entry_vat_recap_not_matching_the_lines_is_refused(actor, supplier, recipient):
    supplier.billing_mandate_accepted_at = timezone.now()
    supplier.save()
    wrong = [{"rate": "20", "base_ht": "1000", "amount_tva": "150"}]
    data = entry_data(supplier, recipient, vat_lines=wrong)
    error = invoice_error(data, actor, supplier, is_entry_mode=True)
    assert error.codes["vat_lines"] == 20013


def test_entry_total_ht_not_matching_the_bases_is_refused(actor, supplier, recipient):
    supplier.billing_mandate_accepted_at = timezone.now()
    supplier.save()
    data = entry_data(supplier, recipient)
    data["amount_ht"] = Decimal("999")
    error = invoice_error(data, actor, supplier, is_entry_mode=True)
    assert "somme des bases" in error.errors["amount_ht"][0]


def test_entry_without_lines_is_refused(actor, supplier, recipient):
    supplier.billing_mandate_accepted_at = timezone.now()
    supplier.save()
    data = entry_data(supplier, recipient, lines=[])
    error = invoice_error(data, actor, supplier, is_entry_mode=True)
    assert error.errors["lines"] == ["Ajoutez au moins une ligne de poste."]


def test_entry_line_with_zero_quantity_is_refused(actor, supplier, recipient):
    supplier.billing_mandate_accepted_at = timezone.now()
    supplier.save()
    lines = [{"designation": "X", "quantity": "0", "unit_price": "10", "vat_rate": "20"}]
    error = invoice_error(
        entry_data(supplier, recipient, lines=lines), actor, supplier, is_entry_mode=True
    )
    assert error.errors["lines"][0].startswith("Ligne 1 : la quantité doit être positive")


def test_compute_totals_rounds_half_up_to_the_cent():
    lines = [{"designation": "A", "quantity": "1", "unit_price": "0.125", "vat_rate": "20"}]
    totals = amounts.compute_totals(lines)
    assert totals["amount_ht"] == Decimal("0.13")
    assert totals["amount_tva"] == Decimal("0.03")
    assert totals["amount_ttc"] == Decimal("0.16")


def test_compute_totals_groups_vat_by_rate():
    totals = amounts.compute_totals(LINES + [dict(LINES[0], designation="Encore")])
    assert [(v["rate"], v["base_ht"], v["amount_tva"]) for v in totals["vat_lines"]] == [
        (Decimal("5.50"), Decimal("31.65"), Decimal("1.74")),
        (Decimal("20.00"), Decimal("2000.00"), Decimal("400.00")),
    ]
    assert totals["amount_ttc"] == Decimal("2433.39")


# --- Field limits ---------------------------------------------------------------------------


def test_invoice_comment_over_2000_characters_is_refused(actor, supplier, recipient):
    error = invoice_error(valid_data(supplier, recipient, comment="x" * 2001), actor, supplier)
    assert "2000 caractères" in error.errors["comment"][0]


def test_invoice_market_number_over_50_characters_is_refused(actor, supplier, recipient):
    error = invoice_error(valid_data(supplier, recipient, market_number="M" * 51), actor, supplier)
    assert "50 caractères" in error.errors["market_number"][0]


def test_check_deposit_reports_every_broken_rule_at_once(actor, supplier):
    data = valid_data(supplier, supplier, recipient_identifier="00000000000000", number="")
    with pytest.raises(InvoiceValidationError) as caught:
        checks.check_deposit(data, actor=actor, supplier=supplier, is_entry_mode=False)
    assert {"recipient_identifier", "number"} <= set(caught.value.errors)
    assert not Invoice.objects.exists()
