"""Link requests from My account (LNK-1): search, request, managers notified."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from notifications.models import ActivityEvent
from structures import memberships, requests
from structures.enums import Role
from structures.models import LinkRequest
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
    # NOT-3: the managers of each structure are told, in their activity digest.
    events = ActivityEvent.objects.filter(kind="LINK_REQUEST", area="MANAGER")
    assert sorted(events.values_list("structure_id", flat=True)) == sorted(
        [personas.structure.pk, public.pk]
    )
    assert not outbox("link_request_received", manager.notification_email).exists()
    message = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == ["2 demandes de rattachement envoyées aux gestionnaires."]


def test_link_request_of_one_structure_says_it_in_the_singular(personas):
    response = client_of(personas.unattached).post(
        URL, {"q": "x", "structures": [personas.structure.pk]}
    )
    message = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == ["1 demande de rattachement envoyée aux gestionnaires."]


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
