"""SIRET change (SIR-1..7): the old structure is deactivated, a copy takes the new SIRET."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from portal.areas import Mode
from structures import access, billing, identifier_change
from structures.enums import Role
from structures.models import BankAccount, Membership, OpenedArea, Structure
from tests.factories.accounts import UserFactory
from tests.factories.structures import (
    BankAccountFactory,
    ServiceFactory,
    StructureFactory,
    attach,
    make_siret,
)
from tests.structures.core.conftest import MANAGERS, NOT_MANAGERS

pytestmark = pytest.mark.django_db


def _new_nic(structure) -> str:
    """Same SIREN, another establishment (the usual case, SIR-3)."""
    while True:
        siret = make_siret(structure.identifier[:9])
        if siret != structure.identifier:
            return siret


@pytest.fixture
def rich(personas):
    """The supplier with everything SIR-4 talks about."""
    structure = personas.structure
    structure.pacage_number = "012345678"
    structure.vat_number = "FR40303265045"
    structure.service_code_required = True
    structure.is_moa = True
    structure.payment_delay_days = 45
    structure.save()
    billing.accept_billing_mandate(structure, actor=personas.main_manager)
    compta = ServiceFactory(structure=structure, code="COMPTA", engagement_required=True)
    ServiceFactory(structure=structure, code="ACHATS", is_active=False)
    BankAccountFactory(structure=structure, label="Principal", is_factor=True)
    BankAccountFactory(
        structure=structure, label="Ancien", iban="FR7610278000010002003456771", is_active=False
    )
    access.open_area(structure, "TO_VALIDATE", actor=None)
    restricted = UserFactory(email="restricted@example.test")
    membership = attach(restricted, structure, Role.USER, {"TO_VALIDATE": "view"})
    membership.services.set([compta])
    technical = UserFactory(email="tech@example.test", is_technical=True)
    attach(technical, structure, Role.USER, {"ISSUED": "change"})
    return {"structure": structure, "restricted": restricted, "technical": technical}


def test_change_siret_copies_data_services_bank_areas_members_and_subscriptions(personas, rich):
    old = rich["structure"]
    new_siret = _new_nic(old)

    new = identifier_change.change_siret(old, new_siret, actor=personas.secondary_manager)

    old.refresh_from_db()
    assert not old.is_active and old.deactivated_at is not None
    assert new.is_active and new.identifier == new_siret and new.origin == old
    assert list(old.duplicates.all()) == [new]
    # Data and recipient parameters (SIR-4).
    assert new.company_name == old.company_name and new.street == old.street
    assert new.vat_number == "FR40303265045" and new.service_code_required and new.is_moa
    assert new.payment_delay_days == 45 and new.kind == old.kind
    # Services and bank details, active or not.
    assert sorted(new.services.values_list("code", "is_active")) == [
        ("ACHATS", False),
        ("COMPTA", True),
    ]
    assert sorted(new.bank_accounts.values_list("label", "is_factor", "is_active")) == [
        ("Ancien", False, False),
        ("Principal", True, True),
    ]
    assert BankAccount.objects.filter(structure=old).count() == 2
    # Areas and memberships with roles and services.
    assert set(new.opened_areas.values_list("area", flat=True)) == set(
        old.opened_areas.values_list("area", flat=True)
    )
    roles = dict(Membership.objects.filter(structure=new).values_list("user__email", "role"))
    assert roles["main@example.test"] == Role.MAIN_MANAGER
    assert roles["secondary@example.test"] == Role.SECONDARY_MANAGER
    assert roles["view@example.test"] == Role.USER
    restricted = Membership.objects.get(structure=new, user=rich["restricted"])
    assert [s.code for s in restricted.services.all()] == ["COMPTA"]
    assert restricted.services.get().structure == new
    # Subscriptions, mode included.
    assert access.area_mode(personas.simple_view, new, "ISSUED") == Mode.VIEW
    assert access.area_mode(personas.simple_change, new, "ISSUED") == Mode.CHANGE
    assert access.area_mode(rich["restricted"], new, "TO_VALIDATE") == Mode.VIEW
    assert access.is_main_manager(personas.main_manager, new)


def test_change_siret_does_not_copy_mandate_pacage_or_technical_account(personas, rich):
    old = rich["structure"]
    new = identifier_change.change_siret(old, _new_nic(old), actor=personas.main_manager)
    old.refresh_from_db()
    assert old.has_billing_mandate and old.pacage_number == "012345678"
    assert not new.has_billing_mandate and new.billing_mandate_accepted_by is None
    assert new.pacage_number == ""
    assert not Membership.objects.filter(structure=new, user=rich["technical"]).exists()
    assert access.area_mode(rich["technical"], new, "ISSUED") is None


def test_change_siret_old_structure_keeps_its_members(personas, rich):
    """SIR-6: the old structure's invoices stay reachable by its users."""
    old = rich["structure"]
    identifier_change.change_siret(old, _new_nic(old), actor=personas.main_manager)
    assert access.membership_of(personas.simple_change, old) is not None
    assert access.area_mode(personas.simple_change, old, "ISSUED") == Mode.CHANGE


@pytest.mark.parametrize(
    ("value", "code"),
    [("1234567890123", "siret_length"), ("1234567890123A", "siret_not_digits")],
)
def test_change_siret_invalid_new_identifier_changes_nothing(personas, value, code):
    with pytest.raises(ValidationError) as caught:
        identifier_change.change_siret(personas.structure, value, actor=personas.main_manager)
    personas.structure.refresh_from_db()
    assert caught.value.error_dict["identifier"][0].code == code
    assert personas.structure.is_active
    assert Structure.objects.count() == 3


def test_change_siret_same_identifier_is_refused(personas):
    with pytest.raises(ValidationError) as caught:
        identifier_change.change_siret(
            personas.structure, personas.structure.identifier, actor=personas.main_manager
        )
    assert caught.value.error_dict["identifier"][0].code == "identifier_unchanged"


def test_change_siret_identifier_of_active_structure_is_refused(personas):
    with pytest.raises(ValidationError) as caught:
        identifier_change.change_siret(
            personas.structure, personas.other_structure.identifier, actor=personas.main_manager
        )
    personas.structure.refresh_from_db()
    assert caught.value.error_dict["identifier"][0].code == "identifier_in_use"
    assert personas.structure.is_active


def test_change_siret_identifier_of_inactive_structure_is_accepted(personas):
    inactive = StructureFactory(is_active=False)
    new = identifier_change.change_siret(
        personas.structure, inactive.identifier, actor=personas.main_manager
    )
    assert new.identifier == inactive.identifier and new.is_active


@pytest.mark.parametrize("persona", ["simple_change", "other_user", "support"])
def test_change_siret_not_manager_is_refused(personas, persona):
    with pytest.raises(PermissionDenied):
        identifier_change.change_siret(
            personas.structure, _new_nic(personas.structure), actor=getattr(personas, persona)
        )
    personas.structure.refresh_from_db()
    assert personas.structure.is_active


def test_change_siret_repeated_returns_the_same_new_structure(personas):
    siret = _new_nic(personas.structure)
    first = identifier_change.change_siret(personas.structure, siret, actor=personas.main_manager)
    second = identifier_change.change_siret(personas.structure, siret, actor=personas.main_manager)
    assert first == second
    assert Structure.objects.filter(identifier=siret).count() == 1


def test_change_siret_of_inactive_structure_to_other_value_is_refused(personas):
    identifier_change.change_siret(
        personas.structure, _new_nic(personas.structure), actor=personas.main_manager
    )
    with pytest.raises(ValidationError):
        identifier_change.change_siret(
            personas.structure, make_siret(), actor=personas.main_manager
        )


def test_change_siret_public_structure_keeps_received_open(personas):
    public = personas.public
    manager = Membership.objects.get(structure=public, role=Role.MAIN_MANAGER).user
    new = identifier_change.change_siret(public, _new_nic(public), actor=manager)
    assert OpenedArea.objects.filter(structure=new, area="RECEIVED").exists()
    assert access.area_mode(personas.public_reviewer, new, "RECEIVED") == Mode.CHANGE


# --- The wizard (SIR-2) ---------------------------------------------------------------


def _url(structure) -> str:
    return reverse("structures:siret_change", args=[structure.pk])


@pytest.mark.parametrize("persona", MANAGERS)
def test_siret_change_wizard_full_path(client, personas, persona):
    structure = personas.structure
    client.force_login(getattr(personas, persona))
    new_siret = _new_nic(structure)

    warning = client.get(_url(structure)).content.decode()
    step2 = client.post(_url(structure), {"action": "confirm"}).content.decode()
    review = client.post(
        _url(structure), {"action": "continue", "identifier": new_siret}
    ).content.decode()
    done = client.post(_url(structure), {"action": "validate", "identifier": new_siret})

    assert 'id="siret-change-warning"' in warning
    assert "le mandat de facturation, le compte utilisateur technique" in warning
    assert 'id="siret-change-identifier"' in step2
    assert 'id="siret-change-review"' in review and 'id="siren-warning"' not in review
    new = Structure.objects.get(identifier=new_siret)
    assert done.status_code == 302
    assert done["Location"] == reverse("structures:edit", args=[new.pk])
    page = client.get(done["Location"]).content.decode()
    assert "mandat de facturation" in page and "compte technique" in page  # SIR-7


def test_siret_change_wizard_bad_identifier_stays_on_step_two(client, personas):
    client.force_login(personas.main_manager)
    response = client.post(
        _url(personas.structure), {"action": "continue", "identifier": "1234567890123"}
    )
    content = response.content.decode()
    assert 'id="siret-change-identifier"' in content
    assert "Le SIRET compte 14 chiffres ; vous en avez saisi 13." in content


def test_siret_change_wizard_forged_validate_with_bad_identifier_changes_nothing(client, personas):
    client.force_login(personas.main_manager)
    response = client.post(
        _url(personas.structure),
        {"action": "validate", "identifier": personas.other_structure.identifier},
    )
    personas.structure.refresh_from_db()
    assert response.status_code == 200
    assert "Une structure active porte déjà cet identifiant" in response.content.decode()
    assert personas.structure.is_active


def test_siret_change_wizard_new_siren_needs_confirmation(client, personas):
    client.force_login(personas.main_manager)
    other_siren = make_siret("999")
    review = client.post(
        _url(personas.structure), {"action": "continue", "identifier": other_siren}
    ).content.decode()
    refused = client.post(
        _url(personas.structure), {"action": "validate", "identifier": other_siren}
    )
    assert 'id="siren-warning"' in review
    assert 'id="siret-change-review"' in refused.content.decode()
    assert not Structure.objects.filter(identifier=other_siren).exists()
    accepted = client.post(
        _url(personas.structure),
        {"action": "validate", "identifier": other_siren, "confirm_siren": "1"},
    )
    assert accepted.status_code == 302
    assert Structure.objects.filter(identifier=other_siren, is_active=True).exists()


def test_siret_change_wizard_double_validate_is_harmless(client, personas):
    client.force_login(personas.main_manager)
    siret = _new_nic(personas.structure)
    first = client.post(_url(personas.structure), {"action": "validate", "identifier": siret})
    second = client.post(_url(personas.structure), {"action": "validate", "identifier": siret})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Structure.objects.filter(identifier=siret).count() == 1


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_siret_change_not_manager_gets_404_and_changes_nothing(client, personas, persona):
    client.force_login(getattr(personas, persona))
    siret = _new_nic(personas.structure)
    response = client.post(_url(personas.structure), {"action": "validate", "identifier": siret})
    personas.structure.refresh_from_db()
    assert response.status_code == 404
    assert personas.structure.is_active
    assert not Structure.objects.filter(identifier=siret).exists()


def test_siret_change_anonymous_is_sent_to_login(client, personas):
    assert client.get(_url(personas.structure)).status_code == 302
