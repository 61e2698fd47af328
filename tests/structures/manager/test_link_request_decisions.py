"""Link request decisions by a manager (LNK-2): rights, mails, history."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from portal.areas import Mode
from structures import access, requests
from structures.enums import ManagerActionCode, RequestStatus, Role
from structures.models import ManagerAction, Membership
from tests.factories.structures import (
    LinkRequestFactory,
    ServiceFactory,
)
from tests.structures.members_support import client_of, outbox, statuses


def _decide_url(link_request) -> str:
    return reverse("structures:link_request_decide", args=[link_request.pk])


def test_link_request_approved_attaches_with_services_and_mails_requester(
    personas, django_capture_on_commit_callbacks
):
    service = ServiceFactory(structure=personas.structure)
    link_request = LinkRequestFactory(requester=personas.unattached, structure=personas.structure)
    link_request.services.set([service])

    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(personas.secondary_manager).post(
            _decide_url(link_request), {"decision": "approve"}
        )

    assert response.status_code == 302
    link_request.refresh_from_db()
    assert link_request.status == RequestStatus.APPROVED
    assert link_request.decided_by == personas.secondary_manager
    membership = Membership.objects.get(user=personas.unattached, structure=personas.structure)
    assert membership.role == Role.USER
    assert list(membership.services.all()) == [service]
    mail = outbox("link_request_decided", personas.unattached.email).get()
    assert personas.structure.company_name in mail.subject
    assert ManagerAction.objects.filter(
        structure=personas.structure, action=ManagerActionCode.LINK_REQUEST_APPROVED
    ).exists()


def test_link_request_approved_on_public_structure_grants_default_areas(personas):
    link_request = LinkRequestFactory(requester=personas.unattached, structure=personas.public)
    public_main = Membership.objects.get(structure=personas.public, role=Role.MAIN_MANAGER).user

    requests.decide_link_request(link_request, actor=public_main, approve=True)

    user = type(personas.unattached).objects.get(pk=personas.unattached.pk)
    assert access.area_mode(user, personas.public, "ISSUED") == Mode.CHANGE
    assert access.area_mode(user, personas.public, "RECEIVED") == Mode.CHANGE


def test_link_request_refused_requires_a_comment(personas):
    link_request = LinkRequestFactory(requester=personas.unattached, structure=personas.structure)

    response = client_of(personas.main_manager).post(
        _decide_url(link_request), {"decision": "refuse", "comment": ""}
    )

    assert response.status_code == 200
    assert "Indiquez le motif du refus." in response.content.decode()
    link_request.refresh_from_db()
    assert link_request.status == RequestStatus.PENDING


def test_link_request_refused_keeps_history_and_mails_comment(
    personas, django_capture_on_commit_callbacks
):
    link_request = LinkRequestFactory(requester=personas.unattached, structure=personas.structure)

    with django_capture_on_commit_callbacks(execute=True):
        client_of(personas.main_manager).post(
            _decide_url(link_request), {"decision": "refuse", "comment": "Inconnu du service"}
        )

    link_request.refresh_from_db()
    assert link_request.status == RequestStatus.REFUSED
    assert link_request.comment == "Inconnu du service"
    assert not Membership.objects.filter(user=personas.unattached).exists()
    mail = outbox("link_request_decided", personas.unattached.email).get()
    assert "Inconnu du service" in mail.body_text
    # The requester sees the outcome in My account.
    page = client_of(personas.unattached).get(reverse("structures:my_links")).content.decode()
    assert "Inconnu du service" in page
    assert 'data-status="REFUSEE"' in page


def test_link_request_decided_twice_changes_nothing(personas):
    link_request = LinkRequestFactory(requester=personas.unattached, structure=personas.structure)
    requests.decide_link_request(link_request, actor=personas.main_manager, approve=True)

    with pytest.raises(ValidationError):
        requests.decide_link_request(
            link_request, actor=personas.secondary_manager, approve=False, comment="Non"
        )

    link_request.refresh_from_db()
    assert link_request.status == RequestStatus.APPROVED


def test_link_request_decision_by_non_manager_refused(personas):
    link_request = LinkRequestFactory(requester=personas.unattached, structure=personas.structure)

    with pytest.raises(PermissionDenied):
        requests.decide_link_request(link_request, actor=personas.simple_change, approve=True)
    with pytest.raises(PermissionDenied):
        requests.decide_link_request(link_request, actor=personas.other_user, approve=True)

    assert not Membership.objects.filter(user=personas.unattached).exists()


def test_link_request_decide_view_actor_matrix(personas):
    link_request = LinkRequestFactory(requester=personas.unattached, structure=personas.structure)

    result = statuses(personas, _decide_url(link_request))

    assert result == {
        "anonymous": 302,
        "main_manager": 200,
        "secondary_manager": 200,
        "simple_view": 403,
        "simple_change": 403,
        "other_user": 404,  # a manager of another structure
        "public_reviewer": 403,
        "support": 403,
        "unattached": 403,
    }


def test_link_request_decide_post_by_other_manager_is_404_and_changes_nothing(personas):
    link_request = LinkRequestFactory(requester=personas.unattached, structure=personas.structure)

    response = client_of(personas.other_user).post(
        _decide_url(link_request), {"decision": "approve"}
    )

    assert response.status_code == 404
    link_request.refresh_from_db()
    assert link_request.status == RequestStatus.PENDING
