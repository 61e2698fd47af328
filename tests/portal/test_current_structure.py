"""The current-structure middleware: `?structure=` is untrusted input."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory

from portal.middleware import STRUCTURE_SESSION_KEY, CurrentStructureMiddleware
from structures.enums import Role
from tests.factories.accounts import UserFactory
from tests.factories.structures import StructureFactory, attach

pytestmark = pytest.mark.django_db


def _resolve(user, query: str):
    request = RequestFactory().get("/", {"structure": query})
    request.user = user
    request.session = SessionStore()
    seen = {}

    def view(req):
        seen["structure"] = req.structure.pk if req.structure else None
        return HttpResponse()

    CurrentStructureMiddleware(view)(request)
    return seen["structure"], request.session.get(STRUCTURE_SESSION_KEY)


@pytest.mark.parametrize("value", ["²", "٣", "99999999999999999999999", "-1", "abc", ""])
def test_current_structure_bad_query_value_falls_back_to_first(value):
    user = UserFactory()
    structure = StructureFactory()
    attach(user, structure, Role.USER)

    chosen, remembered = _resolve(user, value)

    assert chosen == structure.pk
    assert remembered == structure.pk


def test_current_structure_foreign_id_ignored():
    user = UserFactory()
    own, foreign = StructureFactory(company_name="A"), StructureFactory(company_name="B")
    attach(user, own, Role.USER)

    chosen, _remembered = _resolve(user, str(foreign.pk))

    assert chosen == own.pk


def test_current_structure_own_id_chosen():
    user = UserFactory()
    first, second = StructureFactory(company_name="A"), StructureFactory(company_name="B")
    attach(user, first, Role.USER)
    attach(user, second, Role.USER)

    chosen, remembered = _resolve(user, str(second.pk))

    assert chosen == remembered == second.pk
