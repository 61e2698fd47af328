"""SIR-1: a local authority's SIRET change goes through the support desk. Its manager's
change becomes a sollicitation to the support, which carries it out from it; any other
structure (private, or public but not a local authority) still changes it directly."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from notifications.models import ActivityEvent
from requests_app import queries, services, siret_change
from requests_app.enums import SolStatus
from structures import identifier_change
from structures.enums import Role
from structures.models import Structure
from tests.factories.accounts import UserFactory
from tests.factories.structures import PublicStructureFactory, attach, make_siret

pytestmark = pytest.mark.django_db


def _new_nic(structure) -> str:
    while True:
        siret = make_siret(structure.identifier[:9])
        if siret != structure.identifier:
            return siret


@pytest.fixture
def commune(world):
    structure = PublicStructureFactory(company_name="Commune de Démo", is_local_authority=True)
    manager = UserFactory(email="maire@example.test")
    attach(manager, structure, Role.SECONDARY_MANAGER)
    main = UserFactory(email="dgs@example.test")
    attach(main, structure, Role.MAIN_MANAGER)
    return structure, manager


def _url(structure):
    return reverse("structures:siret_change", args=[structure.pk])


def test_a_local_authority_manager_cannot_change_the_siret_directly(commune):
    structure, manager = commune
    with pytest.raises(PermissionDenied):
        identifier_change.change_siret(structure, _new_nic(structure), actor=manager)
    structure.refresh_from_db()
    assert structure.is_active and not structure.duplicates.exists()


def test_the_wizard_sends_a_sollicitation_to_the_support_instead(client, commune, world):
    structure, manager = commune
    new_siret = _new_nic(structure)
    client.force_login(manager)

    warning = client.get(_url(structure)).content.decode()
    done = client.post(_url(structure), {"action": "validate", "identifier": new_siret})

    assert 'id="siret-change-through-support"' in warning
    structure.refresh_from_db()
    assert structure.is_active and structure.identifier != new_siret
    assert not Structure.objects.filter(identifier=new_siret).exists()
    sollicitation = queries.support_queue(world.support).get()
    assert done.status_code == 302
    assert done["Location"] == reverse("requests_app:sent_detail", args=[sollicitation.pk])
    assert (sollicitation.category, sollicitation.subcategory, sollicitation.status) == (
        "GESTION_STRUCTURES_UTILISATEURS",
        "CHANGEMENT_SIRET",
        SolStatus.NOUVELLE,
    )
    assert sollicitation.sender == manager and sollicitation.sender_structure == structure
    assert sollicitation.details == {
        "structure_identifier": structure.identifier,
        "siret": new_siret,
    }
    assert ActivityEvent.objects.filter(area="SUPPORT", structure=structure).count() == 1
    # A second click does not file a second request.
    client.post(_url(structure), {"action": "validate", "identifier": new_siret})
    assert queries.support_queue(world.support).count() == 1


def test_the_request_is_checked_like_a_direct_change(commune, world):
    structure, manager = commune
    with pytest.raises(ValidationError) as refused:
        siret_change.request_siret_change(
            actor=manager, structure=structure, new_identifier=structure.identifier
        )
    assert "identifier" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        siret_change.request_siret_change(
            actor=world.supplier_user, structure=structure, new_identifier=_new_nic(structure)
        )
    with pytest.raises(services.SollicitationError):  # not a local authority: direct change
        siret_change.request_siret_change(
            actor=world.public_main, structure=world.public, new_identifier=_new_nic(world.public)
        )
    assert not queries.support_queue(world.support).exists()


def test_the_support_carries_it_out_from_the_sollicitation(client, commune, world):
    structure, manager = commune
    new_siret = _new_nic(structure)
    sollicitation = siret_change.request_siret_change(
        actor=manager, structure=structure, new_identifier=new_siret
    )
    client.force_login(world.support)
    page = client.get(reverse("requests_app:support_detail", args=[sollicitation.pk]))
    assert "Nouveau SIRET" in page.content.decode()

    client.post(reverse("requests_app:support_carry_out", args=[sollicitation.pk]))

    structure.refresh_from_db()
    new = Structure.objects.get(identifier=new_siret, is_active=True)
    assert not structure.is_active and new.origin == structure
    assert new.is_local_authority and new.memberships.filter(user=manager).exists()
    sollicitation.refresh_from_db()
    assert sollicitation.status == SolStatus.REPONDUE
    assert new_siret in sollicitation.entries.last().message


def test_other_structures_still_change_directly(world):
    public = world.public
    new = identifier_change.change_siret(public, _new_nic(public), actor=world.public_main)
    assert new.is_active and not public.__class__.objects.get(pk=public.pk).is_active
    assert not queries.support_queue(world.support).exists()


def test_the_siret_change_is_not_offered_in_the_sollicitation_form(client, world):
    client.force_login(world.supplier_user)
    page = client.get(reverse("requests_app:create")).content.decode()
    assert 'value="CHANGEMENT_SIRET"' not in page
    with pytest.raises(services.SollicitationError):
        services.create(
            actor=world.supplier_user,
            sender_structure=world.supplier,
            category="GESTION_STRUCTURES_UTILISATEURS",
            subcategory="CHANGEMENT_SIRET",
            subject="SIRET",
            message="Merci",
            details={"structure_identifier": world.supplier.identifier, "siret": "1"},
        )
