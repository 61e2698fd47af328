"""Roles (ROL-2), direct attachment (LNK-3), detachment (LNK-5), duplication (LNK-4)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from portal.areas import Mode
from structures import access, memberships, requests
from structures.enums import ManagerActionCode, RequestStatus, Role
from structures.models import ManagerAction, Membership
from tests.factories.accounts import UserFactory
from tests.factories.structures import (
    LinkRequestFactory,
    ServiceFactory,
    StructureFactory,
    attach,
)
from tests.structures.members_support import client_of, statuses

pytestmark = pytest.mark.django_db

TRANSFER = reverse("structures:transfer")


def _role(user, structure) -> str:
    return Membership.objects.get(user=user, structure=structure).role


def _fresh(user):
    """The same account as a new request would load it (no cached rights)."""
    return type(user).objects.get(pk=user.pk)


# --- Transfer of the main-manager role (ROL-3) ----------------------------------------


def test_transfer_to_inactive_account_refused(personas):
    inactive = UserFactory(is_active=False)

    response = client_of(personas.main_manager).post(
        TRANSFER, {"structure": personas.structure.pk, "email": inactive.email, "confirm": "1"}
    )

    assert "Aucun compte actif" in response.content.decode()
    assert _role(personas.main_manager, personas.structure) == Role.MAIN_MANAGER
    assert not Membership.objects.filter(user=inactive).exists()


def test_transfer_structure_of_someone_else_refused(personas):
    response = client_of(personas.other_user).post(
        TRANSFER,
        {"structure": personas.structure.pk, "email": personas.other_user.email, "confirm": "1"},
    )

    assert response.status_code == 200
    assert _role(personas.main_manager, personas.structure) == Role.MAIN_MANAGER


def test_transfer_page_actor_matrix(personas):
    result = statuses(personas, TRANSFER)

    assert result == {
        "anonymous": 302,
        "main_manager": 200,
        "secondary_manager": 403,
        "simple_view": 403,
        "simple_change": 403,
        "other_user": 200,  # main manager of their own structure only
        "public_reviewer": 403,
        "support": 403,
        "unattached": 403,
    }


def test_transfer_page_offers_only_own_structures(personas):
    page = client_of(personas.other_user).get(TRANSFER).content.decode()

    assert personas.other_structure.company_name in page
    assert personas.structure.company_name not in page


def test_transfer_user_search_needs_three_characters(personas):
    page = client_of(personas.main_manager).get(TRANSFER, {"search": "ch"}).content.decode()

    assert "Saisissez au moins 3 caractères." in page
    assert personas.simple_change.email not in page


def test_second_main_manager_impossible_in_database(personas):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(user=personas.secondary_manager).update(role=Role.MAIN_MANAGER)


def test_attach_as_main_manager_refused(personas):
    with pytest.raises(ValidationError):
        memberships.attach_user(
            actor=personas.main_manager,
            user=personas.unattached,
            structures=[personas.structure],
            role=Role.MAIN_MANAGER,
        )


# --- Secondary managers (ROL-2) -------------------------------------------------------


def test_main_manager_appoints_and_removes_secondary(personas):
    client = client_of(personas.main_manager)
    url = reverse("structures:set_role", args=[personas.structure.pk, personas.simple_view.pk])

    client.post(url, {"appoint": "1"})
    assert _role(personas.simple_view, personas.structure) == Role.SECONDARY_MANAGER
    client.post(url, {"appoint": "0"})
    assert _role(personas.simple_view, personas.structure) == Role.USER
    assert ManagerAction.objects.filter(action=ManagerActionCode.SECONDARY_APPOINTED).count() == 1
    assert ManagerAction.objects.filter(action=ManagerActionCode.SECONDARY_REMOVED).count() == 1


def test_secondary_manager_cannot_appoint_secondary(personas):
    url = reverse("structures:set_role", args=[personas.structure.pk, personas.simple_view.pk])

    response = client_of(personas.secondary_manager).post(url, {"appoint": "1"})

    assert response.status_code == 403
    assert _role(personas.simple_view, personas.structure) == Role.USER
    with pytest.raises(PermissionDenied):
        memberships.set_secondary_manager(
            personas.structure, personas.simple_view, actor=personas.secondary_manager, appoint=True
        )


def test_main_manager_role_not_changed_by_set_role(personas):
    with pytest.raises(ValidationError):
        memberships.set_secondary_manager(
            personas.structure, personas.main_manager, actor=personas.main_manager, appoint=False
        )
    assert _role(personas.main_manager, personas.structure) == Role.MAIN_MANAGER


def test_set_role_other_structure_is_404(personas):
    url = reverse("structures:set_role", args=[personas.structure.pk, personas.simple_view.pk])

    response = client_of(personas.other_user).post(url, {"appoint": "1"})

    assert response.status_code == 404
    assert _role(personas.simple_view, personas.structure) == Role.USER


# --- Detachment (LNK-5) -------------------------------------------------------------


def test_detach_removes_access_immediately(personas, client):
    client.force_login(personas.simple_change)
    assert client.get(reverse("home")).context["portal_tabs"]
    url = reverse("structures:detach", args=[personas.structure.pk, personas.simple_change.pk])

    response = client_of(personas.secondary_manager).post(url)

    assert response.status_code == 302
    assert not Membership.objects.filter(user=personas.simple_change).exists()
    assert not access.has_area(_fresh(personas.simple_change), personas.structure, "ISSUED")
    codes = {tab["area"].code for tab in client.get(reverse("home")).context["portal_tabs"]}
    assert "ISSUED" not in codes
    assert ManagerAction.objects.filter(action=ManagerActionCode.USER_DETACHED).exists()


def test_detach_refuses_pending_subscription_requests(personas):
    access.open_area(personas.structure, "TO_VALIDATE", actor=None)
    request = requests.request_subscription(
        actor=personas.simple_view, structure=personas.structure, code="TO_VALIDATE", mode="view"
    )

    memberships.detach_user(personas.structure, personas.simple_view, actor=personas.main_manager)

    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED


def test_main_manager_cannot_be_detached(personas):
    url = reverse("structures:detach", args=[personas.structure.pk, personas.main_manager.pk])

    response = client_of(personas.secondary_manager).post(url, follow=True)

    assert "abord transférer son rôle" in response.content.decode()
    assert _role(personas.main_manager, personas.structure) == Role.MAIN_MANAGER
    with pytest.raises(ValidationError):
        memberships.detach_user(
            personas.structure, personas.main_manager, actor=personas.main_manager
        )


def test_secondary_manager_cannot_detach_another_manager(personas):
    other_secondary = UserFactory()
    attach(other_secondary, personas.structure, Role.SECONDARY_MANAGER)

    with pytest.raises(PermissionDenied):
        memberships.detach_user(
            personas.structure, other_secondary, actor=personas.secondary_manager
        )
    memberships.detach_user(personas.structure, other_secondary, actor=personas.main_manager)
    assert not Membership.objects.filter(user=other_secondary).exists()


def test_detach_matrix(personas):
    for name in ("simple_change", "other_user", "public_reviewer", "support", "unattached"):
        user = getattr(personas, name)
        url = reverse("structures:detach", args=[personas.structure.pk, personas.simple_view.pk])
        status = client_of(user).post(url).status_code
        assert status in (403, 404), name
    assert Membership.objects.filter(user=personas.simple_view).exists()
    assert client_of().post(url).status_code == 302


# --- Direct attachment (LNK-3) ------------------------------------------------------


def test_attach_to_several_structures_at_once(personas):
    second = StructureFactory()
    attach(personas.main_manager, second, Role.SECONDARY_MANAGER)
    service = ServiceFactory(structure=second)
    LinkRequestFactory(requester=personas.unattached, structure=second)

    response = client_of(personas.main_manager).post(
        reverse("structures:attach"),
        {
            "email": personas.unattached.email.upper(),
            "structures": [personas.structure.pk, second.pk],
            "role": Role.USER,
            "services": [service.pk],
        },
    )

    assert response.status_code == 302
    assert _role(personas.unattached, personas.structure) == Role.USER
    membership = Membership.objects.get(user=personas.unattached, structure=second)
    assert list(membership.services.all()) == [service]
    # The pending request is answered by the attachment.
    assert not personas.unattached.link_requests.filter(status=RequestStatus.PENDING).exists()
    assert ManagerAction.objects.filter(action=ManagerActionCode.USER_ATTACHED).count() == 2


def _attach_answer(personas, email):
    client = client_of(personas.main_manager)
    response = client.post(
        reverse("structures:attach"),
        {"email": email, "structures": [personas.structure.pk], "role": Role.USER},
        follow=True,
    )
    return [str(m) for m in response.context["messages"]], response


def test_attach_answers_the_same_whether_the_account_exists_or_not(personas):
    """Issue 9: the attach form must not tell who has an account on the portal."""
    inactive = UserFactory(is_active=False, email="inactive@example.test")

    unknown, _ = _attach_answer(personas, "nobody@example.test")
    pending, _ = _attach_answer(personas, inactive.email)
    known, _ = _attach_answer(personas, personas.unattached.email)

    def shape(messages, email):
        return [m.replace(email, "<address>") for m in messages]

    assert shape(unknown, "nobody@example.test") == shape(known, personas.unattached.email)
    assert shape(pending, inactive.email) == shape(known, personas.unattached.email)
    assert "Aucun compte actif" not in " ".join(unknown)
    assert _role(personas.unattached, personas.structure) == Role.USER
    assert not Membership.objects.filter(user=inactive).exists()


def test_transfer_search_lists_only_accounts_of_the_managed_structures(personas):
    stranger = UserFactory(email="charlie.stranger@example.test", last_name="Charlie")
    colleague = personas.simple_change  # attached to the managed structure
    colleague.last_name = "Charlie"
    colleague.save()

    page = client_of(personas.main_manager).get(TRANSFER, {"search": "charlie"}).content.decode()

    assert colleague.email in page
    assert stranger.email not in page


def test_transfer_to_an_unlisted_account_by_exact_address_still_works(personas):
    stranger = UserFactory(email="stranger@example.test")

    response = client_of(personas.main_manager).post(
        TRANSFER, {"structure": personas.structure.pk, "email": stranger.email, "confirm": "1"}
    )

    assert response.status_code == 302
    assert _role(stranger, personas.structure) == Role.MAIN_MANAGER


def test_attach_structure_not_managed_is_refused(personas):
    response = client_of(personas.main_manager).post(
        reverse("structures:attach"),
        {
            "email": personas.unattached.email,
            "structures": [personas.other_structure.pk],
            "role": Role.USER,
        },
    )

    assert response.status_code == 200
    assert not Membership.objects.filter(user=personas.unattached).exists()


def test_attach_secondary_manager_by_secondary_refused(personas):
    response = client_of(personas.secondary_manager).post(
        reverse("structures:attach"),
        {
            "email": personas.unattached.email,
            "structures": [personas.structure.pk],
            "role": Role.SECONDARY_MANAGER,
        },
    )

    assert "Seul le gestionnaire principal" in response.content.decode()
    assert not Membership.objects.filter(user=personas.unattached).exists()


def test_attach_already_attached_changes_nothing(personas):
    with pytest.raises(ValidationError):
        memberships.attach_user(
            actor=personas.main_manager,
            user=personas.simple_view,
            structures=[personas.structure],
        )
    assert _role(personas.simple_view, personas.structure) == Role.USER


# --- Duplication des droits (LNK-4) ---------------------------------------------------


def test_duplicate_rights_limited_to_managed_structures(personas):
    access.open_area(personas.structure, "TO_VALIDATE", actor=None)
    service = ServiceFactory(structure=personas.structure)
    source = UserFactory()
    attach(source, personas.structure, Role.USER, {"TO_VALIDATE": "change", "ISSUED": "view"})
    Membership.objects.get(user=source, structure=personas.structure).services.set([service])
    attach(source, personas.other_structure, Role.USER, {"ISSUED": "change"})
    target = UserFactory()

    response = client_of(personas.secondary_manager).post(
        reverse("structures:duplicate"),
        {"source_email": source.email, "target_email": target.email},
    )

    assert response.status_code == 302
    membership = Membership.objects.get(user=target, structure=personas.structure)
    assert membership.role == Role.USER
    assert list(membership.services.all()) == [service]
    fresh = _fresh(target)
    assert access.area_mode(fresh, personas.structure, "TO_VALIDATE") == Mode.CHANGE
    assert access.area_mode(fresh, personas.structure, "ISSUED") == Mode.VIEW
    assert not Membership.objects.filter(user=target, structure=personas.other_structure).exists()


def test_duplicate_rights_never_copies_a_manager_role(personas):
    target = UserFactory()

    memberships.duplicate_rights(
        actor=personas.main_manager, source=personas.secondary_manager, target=target
    )

    assert _role(target, personas.structure) == Role.USER


def test_duplicate_rights_source_outside_managed_structures_refused(personas):
    target = UserFactory()

    response = client_of(personas.main_manager).post(
        reverse("structures:duplicate"),
        {"source_email": personas.other_user.email, "target_email": target.email},
    )

    assert response.status_code == 200
    assert "aucune des structures que vous gérez" in response.content.decode()
    assert not Membership.objects.filter(user=target).exists()
