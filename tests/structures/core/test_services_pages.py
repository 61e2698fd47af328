"""Services of a structure (SRV-1): list, create, edit; managers only."""

import datetime

import pytest
from django.urls import reverse

from structures.models import ManagerAction, Service
from tests.factories.structures import ServiceFactory
from tests.structures.core.conftest import MANAGERS, NOT_MANAGERS, count_queries

pytestmark = pytest.mark.django_db


def _data(**changes) -> dict:
    data = {
        "code": "COMPTA",
        "name": "Service comptable",
        "description": "",
        "street": "",
        "address_complement": "",
        "postcode": "",
        "city": "",
        "country": "FR",
        "valid_from": "",
        "valid_until": "",
        "is_active": "on",
        "payment_status_managed": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def leak(personas):
    """A service on another structure, that must never show."""
    return ServiceFactory(structure=personas.other_structure, code="SECRET_AUTRE")


@pytest.mark.parametrize("persona", MANAGERS)
def test_services_manager_lists_own_services_only(client, personas, leak, persona):
    ServiceFactory(structure=personas.structure, code="ACHATS")
    client.force_login(getattr(personas, persona))
    content = client.get(
        reverse("structures:services", args=[personas.structure.pk])
    ).content.decode()
    assert "ACHATS" in content
    assert "SECRET_AUTRE" not in content


@pytest.mark.parametrize("persona", NOT_MANAGERS)
@pytest.mark.parametrize("name", ["services", "service_create"])
def test_services_pages_not_manager_gets_404(client, personas, leak, persona, name):
    client.force_login(getattr(personas, persona))
    response = client.get(reverse(f"structures:{name}", args=[personas.structure.pk]))
    assert response.status_code == 404


def test_services_anonymous_is_sent_to_login(client, personas):
    response = client.get(reverse("structures:services", args=[personas.structure.pk]))
    assert response.status_code == 302


@pytest.mark.parametrize("persona", MANAGERS)
def test_service_create_manager_creates_with_flags(client, personas, persona):
    client.force_login(getattr(personas, persona))
    response = client.post(
        reverse("structures:service_create", args=[personas.structure.pk]),
        _data(engagement_required="on", valid_from="2026-01-01", valid_until="2026-12-31"),
    )
    service = Service.objects.get(structure=personas.structure, code="COMPTA")
    assert response.status_code == 302
    assert service.engagement_required and service.payment_status_managed
    assert service.valid_until == datetime.date(2026, 12, 31)
    assert ManagerAction.objects.filter(action="SERVICE_CREATED", details="COMPTA").exists()


def test_service_create_duplicate_code_has_clear_message(client, personas):
    ServiceFactory(structure=personas.structure, code="COMPTA")
    client.force_login(personas.main_manager)
    response = client.post(
        reverse("structures:service_create", args=[personas.structure.pk]), _data()
    )
    assert response.status_code == 200
    assert "Le code service COMPTA existe déjà dans cette structure." in response.content.decode()
    assert Service.objects.filter(structure=personas.structure, code="COMPTA").count() == 1


def test_service_create_same_code_on_other_structure_is_fine(client, personas, leak):
    client.force_login(personas.main_manager)
    response = client.post(
        reverse("structures:service_create", args=[personas.structure.pk]),
        _data(code="SECRET_AUTRE"),
    )
    assert response.status_code == 302
    # created on the manager's structure, the other structure's service left as it was
    assert Service.objects.filter(structure=personas.structure, code="SECRET_AUTRE").exists()
    assert Service.objects.filter(code="SECRET_AUTRE").count() == 2


def test_service_create_code_over_100_characters_is_refused(client, personas):
    client.force_login(personas.main_manager)
    response = client.post(
        reverse("structures:service_create", args=[personas.structure.pk]), _data(code="C" * 101)
    )
    assert response.status_code == 200
    assert not Service.objects.filter(structure=personas.structure).exists()


def test_service_create_end_before_start_is_refused(client, personas):
    client.force_login(personas.main_manager)
    response = client.post(
        reverse("structures:service_create", args=[personas.structure.pk]),
        _data(valid_from="2026-05-01", valid_until="2026-04-01"),
    )
    assert (
        "La fin de validité ne peut pas précéder le début de validité." in response.content.decode()
    )
    assert not Service.objects.filter(structure=personas.structure).exists()


def test_service_edit_manager_updates(client, personas):
    service = ServiceFactory(structure=personas.structure, code="OLD")
    client.force_login(personas.secondary_manager)
    response = client.post(
        reverse("structures:service_edit", args=[personas.structure.pk, service.pk]),
        _data(code="NEW", is_active=None),
    )
    service.refresh_from_db()
    assert response.status_code == 302
    assert service.code == "NEW" and not service.is_active


def test_service_edit_renaming_to_existing_code_is_refused(client, personas):
    ServiceFactory(structure=personas.structure, code="TAKEN")
    service = ServiceFactory(structure=personas.structure, code="MINE")
    client.force_login(personas.main_manager)
    response = client.post(
        reverse("structures:service_edit", args=[personas.structure.pk, service.pk]),
        _data(code="TAKEN"),
    )
    service.refresh_from_db()
    assert "existe déjà" in response.content.decode()
    assert service.code == "MINE"


def test_service_edit_service_of_other_structure_through_own_id_is_404(client, personas, leak):
    client.force_login(personas.main_manager)
    url = reverse("structures:service_edit", args=[personas.structure.pk, leak.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _data(code="HACK")).status_code == 404
    leak.refresh_from_db()
    assert leak.code == "SECRET_AUTRE"


def test_service_edit_other_manager_forged_structure_id_is_404(client, personas):
    service = ServiceFactory(structure=personas.structure, code="MINE")
    client.force_login(personas.other_user)
    url = reverse("structures:service_edit", args=[personas.structure.pk, service.pk])
    assert client.post(url, _data(code="HACK")).status_code == 404
    service.refresh_from_db()
    assert service.code == "MINE"


def test_services_list_same_queries_for_1_and_3_rows(client, personas):
    client.force_login(personas.main_manager)
    url = reverse("structures:services", args=[personas.structure.pk])
    ServiceFactory(structure=personas.structure)
    one = count_queries(client, url)
    ServiceFactory.create_batch(2, structure=personas.structure)
    three = count_queries(client, url)
    assert one == three


def test_services_list_is_paginated(client, personas):
    for number in range(26):
        ServiceFactory(structure=personas.structure, code=f"S{number:02d}")
    client.force_login(personas.main_manager)
    url = reverse("structures:services", args=[personas.structure.pk])
    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    assert 'data-service="S24"' in first and 'data-service="S25"' not in first
    assert 'data-service="S25"' in second and 'data-service="S00"' not in second
