"""Support staff create public structures in the Django admin (STR-9)."""

import pytest
from django.urls import reverse

from portal.areas import Mode
from structures import access
from structures.enums import Role
from structures.models import Membership, OpenedArea, Structure
from tests.factories.accounts import UserFactory, with_totp
from tests.factories.structures import StructureFactory, attach

pytestmark = pytest.mark.django_db


def _management(prefix: str, total: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _structure_post(identifier: str, **extra) -> dict:
    data = {
        "identifier_type": "SIRET",
        "identifier": identifier,
        "company_name": "Mairie de Démo",
        "kind": "PUBLIQUE",
        "is_active": "on",
        "street": "Place de la Mairie",
        "postcode": "21000",
        "city": "Dijon",
        "country": "FR",
        "payment_delay_days": "30",
        **_management("services"),
        **_management("bank_accounts"),
        **_management("memberships"),
    }
    data.update(extra)
    return data


@pytest.fixture
def admin_client(client):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    with_totp(superuser)
    client.force_login(superuser)
    return client


def test_admin_create_public_structure_opens_received_and_grants_manager(admin_client):
    manager = UserFactory(email="maire@example.test")
    data = _structure_post(
        "21210231600016",
        **_management("memberships", total=1),
        **{"memberships-0-user": str(manager.pk), "memberships-0-role": Role.MAIN_MANAGER},
    )
    response = admin_client.post(reverse("admin:structures_structure_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    structure = Structure.objects.get(identifier="21210231600016")
    assert OpenedArea.objects.filter(structure=structure, area="RECEIVED").exists()
    assert access.is_main_manager(manager, structure)
    assert access.area_mode(manager, structure, "RECEIVED") == Mode.CHANGE
    assert reverse("structures:directory_detail", args=[structure.pk])


def test_admin_create_with_invalid_siret_is_refused(admin_client):
    response = admin_client.post(
        reverse("admin:structures_structure_add"), _structure_post("21210231600017")
    )
    assert response.status_code == 200
    assert "clé de contrôle" in response.content.decode()
    assert not Structure.objects.filter(identifier="21210231600017").exists()


def test_admin_create_duplicate_active_identifier_is_refused(admin_client):
    existing = StructureFactory()
    response = admin_client.post(
        reverse("admin:structures_structure_add"), _structure_post(existing.identifier)
    )
    assert response.status_code == 200
    assert "Une structure active porte déjà cet identifiant." in response.content.decode()
    assert Structure.objects.filter(identifier=existing.identifier).count() == 1


def test_admin_open_received_action_on_public_structures(admin_client, personas):
    access.close_area(personas.public, "RECEIVED", actor=None)
    response = admin_client.post(
        reverse("admin:structures_structure_changelist"),
        {
            "action": "open_received_area",
            "_selected_action": [personas.public.pk, personas.structure.pk],
        },
    )
    assert response.status_code == 302
    assert OpenedArea.objects.filter(structure=personas.public, area="RECEIVED").exists()
    assert not OpenedArea.objects.filter(structure=personas.structure, area="RECEIVED").exists()


def test_admin_delete_membership_revokes_subscriptions(admin_client, personas):
    membership = Membership.objects.get(user=personas.simple_change, structure=personas.structure)
    response = admin_client.post(
        reverse("admin:structures_membership_delete", args=[membership.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert access.area_mode(personas.simple_change, personas.structure, "ISSUED") is None


def test_admin_close_area_removes_subscriptions(admin_client, personas):
    reviewer = UserFactory()
    attach(reviewer, personas.structure, Role.USER, {"TO_VALIDATE": "view"})
    opened = OpenedArea.objects.get(structure=personas.structure, area="TO_VALIDATE")
    response = admin_client.post(
        reverse("admin:structures_openedarea_delete", args=[opened.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert access.area_mode(reviewer, personas.structure, "TO_VALIDATE") is None


def test_admin_support_desk_creates_public_structure(client, personas):
    """STR-9: staff of the "Support" group (not superusers) create public structures."""
    client.force_login(personas.support)
    assert client.get(reverse("admin:structures_structure_add")).status_code == 200
    response = client.post(
        reverse("admin:structures_structure_add"), _structure_post("21210231600024")
    )
    structure = Structure.objects.get(identifier="21210231600024")
    assert response.status_code == 302
    assert structure.is_public
    assert OpenedArea.objects.filter(structure=structure, area="RECEIVED").exists()


def test_admin_support_desk_cannot_delete_structures(client, personas):
    client.force_login(personas.support)
    url = reverse("admin:structures_structure_delete", args=[personas.structure.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 403
    assert Structure.objects.filter(pk=personas.structure.pk).exists()  # nothing deleted


def test_admin_manager_action_history_is_read_only(admin_client, personas):
    from structures.history import log_action

    action = log_action(personas.structure, actor=personas.main_manager, action="TEST")
    url = reverse("admin:structures_manageraction_change", args=[action.pk])
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"action": "CHANGED"}).status_code == 403


def test_admin_pages_refused_to_non_staff(client, personas):
    client.force_login(personas.main_manager)
    response = client.get(reverse("admin:structures_structure_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
