"""My account's links and subscriptions pages: actor matrix with leaking data, query counts."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from portal.areas import Mode
from structures import access
from structures.enums import Role
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


def _render_tag(user) -> str:
    request = RequestFactory().get("/mon-compte/")
    request.user = user
    template = Template("{% load structures_tags %}{% account_structure_blocks user %}")
    return template.render(Context({"user": user, "request": request, "csrf_token": "t"}))


def test_account_blocks_no_transfer_link_for_simple_user(personas):
    html = _render_tag(personas.simple_view)

    assert "transfer-link" not in html
    assert reverse("structures:subscription_request") in html
    assert 'data-area="ISSUED" data-mode="view"' in html


def test_account_blocks_tag_renders_both_blocks(personas):
    html = _render_tag(personas.main_manager)

    assert "Mes rattachements aux structures" in html
    assert "Mes abonnements aux espaces" in html
    assert personas.structure.company_name in html
    assert reverse("structures:transfer") in html  # main manager: transfer link
    assert reverse("structures:link_request") in html
    assert reverse("structures:create") in html


def test_account_blocks_unattached_user_prompted(personas):
    html = _render_tag(personas.unattached)

    assert 'id="no-membership"' in html
    assert reverse("structures:link_request") in html


def test_account_pages_show_only_own_data(personas, leaky):
    LinkRequestFactory(requester=personas.simple_view, structure=personas.public)

    links = client_of(personas.simple_view).get(reverse("structures:my_links")).content.decode()
    subs = (
        client_of(personas.simple_view).get(reverse("structures:my_subscriptions")).content.decode()
    )

    assert personas.public.company_name in links
    assert personas.other_structure.company_name not in links + subs
    assert leaky.email not in links + subs


@pytest.mark.parametrize("name", ["my_links", "my_subscriptions"])
def test_account_blocks_constant_queries(name):
    counts = []
    for rows in (1, 3):
        user = UserFactory()
        for _ in range(rows):
            structure = StructureFactory()
            attach(user, structure, Role.USER, {"ISSUED": "view"})
            Membership.objects.get(user=user, structure=structure).services.set(
                [ServiceFactory(structure=structure)]
            )
            link_request = LinkRequestFactory(requester=user)
            link_request.services.set([ServiceFactory(structure=link_request.structure)])
            access.open_area(structure, "TO_VALIDATE", actor=None)
            SubscriptionRequestFactory(requester=user, structure=structure)
        client = client_of(user)
        client.get(reverse(f"structures:{name}"))
        counts.append(count_queries(client, reverse(f"structures:{name}")))

    assert counts[0] == counts[1]


def test_account_pages_anonymous_redirected(personas):
    for name in ("my_links", "my_subscriptions", "subscription_request"):
        result = statuses(personas, reverse(f"structures:{name}"))
        assert result.pop("anonymous") == 302
        assert set(result.values()) == {200}, name


def test_manager_sees_role_areas_in_my_subscriptions(personas):
    access.open_area(personas.structure, "TO_VALIDATE", actor=None)

    html = _render_tag(personas.secondary_manager)

    assert 'data-area="TO_VALIDATE" data-mode="change"' in html
    assert access.area_mode(personas.secondary_manager, personas.structure, "TO_VALIDATE") == (
        Mode.CHANGE
    )
