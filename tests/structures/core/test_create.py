"""STR-7/STR-8: a user creates a private structure and becomes its main manager."""

import pytest
from django.urls import reverse

from structures import access, identity
from structures.enums import IdentifierType, Role, StructureKind
from structures.models import ManagerAction, Membership, Structure
from tests.factories.accounts import UserFactory
from tests.factories.structures import StructureFactory, make_siret

pytestmark = pytest.mark.django_db
URL = "/structures/creer/"


def _form(identifier: str, **extra) -> dict:
    return {
        "identifier_type": IdentifierType.SIRET,
        "identifier": identifier,
        "company_name": "Nouvelle Entreprise",
        "street": "3 rue Neuve",
        "postcode": "69001",
        "city": "Lyon",
        "country": "fr",
        **extra,
    }


def test_create_url_name_resolves():
    assert reverse("structures:create") == URL


def test_create_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_create_search_unknown_identifier_offers_the_form(client):
    client.force_login(UserFactory())
    siret = make_siret()
    response = client.get(URL, {"identifier_type": "SIRET", "identifier": siret})
    content = response.content.decode()
    assert 'id="structure-create"' in content
    assert siret in content
    assert 'id="structure-exists"' not in content


def test_create_search_thirteen_digits_shows_length_error(client):
    client.force_login(UserFactory())
    response = client.get(URL, {"identifier_type": "SIRET", "identifier": "1234567890123"})
    content = response.content.decode()
    assert "Le SIRET compte 14 chiffres ; vous en avez saisi 13." in content
    assert 'id="structure-create"' not in content


def test_create_search_active_identifier_leads_to_attachment(client):
    existing = StructureFactory(company_name="Déjà Là")
    client.force_login(UserFactory())
    response = client.get(URL, {"identifier_type": "SIRET", "identifier": existing.identifier})
    content = response.content.decode()
    assert 'id="structure-exists"' in content
    assert reverse("structures:link_request") in content
    assert 'id="structure-create"' not in content


def test_create_post_makes_user_main_manager(client):
    user = UserFactory()
    client.force_login(user)
    siret = make_siret()
    response = client.post(URL, _form(siret, vat_number="FR40303265045"))
    structure = Structure.objects.get(identifier=siret)
    assert response.status_code == 302
    assert response["Location"] == reverse("structures:edit", args=[structure.pk])
    assert structure.kind == StructureKind.PRIVEE
    assert structure.country == "FR"
    assert structure.is_active
    assert Membership.objects.get(structure=structure).role == Role.MAIN_MANAGER
    assert access.is_main_manager(user, structure)
    assert access.has_area(user, structure, "MANAGER")
    assert ManagerAction.objects.filter(structure=structure, action="STRUCTURE_CREATED").exists()


def test_create_post_duplicate_active_identifier_is_refused_and_points_to_attachment(client):
    existing = StructureFactory()
    client.force_login(UserFactory())
    response = client.post(URL, _form(existing.identifier))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="structure-exists"' in content
    assert reverse("structures:link_request") in content
    assert Structure.objects.filter(identifier=existing.identifier).count() == 1


def test_create_double_submit_creates_one_structure(client):
    client.force_login(UserFactory())
    siret = make_siret()
    first = client.post(URL, _form(siret))
    second = client.post(URL, _form(siret))
    assert first.status_code == 302
    assert 'id="structure-exists"' in second.content.decode()
    assert Structure.objects.filter(identifier=siret).count() == 1


def test_create_inactive_structure_with_same_identifier_does_not_block(client):
    old = StructureFactory(is_active=False)
    user = UserFactory()
    client.force_login(user)
    response = client.post(URL, _form(old.identifier))
    assert response.status_code == 302
    new = Structure.objects.get(identifier=old.identifier, is_active=True)
    assert new.pk != old.pk
    assert access.is_main_manager(user, new)


def test_create_post_invalid_siret_changes_nothing(client):
    client.force_login(UserFactory())
    response = client.post(URL, _form("73282932000079"))
    assert "clé de contrôle" in response.content.decode()
    assert not Structure.objects.filter(identifier="73282932000079").exists()


def test_create_post_missing_address_is_refused(client):
    client.force_login(UserFactory())
    siret = make_siret()
    response = client.post(URL, _form(siret, street="", city=""))
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not Structure.objects.filter(identifier=siret).exists()


def test_create_private_structure_service_refuses_active_duplicate():
    existing = StructureFactory()
    with pytest.raises(identity.IdentifierInUse) as caught:
        identity.create_private_structure(
            actor=UserFactory(),
            identifier_type="SIRET",
            identifier=existing.identifier,
            company_name="X",
            street="1 rue",
            postcode="75001",
            city="Paris",
        )
    assert caught.value.structure == existing


def test_create_private_structure_service_normalises_identifier():
    user = UserFactory()
    structure = identity.create_private_structure(
        actor=user,
        identifier_type="SIRET",
        identifier="732 829 320 00074",
        company_name="Avec Espaces",
        street="1 rue",
        postcode="75001",
        city="Paris",
    )
    assert structure.identifier == "73282932000074"
    assert structure.siren == "732829320"
    assert structure.nic == "00074"
