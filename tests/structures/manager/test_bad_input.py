"""Forged ids in the Manager activities pages: a clear refusal, never a 500, nothing changed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from structures.models import Membership, StructureUserObjectPermission
from tests.factories.accounts import UserFactory
from tests.factories.structures import ServiceFactory
from tests.structures.members_support import client_of

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"


@pytest.mark.parametrize("value", ["²", HUGE])
def test_subscriptions_bulk_forged_user_id_ignored(personas, value):
    url = reverse("structures:subscriptions_bulk", args=[personas.structure.pk])
    before = StructureUserObjectPermission.objects.count()

    response = client_of(personas.main_manager).post(
        url, {"users": [value], f"sub-{value}-ISSUED": "change"}
    )

    assert response.status_code == 302
    assert StructureUserObjectPermission.objects.count() == before


def test_attach_forged_structure_id_refused(personas):
    user = UserFactory()

    response = client_of(personas.main_manager).post(
        reverse("structures:attach"), {"email": user.email, "structures": [HUGE], "role": "USER"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["structures"]
    assert not Membership.objects.filter(user=user).exists()


def test_member_services_forged_service_id_refused(personas):
    ServiceFactory(structure=personas.structure)
    url = reverse("structures:member", args=[personas.structure.pk, personas.simple_view.pk])

    response = client_of(personas.main_manager).post(url, {"services": [HUGE]})

    assert response.status_code == 200
    assert response.context["form"].errors["services"]
    membership = Membership.objects.get(user=personas.simple_view, structure=personas.structure)
    assert not membership.services.exists()


@pytest.mark.parametrize(
    ("page", "expected"), [("2", "?page=2"), ("1\r\nX-Injected: 1", ""), ("abc", "")]
)
def test_subscriptions_bulk_page_number_kept_only_when_numeric(personas, page, expected):
    url = reverse("structures:subscriptions_bulk", args=[personas.structure.pk])

    response = client_of(personas.main_manager).post(url, {"page": page})

    assert response.status_code == 302
    assert response["Location"] == url + expected
