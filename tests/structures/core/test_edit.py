"""Editing a structure (STR-8/11/12/13), by its managers only (ROL-6)."""

import pytest
from django.urls import reverse

from structures import identifier_change, identity
from structures.models import ManagerAction
from tests.structures.core.conftest import MANAGERS, NOT_MANAGERS

pytestmark = pytest.mark.django_db


def _data(structure, **changes) -> dict:
    data = {
        "company_name": structure.company_name,
        "street": structure.street,
        "address_complement": "",
        "postcode": structure.postcode,
        "city": structure.city,
        "country": structure.country,
        "email": "",
        "phone": "",
        "rcs_number": "",
        "vat_number": "",
        "pacage_number": "",
        "payment_delay_days": 30,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not False}


def test_edit_anonymous_is_sent_to_login(client, personas):
    response = client.get(reverse("structures:edit", args=[personas.structure.pk]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("persona", MANAGERS)
def test_edit_manager_sees_structure_data_and_siren(client, personas, persona):
    structure = personas.structure
    client.force_login(getattr(personas, persona))
    response = client.get(reverse("structures:edit", args=[structure.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert structure.company_name in content
    assert f'<dd id="siren">{structure.identifier[:9]}</dd>' in content
    assert f'<dd id="nic">{structure.identifier[9:]}</dd>' in content
    assert reverse("structures:siret_change", args=[structure.pk]) in content


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_edit_not_manager_gets_404(client, personas, persona):
    client.force_login(getattr(personas, persona))
    response = client.get(reverse("structures:edit", args=[personas.structure.pk]))
    assert response.status_code == 404
    assert personas.structure.company_name not in response.content.decode()


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_edit_post_by_not_manager_changes_nothing(client, personas, persona):
    structure = personas.structure
    client.force_login(getattr(personas, persona))
    response = client.post(
        reverse("structures:edit", args=[structure.pk]), _data(structure, company_name="Piraté")
    )
    structure.refresh_from_db()
    assert response.status_code == 404
    assert structure.company_name == "Fournisseur Démo"


def test_edit_manager_of_a_using_b_id_gets_404(client, personas):
    """A manager of structure A forging the id of structure B."""
    client.force_login(personas.other_user)
    response = client.post(
        reverse("structures:edit", args=[personas.structure.pk]),
        _data(personas.structure, company_name="Piraté"),
    )
    personas.structure.refresh_from_db()
    assert response.status_code == 404
    assert personas.structure.company_name == "Fournisseur Démo"


@pytest.mark.parametrize("persona", MANAGERS)
def test_edit_post_manager_saves_data_parameters_and_flags(client, personas, persona):
    structure = personas.structure
    client.force_login(getattr(personas, persona))
    response = client.post(
        reverse("structures:edit", args=[structure.pk]),
        _data(
            structure,
            company_name="Fournisseur Renommé",
            vat_number="fr40303265045",
            rcs_number="RCS Paris 303 265 045",
            service_code_required="on",
            payment_status_not_reported="on",
            is_moa="on",
            not_publishable_insee="on",
            payment_delay_days=45,
        ),
    )
    structure.refresh_from_db()
    assert response.status_code == 302
    assert structure.company_name == "Fournisseur Renommé"
    assert structure.vat_number == "FR40303265045"
    assert structure.service_code_required and structure.payment_status_not_reported
    assert structure.is_moa and structure.not_publishable_insee
    assert structure.payment_delay_days == 45
    assert ManagerAction.objects.filter(structure=structure, action="STRUCTURE_UPDATED").exists()


def test_edit_post_invalid_vat_is_refused_at_the_field(client, personas):
    structure = personas.structure
    client.force_login(personas.main_manager)
    response = client.post(
        reverse("structures:edit", args=[structure.pk]),
        _data(structure, company_name="Nouveau", vat_number="FR00000000000"),
    )
    structure.refresh_from_db()
    assert response.status_code == 200
    assert "numéro de TVA intracommunautaire n&#x27;est pas valide" in response.content.decode()
    assert structure.company_name == "Fournisseur Démo"


def test_edit_post_either_parameter_combined_with_strict_one_is_refused(client, personas):
    structure = personas.structure
    client.force_login(personas.main_manager)
    response = client.post(
        reverse("structures:edit", args=[structure.pk]),
        _data(structure, engagement_or_service_required="on", engagement_required="on"),
    )
    structure.refresh_from_db()
    assert response.status_code == 200
    assert "ne se combine pas" in response.content.decode()
    assert not structure.engagement_or_service_required


def test_edit_shows_origin_and_duplicates_after_siret_change(client, personas):
    from tests.factories.structures import make_siret

    old = personas.structure
    new = identifier_change.change_siret(
        old, make_siret(old.identifier[:9]), actor=personas.main_manager
    )
    client.force_login(personas.main_manager)
    new_page = client.get(reverse("structures:edit", args=[new.pk])).content.decode()
    old_page = client.get(reverse("structures:edit", args=[old.pk])).content.decode()
    assert 'id="origin-structure"' in new_page
    assert old.identifier in new_page
    assert 'id="duplicated-structures"' in old_page
    assert new.identifier in old_page
    assert 'id="structure-inactive"' in old_page


def test_update_structure_inactive_is_refused(personas):
    structure = personas.structure
    structure.is_active = False
    structure.save()
    with pytest.raises(Exception) as caught:
        identity.update_structure(structure, actor=personas.main_manager, company_name="X")
    assert getattr(caught.value, "code", None) == "structure_inactive"


def test_update_structure_simple_user_is_refused(personas):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        identity.update_structure(
            personas.structure, actor=personas.simple_change, company_name="X"
        )
