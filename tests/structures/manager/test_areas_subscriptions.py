"""Areas opened on a structure and subscriptions (AREA-1..9)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from portal.areas import Mode
from structures import access, openings, requests
from structures.enums import ManagerActionCode, RequestStatus, Role
from structures.models import ManagerAction, OpenedArea, SubscriptionRequest
from tests.factories.accounts import UserFactory
from tests.factories.structures import PublicStructureFactory, SubscriptionRequestFactory, attach
from tests.structures.members_support import client_of, outbox, statuses

pytestmark = pytest.mark.django_db


def _fresh(user):
    return type(user).objects.get(pk=user.pk)


def _tabs(client) -> set[str]:
    return {tab["area"].code for tab in client.get(reverse("home")).context["portal_tabs"]}


# --- Default areas (AREA-1) ---------------------------------------------------------


def test_default_areas_public_structure_user_gets_issued_and_received():
    public = PublicStructureFactory()
    user = UserFactory()

    attach(user, public, Role.USER)

    assert access.area_mode(user, public, "ISSUED") == Mode.CHANGE
    assert access.area_mode(user, public, "RECEIVED") == Mode.CHANGE
    assert not access.has_area(user, public, "MANAGER")


def test_default_areas_private_structure_user_gets_no_invoice_area(personas):
    user = UserFactory()

    attach(user, personas.structure, Role.USER)

    assert access.area_mode(user, personas.structure, "ISSUED") is None
    assert access.area_mode(user, personas.structure, "RECEIVED") is None


def test_default_areas_managers_get_manager_area(personas):
    assert access.has_area(personas.main_manager, personas.structure, "MANAGER", Mode.CHANGE)
    assert access.has_area(personas.secondary_manager, personas.structure, "MANAGER")
    assert not access.has_area(personas.simple_change, personas.structure, "MANAGER")


def test_default_areas_everyone_gets_requests_areas(personas):
    for user in (personas.main_manager, personas.simple_view):
        assert access.has_area(user, personas.structure, "REQUESTS_SENT")
        assert access.has_area(user, personas.structure, "REQUESTS_RECEIVED")


def test_manager_tab_only_for_managers(personas):
    assert "MANAGER" in _tabs(client_of(personas.secondary_manager))
    assert "MANAGER" not in _tabs(client_of(personas.simple_change))
    assert "MANAGER" not in _tabs(client_of(personas.unattached))


# --- Opening and closing areas (AREA-3, AREA-7, AREA-9) -----------------------------


def _areas_url(structure) -> str:
    return reverse("structures:areas", args=[structure.pk])


def test_areas_page_lists_built_subscribable_areas(personas):
    page = client_of(personas.main_manager).get(_areas_url(personas.structure)).content.decode()
    page = page.split('id="areas-table"')[1]

    for code in ("ISSUED", "RECEIVED", "TO_VALIDATE", "COMMITMENTS"):
        assert f'data-area="{code}"' in page
    assert 'data-area="WORKS"' not in page  # not built: never offered
    assert 'data-area="MANAGER"' not in page


def test_areas_page_actor_matrix(personas):
    result = statuses(personas, _areas_url(personas.structure))

    assert result == {
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


def test_manager_opens_and_closes_an_area(personas):
    client = client_of(personas.secondary_manager)

    client.post(_areas_url(personas.structure), {"area": "TO_VALIDATE", "action": "open"})
    assert access.is_area_open(personas.structure, "TO_VALIDATE")
    client.post(_areas_url(personas.structure), {"area": "TO_VALIDATE", "action": "close"})

    assert not access.is_area_open(personas.structure, "TO_VALIDATE")
    assert list(
        ManagerAction.objects.filter(structure=personas.structure).values_list("action", flat=True)
    ) == [ManagerActionCode.AREA_CLOSED, ManagerActionCode.AREA_OPENED]


def test_open_area_by_other_manager_is_404(personas):
    response = client_of(personas.other_user).post(
        _areas_url(personas.structure), {"area": "TO_VALIDATE", "action": "open"}
    )

    assert response.status_code == 404
    assert not access.is_area_open(personas.structure, "TO_VALIDATE")


def test_open_area_by_simple_user_refused(personas):
    response = client_of(personas.simple_change).post(
        _areas_url(personas.structure), {"area": "TO_VALIDATE", "action": "open"}
    )

    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        openings.open_structure_area(
            personas.structure, "TO_VALIDATE", actor=personas.simple_change
        )
    assert not access.is_area_open(personas.structure, "TO_VALIDATE")


def test_issued_cannot_be_closed(personas):
    response = client_of(personas.main_manager).post(
        _areas_url(personas.structure), {"area": "ISSUED", "action": "close"}, follow=True
    )

    assert "ouvert sur toutes les structures" in response.content.decode()
    assert access.has_area(_fresh(personas.simple_view), personas.structure, "ISSUED")


def test_commitments_on_private_structure_needs_an_invoice_in_payment(personas):
    assert not openings.can_open_area(personas.structure, "COMMITMENTS")

    response = client_of(personas.main_manager).post(
        _areas_url(personas.structure), {"area": "COMMITMENTS", "action": "open"}, follow=True
    )

    assert "mise en paiement" in response.content.decode()
    assert not access.is_area_open(personas.structure, "COMMITMENTS")


def test_commitments_on_public_structure_opens_at_any_time(personas):
    public_main = personas.public.memberships.get(role=Role.MAIN_MANAGER).user

    openings.open_structure_area(personas.public, "COMMITMENTS", actor=public_main)

    assert access.is_area_open(personas.public, "COMMITMENTS")


def test_close_area_removes_subscriptions_and_pending_requests(personas):
    attach(personas.simple_view, personas.other_structure)  # unrelated structure
    access.open_area(personas.structure, "TO_VALIDATE", actor=None)
    access.grant_area(
        personas.simple_change, personas.structure, "TO_VALIDATE", Mode.VIEW, actor=None
    )
    pending = SubscriptionRequestFactory(
        requester=personas.simple_view, structure=personas.structure, area="TO_VALIDATE"
    )

    openings.close_structure_area(personas.structure, "TO_VALIDATE", actor=personas.main_manager)

    assert (
        access.area_mode(_fresh(personas.simple_change), personas.structure, "TO_VALIDATE") is None
    )
    access.open_area(personas.structure, "TO_VALIDATE", actor=None)
    # Reopening does not bring the old subscriptions back (AREA-9).
    assert (
        access.area_mode(_fresh(personas.simple_change), personas.structure, "TO_VALIDATE") is None
    )
    pending.refresh_from_db()
    assert pending.status == RequestStatus.REFUSED


# --- Requests (AREA-4) and decisions --------------------------------------------------


ADD = reverse("structures:subscription_request")


def test_subscription_request_validated_grants_area_and_tab_appears(
    personas, django_capture_on_commit_callbacks
):
    access.open_area(personas.structure, "TO_VALIDATE", actor=None)
    requester = client_of(personas.simple_view)
    requester.post(
        ADD, {"structure": personas.structure.pk, "area": "TO_VALIDATE", "mode": "change"}
    )
    request = SubscriptionRequest.objects.get()
    assert "TO_VALIDATE" not in _tabs(requester)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(personas.main_manager).post(
            reverse("structures:subscription_request_decide", args=[request.pk]),
            {"decision": "approve"},
        )

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    # AREA-8: the next page shows the tab, same session, no new login.
    assert "TO_VALIDATE" in _tabs(requester)
    assert (
        access.area_mode(_fresh(personas.simple_view), personas.structure, "TO_VALIDATE")
        == Mode.CHANGE
    )
    assert outbox("subscription_request_decided", personas.simple_view.email).exists()


def test_subscription_request_refused_keeps_history(personas, django_capture_on_commit_callbacks):
    access.open_area(personas.structure, "TO_VALIDATE", actor=None)
    request = requests.request_subscription(
        actor=personas.simple_view, structure=personas.structure, code="TO_VALIDATE", mode="view"
    )

    with django_capture_on_commit_callbacks(execute=True):
        requests.decide_subscription_request(
            request, actor=personas.secondary_manager, approve=False, comment="Pas utile"
        )

    request.refresh_from_db()
    assert (request.status, request.comment) == (RequestStatus.REFUSED, "Pas utile")
    assert access.area_mode(_fresh(personas.simple_view), personas.structure, "TO_VALIDATE") is None
    mail = outbox("subscription_request_decided", personas.simple_view.email).get()
    assert "Pas utile" in mail.body_text
    page = client_of(personas.simple_view).get(reverse("structures:my_subscriptions"))
    assert "Pas utile" in page.content.decode()


def test_subscription_decision_by_simple_user_refused(personas):
    access.open_area(personas.structure, "TO_VALIDATE", actor=None)
    request = SubscriptionRequestFactory(
        requester=personas.simple_view, structure=personas.structure, area="TO_VALIDATE"
    )

    with pytest.raises(PermissionDenied):
        requests.decide_subscription_request(request, actor=personas.simple_change, approve=True)
    url = reverse("structures:subscription_request_decide", args=[request.pk])
    assert statuses(personas, url, method="post", data={"decision": "approve"}) == {
        "anonymous": 302,
        "main_manager": 302,  # the only one that decides (first of the loop)
        "secondary_manager": 200,  # already decided: message, nothing changes
        "simple_view": 403,
        "simple_change": 403,
        "other_user": 404,
        "public_reviewer": 403,
        "support": 403,
        "unattached": 403,
    }


def test_subscription_approval_after_area_closed_refused(personas):
    access.open_area(personas.structure, "TO_VALIDATE", actor=None)
    request = SubscriptionRequestFactory(
        requester=personas.simple_view, structure=personas.structure, area="TO_VALIDATE"
    )
    OpenedArea.objects.filter(structure=personas.structure, area="TO_VALIDATE").delete()

    with pytest.raises(ValidationError):
        requests.decide_subscription_request(request, actor=personas.main_manager, approve=True)
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


# --- ISSUED self-service (AREA-2) -----------------------------------------------------


# --- Bulk subscriptions (AREA-6) ------------------------------------------------------


def _bulk_url(structure) -> str:
    return reverse("structures:subscriptions_bulk", args=[structure.pk])


def test_bulk_subscriptions_saved_in_one_go(personas):
    access.open_area(personas.structure, "TO_VALIDATE", actor=None)
    view, change = personas.simple_view, personas.simple_change

    response = client_of(personas.secondary_manager).post(
        _bulk_url(personas.structure),
        {
            "users": [view.pk, change.pk],
            f"sub-{view.pk}-ISSUED": "change",
            f"sub-{view.pk}-TO_VALIDATE": "view",
            f"sub-{change.pk}-ISSUED": "",
        },
    )

    assert response.status_code == 302
    assert access.area_mode(_fresh(view), personas.structure, "ISSUED") == Mode.CHANGE
    assert access.area_mode(_fresh(view), personas.structure, "TO_VALIDATE") == Mode.VIEW
    assert access.area_mode(_fresh(change), personas.structure, "ISSUED") is None
    assert ManagerAction.objects.filter(action=ManagerActionCode.SUBSCRIPTIONS_CHANGED).count() == 2


def test_bulk_subscriptions_area_not_opened_changes_nothing(personas):
    view = personas.simple_view

    response = client_of(personas.main_manager).post(
        _bulk_url(personas.structure),
        {"users": [view.pk], f"sub-{view.pk}-ISSUED": "", f"sub-{view.pk}-TO_VALIDATE": "view"},
        follow=True,
    )

    assert "pas ouvert sur cette structure" in response.content.decode()
    # The whole grid was refused: ISSUED was not removed either.
    assert access.area_mode(_fresh(view), personas.structure, "ISSUED") == Mode.VIEW


def test_bulk_subscriptions_foreign_user_changes_nothing(personas):
    foreign = personas.other_user

    with pytest.raises(ValidationError):
        openings.set_subscriptions(
            personas.structure, {foreign.pk: {"ISSUED": "change"}}, actor=personas.main_manager
        )
    assert not access.has_area(_fresh(foreign), personas.structure, "ISSUED")


def test_bulk_page_actor_matrix(personas):
    result = statuses(personas, _bulk_url(personas.structure))

    assert result["main_manager"] == result["secondary_manager"] == 200
    assert result["other_user"] == 404
    assert {result[name] for name in ("simple_view", "simple_change", "support", "unattached")} == {
        403
    }
    assert result["anonymous"] == 302


def test_bulk_page_lists_simple_users_only(personas):
    page = client_of(personas.main_manager).get(_bulk_url(personas.structure)).content.decode()
    page = page.split('id="bulk-table"')[1]

    assert f'data-user="{personas.simple_view.pk}"' in page
    assert f'data-user="{personas.secondary_manager.pk}"' not in page
    assert f'data-user="{personas.other_user.pk}"' not in page


# --- The request's user: one statement (issue 10) -------------------------------------


def test_the_request_user_holdings_are_one_query_and_match_the_batch_read(
    personas, django_assert_num_queries
):
    from structures.holdings import holdings_of, service_scopes_of, user_rows
    from structures.models import StructureUserObjectPermission
    from tests.factories.structures import ServiceFactory

    user = UserFactory()
    attach(user, personas.structure, Role.USER, areas={"ISSUED": "view", "TO_VALIDATE": "change"})
    restricted = attach(user, personas.public, Role.USER)
    restricted.services.add(ServiceFactory(structure=personas.public))
    restricted.services.add(ServiceFactory(structure=personas.public))
    attach(user, personas.other_structure, Role.SECONDARY_MANAGER)
    # A subscription left on an area that is not opened there gives nothing (AREA-9).
    StructureUserObjectPermission.objects.create(
        user=user,
        content_object=personas.public,
        permission=access._permission("COMMITMENTS", Mode.VIEW),
    )
    # A subscription left on a structure the user has left gives nothing either.
    StructureUserObjectPermission.objects.create(
        user=user,
        content_object=PublicStructureFactory(),
        permission=access._permission("RECEIVED", Mode.CHANGE),
    )
    user = _fresh(user)

    with django_assert_num_queries(1):
        rows = user_rows(user)
        held = holdings_of([user], rows=rows)[user.pk]
        scopes = access.service_scope(
            user, [personas.structure.pk, personas.public.pk, personas.other_structure.pk]
        )

    assert held == holdings_of([user.pk])[user.pk]
    assert set(held) == {personas.structure.pk, personas.public.pk, personas.other_structure.pk}
    assert scopes == service_scopes_of([user.pk])[user.pk]
    assert held[personas.structure.pk]["ISSUED"] == Mode.VIEW
    assert held[personas.structure.pk]["TO_VALIDATE"] == Mode.CHANGE
    assert "COMMITMENTS" not in held[personas.public.pk]
    assert held[personas.other_structure.pk]["MANAGER"] == Mode.CHANGE
    assert len(scopes[personas.public.pk]) == 2
    assert scopes[personas.other_structure.pk] is None
