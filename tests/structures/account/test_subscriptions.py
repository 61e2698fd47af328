"""Subscriptions asked or taken from My account (AREA-2, AREA-4)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from notifications.models import ActivityEvent
from portal.areas import Mode
from structures import access, openings, requests
from structures.models import SubscriptionRequest
from tests.factories.accounts import UserFactory
from tests.factories.structures import attach
from tests.structures.members_support import client_of


def _fresh(user):
    return type(user).objects.get(pk=user.pk)


def _tabs(client) -> set[str]:
    return {tab["area"].code for tab in client.get(reverse("home")).context["portal_tabs"]}


ADD = reverse("structures:subscription_request")


def test_issued_self_service_add_and_remove_without_validation(personas):
    user = UserFactory()
    attach(user, personas.structure)
    client = client_of(user)
    url = reverse("structures:self_service")

    client.post(url, {"structure": personas.structure.pk, "action": "add", "mode": "change"})
    assert "ISSUED" in _tabs(client)
    client.post(url, {"structure": personas.structure.pk, "action": "remove"})

    assert "ISSUED" not in _tabs(client)
    assert not SubscriptionRequest.objects.exists()


def test_issued_self_service_other_structure_is_404(personas):
    response = client_of(personas.simple_view).post(
        reverse("structures:self_service"),
        {"structure": personas.other_structure.pk, "action": "add", "mode": "change"},
    )

    assert response.status_code == 404
    assert not access.has_area(_fresh(personas.simple_view), personas.other_structure, "ISSUED")


def test_received_cannot_be_removed_by_self_service(personas):
    with pytest.raises(ValidationError):
        openings.remove_self_service_subscription(
            actor=personas.public_reviewer, structure=personas.public, code="RECEIVED"
        )
    assert access.has_area(_fresh(personas.public_reviewer), personas.public, "RECEIVED")


def test_subscription_request_duplicate_pending_refused(personas):
    access.open_area(personas.structure, "TO_VALIDATE", actor=None)
    requests.request_subscription(
        actor=personas.simple_view, structure=personas.structure, code="TO_VALIDATE", mode="view"
    )

    with pytest.raises(ValidationError):
        requests.request_subscription(
            actor=personas.simple_view,
            structure=personas.structure,
            code="TO_VALIDATE",
            mode="change",
        )
    assert SubscriptionRequest.objects.count() == 1


def test_subscription_request_notifies_managers(personas, django_capture_on_commit_callbacks):
    access.open_area(personas.structure, "TO_VALIDATE", actor=None)

    with django_capture_on_commit_callbacks(execute=True):
        requests.request_subscription(
            actor=personas.simple_view,
            structure=personas.structure,
            code="TO_VALIDATE",
            mode="view",
        )

    event = ActivityEvent.objects.get(kind="SUBSCRIPTION_REQUEST")
    assert (event.structure, event.area, event.params["area"]) == (
        personas.structure,
        "MANAGER",
        "TO_VALIDATE",
    )


def test_subscription_request_to_area_not_opened_refused(personas):
    response = client_of(personas.simple_view).post(
        ADD, {"structure": personas.structure.pk, "area": "TO_VALIDATE", "mode": "view"}
    )

    assert response.status_code == 200
    assert "pas ouvert sur cette structure" in response.content.decode()
    assert not SubscriptionRequest.objects.exists()


def test_subscription_request_on_structure_not_attached_refused(personas):
    response = client_of(personas.simple_view).post(
        ADD, {"structure": personas.other_structure.pk, "area": "ISSUED", "mode": "view"}
    )

    assert response.status_code == 200
    assert not access.has_area(_fresh(personas.simple_view), personas.other_structure, "ISSUED")


def test_issued_through_add_subscription_form_is_immediate(personas):
    user = UserFactory()
    attach(user, personas.structure)

    client_of(user).post(
        ADD, {"structure": personas.structure.pk, "area": "ISSUED", "mode": "view"}
    )

    assert access.area_mode(_fresh(user), personas.structure, "ISSUED") == Mode.VIEW
    assert not SubscriptionRequest.objects.exists()
