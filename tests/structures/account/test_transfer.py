"""Transfer of the main-manager role from My account (ROL-3)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from structures import access, memberships
from structures.enums import ManagerActionCode, Role
from structures.models import ManagerAction, Membership
from tests.factories.accounts import UserFactory
from tests.factories.structures import (
    StructureFactory,
    attach,
)
from tests.structures.members_support import client_of

TRANSFER = reverse("structures:transfer")


def _role(user, structure) -> str:
    return Membership.objects.get(user=user, structure=structure).role


def _fresh(user):
    """The same account as a new request would load it (no cached rights)."""
    return type(user).objects.get(pk=user.pk)


def test_transfer_by_secondary_manager_refused(personas):
    with pytest.raises(PermissionDenied):
        memberships.transfer_main_role(
            personas.structure, actor=personas.secondary_manager, new_main=personas.simple_view
        )
    assert client_of(personas.secondary_manager).get(TRANSFER).status_code == 403
    response = client_of(personas.secondary_manager).post(
        TRANSFER,
        {"structure": personas.structure.pk, "email": personas.simple_view.email, "confirm": "1"},
    )
    assert response.status_code == 403
    assert _role(personas.main_manager, personas.structure) == Role.MAIN_MANAGER


@pytest.mark.django_db(transaction=True)
def test_transfer_concurrent_requests_only_one_wins(postgresql):
    import threading

    from django.db import connection

    structure = StructureFactory()
    main, first, second = UserFactory(), UserFactory(), UserFactory()
    attach(main, structure, Role.MAIN_MANAGER)
    barrier = threading.Barrier(2)
    results = []

    def transfer_to(target):
        try:
            barrier.wait()
            memberships.transfer_main_role(structure, actor=main, new_main=target)
            results.append("transferred")
        except PermissionDenied:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=transfer_to, args=(user,)) for user in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["refused", "transferred"]
    assert Membership.objects.filter(structure=structure, role=Role.MAIN_MANAGER).count() == 1
    assert _role(main, structure) == Role.SECONDARY_MANAGER


def test_transfer_four_steps_former_main_becomes_secondary(personas):
    client = client_of(personas.main_manager)
    # Step 1: My account → "Mes rattachements aux structures" → transfer icon.
    links = client.get(reverse("structures:my_links")).content.decode()
    assert f"{TRANSFER}?structure={personas.structure.pk}" in links
    # Step 2: choose the structure.
    page = client.get(TRANSFER, {"structure": personas.structure.pk}).content.decode()
    assert f'value="{personas.structure.pk}" selected' in page
    # Step 3: designate the new main manager (search, then choose).
    found = client.get(
        TRANSFER, {"structure": personas.structure.pk, "search": "change@exa"}
    ).content.decode()
    assert personas.simple_change.email in found
    data = {"structure": personas.structure.pk, "email": personas.simple_change.email}
    confirmation = client.post(TRANSFER, data)
    assert 'id="transfer-confirm"' in confirmation.content.decode()
    assert _role(personas.main_manager, personas.structure) == Role.MAIN_MANAGER
    # Step 4: Valider.
    response = client.post(TRANSFER, {**data, "confirm": "1"})

    assert response.status_code == 302
    assert _role(personas.simple_change, personas.structure) == Role.MAIN_MANAGER
    assert _role(personas.main_manager, personas.structure) == Role.SECONDARY_MANAGER
    assert (
        ManagerAction.objects.filter(action=ManagerActionCode.MAIN_MANAGER_TRANSFERRED).count() == 1
    )


def test_transfer_to_unactivated_account_refused(personas):
    pending = UserFactory(verified=False)

    with pytest.raises(ValidationError):
        memberships.transfer_main_role(
            personas.structure, actor=personas.main_manager, new_main=pending
        )
    assert _role(personas.main_manager, personas.structure) == Role.MAIN_MANAGER


def test_transfer_to_unattached_active_account_attaches_it(personas):
    memberships.transfer_main_role(
        personas.structure, actor=personas.main_manager, new_main=personas.unattached
    )

    assert _role(personas.unattached, personas.structure) == Role.MAIN_MANAGER
    assert _role(personas.main_manager, personas.structure) == Role.SECONDARY_MANAGER
    assert access.has_area(_fresh(personas.unattached), personas.structure, "MANAGER")


def test_transfer_search_with_a_nul_byte_finds_nothing(client, personas):
    # Issue 9: PostgreSQL refuses a NUL byte in a query (a 500 before).
    client.force_login(personas.main_manager)
    response = client.get(TRANSFER, {"search": "a\x00b"})
    assert response.status_code == 200
    assert response.context["found"] is None
