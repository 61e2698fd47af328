"""Link requests (LNK-1, LNK-2): search, request, decision, mails, history."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from portal.areas import Mode
from structures import access, memberships, requests
from structures.enums import ManagerActionCode, RequestStatus, Role
from structures.models import LinkRequest, ManagerAction, Membership
from tests.factories.accounts import UserFactory
from tests.factories.structures import (
    LinkRequestFactory,
    PublicStructureFactory,
    ServiceFactory,
    StructureFactory,
    attach,
)
from tests.structures.members_support import client_of, outbox, statuses

pytestmark = pytest.mark.django_db

URL = reverse("structures:link_request")


# --- Search (LNK-1) -------------------------------------------------------------------


def test_search_structures_partial_identifier_with_three_characters():
    structure = StructureFactory(identifier="12345678200010")
    StructureFactory(identifier="98765432100015")

    found = list(memberships.search_structures("456"))

    assert found == [structure]


def test_search_structures_two_characters_find_nothing_by_identifier():
    StructureFactory(identifier="12345678200010")

    assert list(memberships.search_structures("12")) == []


def test_search_structures_exact_company_name_only():
    structure = StructureFactory(company_name="Boulangerie Martin")
    StructureFactory(company_name="Boulangerie Martin et Fils")

    assert list(memberships.search_structures("boulangerie martin")) == [structure]
    assert list(memberships.search_structures("Boulangerie")) == []


def test_search_structures_inactive_structure_left_out():
    StructureFactory(identifier="12345678200010", is_active=False)

    assert list(memberships.search_structures("1234567820")) == []


def test_link_request_page_lists_results_with_active_services(personas):
    structure = PublicStructureFactory(company_name="Mairie de Test")
    ServiceFactory(structure=structure, code="COMPTA", name="Comptabilité")
    ServiceFactory(structure=structure, code="OLD", name="Ancien", is_active=False)

    response = client_of(personas.unattached).get(URL, {"q": "Mairie de Test"})

    body = response.content.decode()
    assert f'data-structure="{structure.pk}"' in body
    assert "COMPTA" in body
    assert "OLD —" not in body


def test_link_request_page_without_result_offers_creation(personas):
    response = client_of(personas.unattached).get(URL, {"q": "Introuvable SA"})

    assert 'id="no-result"' in response.content.decode()
    assert reverse("structures:create") in response.content.decode()


def test_link_request_page_anonymous_redirected_to_login(personas):
    result = statuses(personas, URL)

    assert result["anonymous"] == 302
    assert {code for name, code in result.items() if name != "anonymous"} == {200}


# --- Request ------------------------------------------------------------------------


def test_link_request_post_creates_requests_and_notifies_managers(
    personas, django_capture_on_commit_callbacks
):
    public = PublicStructureFactory()
    manager = UserFactory()
    attach(manager, public, Role.MAIN_MANAGER)
    service = ServiceFactory(structure=public)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(personas.unattached).post(
            URL,
            {
                "q": public.identifier,
                "structures": [personas.structure.pk, public.pk],
                "services": [service.pk],
            },
        )

    assert response.status_code == 302
    requests = LinkRequest.objects.filter(requester=personas.unattached)
    assert requests.count() == 2
    assert list(requests.get(structure=public).services.all()) == [service]
    assert not requests.get(structure=personas.structure).services.exists()
    # NOT-3: the managers of each structure are told.
    assert outbox("link_request_received", manager.notification_email).exists()
    assert outbox("link_request_received", personas.main_manager.notification_email).exists()
    assert outbox("link_request_received", personas.secondary_manager.notification_email).exists()


def test_link_request_duplicate_pending_changes_nothing(personas):
    LinkRequestFactory(requester=personas.unattached, structure=personas.structure)
    other = StructureFactory()

    response = client_of(personas.unattached).post(
        URL, {"q": "x", "structures": [personas.structure.pk, other.pk]}
    )

    assert response.status_code == 200
    assert "est déjà en attente" in response.content.decode()
    assert LinkRequest.objects.filter(requester=personas.unattached).count() == 1


def test_link_request_existing_membership_changes_nothing(personas):
    response = client_of(personas.simple_view).post(
        URL, {"q": "x", "structures": [personas.structure.pk]}
    )

    assert response.status_code == 200
    assert "Vous êtes déjà rattaché" in response.content.decode()
    assert not LinkRequest.objects.exists()


def test_link_request_inactive_structure_refused(personas):
    inactive = StructureFactory(is_active=False)

    response = client_of(personas.unattached).post(URL, {"q": "x", "structures": [inactive.pk]})

    assert response.status_code == 200
    assert not LinkRequest.objects.exists()


def test_link_request_service_of_another_structure_refused(personas):
    foreign_service = ServiceFactory(structure=personas.public)

    with pytest.raises(ValidationError):
        requests.request_links(
            actor=personas.unattached,
            structures=[personas.structure],
            services=[foreign_service],
        )
    assert not LinkRequest.objects.exists()


def test_link_request_second_pending_blocked_by_database(personas):
    LinkRequestFactory(requester=personas.unattached, structure=personas.structure)

    with pytest.raises(IntegrityError), transaction.atomic():
        LinkRequest.objects.create(requester=personas.unattached, structure=personas.structure)


# --- Decision (LNK-2) ---------------------------------------------------------------


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
