"""Manager activities pages: actor matrix with leaking data, query counts."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from structures import access
from structures.enums import ManagerActionCode, Role
from structures.history import log_action
from structures.models import Membership
from tests.factories.accounts import UserFactory
from tests.factories.structures import (
    LinkRequestFactory,
    ServiceFactory,
    StructureFactory,
    SubscriptionRequestFactory,
    attach,
)
from tests.structures.members_support import client_of, count_queries, statuses

pytestmark = pytest.mark.django_db

MANAGER_ONLY = {
    "anonymous": 302,
    "main_manager": 200,
    "secondary_manager": 200,
    "simple_view": 403,
    "simple_change": 403,
    "other_user": 404,
    "public_reviewer": 403,
    "support": 403,
    "unattached": 403,
}


@pytest.fixture
def leaky(personas):
    """Requests and history on the other structure, which must never show on ours."""
    secret = UserFactory(email="secret-requester@example.test")
    LinkRequestFactory(requester=secret, structure=personas.other_structure)
    access.open_area(personas.other_structure, "TO_VALIDATE", actor=None)
    attach(secret, personas.other_structure)
    SubscriptionRequestFactory(requester=secret, structure=personas.other_structure)
    log_action(personas.other_structure, actor=personas.other_user, action="secret_action")
    return secret


@pytest.mark.parametrize("name", ["members", "members_csv", "areas", "subscriptions_bulk"])
def test_structure_pages_actor_matrix(personas, name):
    url = reverse(f"structures:{name}", args=[personas.structure.pk])

    assert statuses(personas, url) == MANAGER_ONLY


def test_member_page_actor_matrix(personas):
    url = reverse("structures:member", args=[personas.structure.pk, personas.simple_view.pk])

    assert statuses(personas, url) == MANAGER_ONLY


def test_member_of_another_structure_is_404(personas):
    url = reverse("structures:member", args=[personas.structure.pk, personas.other_user.pk])

    assert client_of(personas.main_manager).get(url).status_code == 404


@pytest.mark.parametrize("name", ["manager", "history", "attach", "duplicate"])
def test_manager_pages_actor_matrix(personas, name):
    result = statuses(personas, reverse(f"structures:{name}"))

    assert result == {**MANAGER_ONLY, "other_user": 200}


def test_dashboard_shows_only_own_structures_data(personas, leaky):
    LinkRequestFactory(requester=personas.unattached, structure=personas.structure)
    log_action(
        personas.structure,
        actor=personas.main_manager,
        action=ManagerActionCode.AREA_OPENED,
        details="X",
    )

    page = client_of(personas.secondary_manager).get(reverse("structures:manager")).content.decode()

    assert personas.unattached.email in page
    assert leaky.email not in page
    assert "secret_action" not in page
    assert personas.other_structure.company_name not in page
    assert reverse("structures:edit", args=[personas.structure.pk]) in page
    assert reverse("structures:members", args=[personas.structure.pk]) in page


def test_dashboard_other_manager_does_not_see_our_requests(personas):
    LinkRequestFactory(requester=personas.unattached, structure=personas.structure)

    page = client_of(personas.other_user).get(reverse("structures:manager")).content.decode()

    assert personas.unattached.email not in page


def test_history_page_only_own_structures(personas, leaky):
    log_action(
        personas.structure, actor=personas.main_manager, action=ManagerActionCode.USER_DETACHED
    )

    page = client_of(personas.main_manager).get(reverse("structures:history")).content.decode()

    assert "Utilisateur détaché" in page
    assert "secret_action" not in page


def test_members_page_shows_roles_services_subscriptions(personas):
    service = ServiceFactory(structure=personas.structure, code="ACHATS")
    Membership.objects.get(user=personas.simple_view, structure=personas.structure).services.set(
        [service]
    )

    page = (
        client_of(personas.main_manager)
        .get(reverse("structures:members", args=[personas.structure.pk]))
        .content.decode()
    )

    assert personas.simple_view.email in page
    assert "ACHATS" in page
    assert 'data-role="GESTIONNAIRE_PRINCIPAL"' in page
    assert personas.other_user.email not in page
    assert "Nommer gestionnaire secondaire" in page


def test_members_page_secondary_manager_has_no_role_buttons(personas):
    page = (
        client_of(personas.secondary_manager)
        .get(reverse("structures:members", args=[personas.structure.pk]))
        .content.decode()
    )

    assert "Nommer gestionnaire secondaire" not in page


def test_members_csv_lists_users_and_subscriptions(personas):
    response = client_of(personas.main_manager).get(
        reverse("structures:members_csv", args=[personas.structure.pk])
    )

    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert rows[0][0] == "Adresse de connexion"
    by_email = {row[0]: row for row in rows[1:]}
    assert set(by_email) == {
        personas.main_manager.email,
        personas.secondary_manager.email,
        personas.simple_view.email,
        personas.simple_change.email,
    }
    assert by_email[personas.simple_view.email][5] == "ISSUED:view"
    assert "attachment" in response["Content-Disposition"]


def test_member_services_changed(personas):
    service = ServiceFactory(structure=personas.structure)
    url = reverse("structures:member", args=[personas.structure.pk, personas.simple_view.pk])

    client_of(personas.secondary_manager).post(url, {"services": [service.pk]})

    membership = Membership.objects.get(user=personas.simple_view, structure=personas.structure)
    assert list(membership.services.all()) == [service]


def test_member_services_of_another_structure_refused(personas):
    foreign = ServiceFactory(structure=personas.public)
    url = reverse("structures:member", args=[personas.structure.pk, personas.simple_view.pk])

    response = client_of(personas.main_manager).post(url, {"services": [foreign.pk]})

    assert response.status_code == 200
    membership = Membership.objects.get(user=personas.simple_view, structure=personas.structure)
    assert not membership.services.exists()


# --- Query counts: the same for 1 and 3 rows ---------------------------------------------


def _add_members(structure, count: int):
    access.open_area(structure, "TO_VALIDATE", actor=None)
    for _ in range(count):
        user = UserFactory()
        attach(user, structure, Role.USER, {"ISSUED": "view", "TO_VALIDATE": "change"})
        user_membership = Membership.objects.get(user=user, structure=structure)
        user_membership.services.set([ServiceFactory(structure=structure)])


@pytest.mark.parametrize("name", ["members", "members_csv", "subscriptions_bulk"])
def test_members_lists_constant_queries(name):
    one, three = StructureFactory(), StructureFactory()
    counts = []
    for structure, extra in ((one, 1), (three, 3)):
        manager = UserFactory()
        attach(manager, structure, Role.MAIN_MANAGER)
        _add_members(structure, extra)
        client = client_of(manager)
        url = reverse(f"structures:{name}", args=[structure.pk])
        client.get(url)  # warm the session
        counts.append(count_queries(client, url))

    assert counts[0] == counts[1]


def test_dashboard_pending_lists_constant_queries():
    counts = []
    for rows in (1, 3):
        structure = StructureFactory()
        manager = UserFactory()
        attach(manager, structure, Role.MAIN_MANAGER)
        access.open_area(structure, "TO_VALIDATE", actor=None)
        for _ in range(rows):
            link_request = LinkRequestFactory(structure=structure)
            link_request.services.set([ServiceFactory(structure=structure)])
            member = UserFactory()
            attach(member, structure)
            SubscriptionRequestFactory(requester=member, structure=structure)
            log_action(
                structure, actor=manager, action=ManagerActionCode.AREA_OPENED, target_user=member
            )
        client = client_of(manager)
        client.get(reverse("structures:manager"))
        counts.append(count_queries(client, reverse("structures:manager")))

    assert counts[0] == counts[1]


# --- My account blocks ---------------------------------------------------------------------
