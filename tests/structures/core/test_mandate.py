"""Billing mandate (MAN-1): a manager accepts it once for the structure."""

import pytest
from django.urls import reverse

from structures import billing
from structures.models import ManagerAction
from tests.structures.core.conftest import MANAGERS, NOT_MANAGERS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", MANAGERS)
def test_mandate_manager_reads_and_accepts(client, personas, persona):
    user = getattr(personas, persona)
    client.force_login(user)
    url = reverse("structures:mandate", args=[personas.structure.pk])
    page = client.get(url).content.decode()
    response = client.post(url, {"accept": "on"})
    personas.structure.refresh_from_db()
    assert 'id="mandate-text"' in page and 'id="mandate-form"' in page
    assert response.status_code == 302
    assert personas.structure.has_billing_mandate
    assert personas.structure.billing_mandate_accepted_by == user


def test_mandate_without_ticking_is_refused(client, personas):
    client.force_login(personas.main_manager)
    response = client.post(reverse("structures:mandate", args=[personas.structure.pk]), {})
    personas.structure.refresh_from_db()
    assert "Cochez la case pour accepter le mandat." in response.content.decode()
    assert not personas.structure.has_billing_mandate


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_mandate_not_manager_gets_404_and_changes_nothing(client, personas, persona):
    client.force_login(getattr(personas, persona))
    response = client.post(
        reverse("structures:mandate", args=[personas.structure.pk]), {"accept": "on"}
    )
    personas.structure.refresh_from_db()
    assert response.status_code == 404
    assert not personas.structure.has_billing_mandate


def test_accept_billing_mandate_twice_keeps_first_acceptance(personas):
    first = billing.accept_billing_mandate(personas.structure, actor=personas.main_manager)
    second = billing.accept_billing_mandate(personas.structure, actor=personas.secondary_manager)
    assert second.billing_mandate_accepted_at == first.billing_mandate_accepted_at
    assert second.billing_mandate_accepted_by == personas.main_manager
    assert ManagerAction.objects.filter(action="BILLING_MANDATE_ACCEPTED").count() == 1
