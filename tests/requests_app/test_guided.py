"""SOL-3 / SOL-6 / ROL-4: the two guided requests, carried out by the support desk."""

from __future__ import annotations

import pytest
from django.urls import reverse

from requests_app import services
from requests_app.enums import SolStatus
from structures.enums import Role, StructureKind
from structures.models import Membership, Structure
from tests.factories.accounts import UserFactory

CREATION = {
    "legal_status": "Commune",
    "siret": "21750001600019",
    "company_name": "Commune de Démo",
    "street": "1 place de la Mairie",
    "postcode": "75001",
    "city": "Paris",
    "country": "FR",
}


def _guided(world, subcategory, details):
    return services.create(
        actor=world.supplier_user,
        sender_structure=world.supplier,
        category="GESTION_STRUCTURES_UTILISATEURS",
        subcategory=subcategory,
        subject="Demande guidée",
        message="Merci",
        details=details,
    )


def test_creation_request_requires_its_fields(world):
    with pytest.raises(services.SollicitationError) as refused:
        _guided(world, "CREATION_STRUCTURE_PUBLIQUE", {**CREATION, "city": "", "siret": "123"})
    assert "city" in refused.value.message_dict


def test_support_creates_the_public_structure_and_appoints_the_sender(client, world):
    sollicitation = _guided(world, "CREATION_STRUCTURE_PUBLIQUE", CREATION)
    client.force_login(world.support)
    page = client.get(reverse("requests_app:support_detail", args=[sollicitation.pk]))
    assert 'id="carry-out"' in page.content.decode()
    client.post(reverse("requests_app:support_carry_out", args=[sollicitation.pk]))
    structure = Structure.objects.get(identifier="21750001600019")
    assert structure.kind == StructureKind.PUBLIQUE
    assert Membership.objects.get(structure=structure).user == world.supplier_user
    assert Membership.objects.get(structure=structure).role == Role.MAIN_MANAGER
    sollicitation.refresh_from_db()
    assert sollicitation.status == SolStatus.REPONDUE
    assert "Commune de Démo" in sollicitation.entries.last().message
    # Carried out once: the second click changes nothing.
    client.post(reverse("requests_app:support_carry_out", args=[sollicitation.pk]))
    assert Structure.objects.filter(identifier="21750001600019").count() == 1


def test_support_appoints_a_new_main_manager(world):
    newcomer = UserFactory(email="sol-newcomer@example.test")
    sollicitation = _guided(
        world,
        "NOUVEAU_GESTIONNAIRE_PRINCIPAL",
        {"structure_identifier": world.public.identifier, "email": "SOL-newcomer@example.test"},
    )
    services.carry_out(sollicitation, actor=world.support)
    roles = dict(Membership.objects.filter(structure=world.public).values_list("user", "role"))
    assert roles[newcomer.pk] == Role.MAIN_MANAGER
    assert roles[world.public_main.pk] == Role.SECONDARY_MANAGER


def test_unknown_account_is_refused_at_creation(world):
    with pytest.raises(services.SollicitationError) as refused:
        _guided(
            world,
            "NOUVEAU_GESTIONNAIRE_PRINCIPAL",
            {"structure_identifier": world.public.identifier, "email": "nobody@example.test"},
        )
    assert "email" in refused.value.message_dict


def test_only_the_support_desk_carries_out(world):
    sollicitation = _guided(world, "CREATION_STRUCTURE_PUBLIQUE", CREATION)
    with pytest.raises(services.PermissionDenied):
        services.carry_out(sollicitation, actor=world.public_main)
    assert not Structure.objects.filter(identifier="21750001600019").exists()
