"""The history of manager actions names every action in words, never by its code."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from portal.areas import AreaCode
from structures import billing, identifier_change, identity
from structures.enums import ManagerActionCode, Role
from structures.history import WHOLE_STRUCTURE, log_action
from tests.factories.accounts import UserFactory
from tests.factories.structures import make_siret
from tests.structures.members_support import client_of

pytestmark = pytest.mark.django_db


def test_history_structure_actions_shown_with_labels():
    user = UserFactory()
    structure = identity.create_private_structure(
        actor=user,
        identifier_type="SIRET",
        identifier=make_siret(),
        company_name="Atelier Test",
        street="1 rue de la Paix",
        postcode="75001",
        city="Paris",
    )
    billing.create_service(structure, actor=user, code="COMPTA", name="Comptabilité")
    billing.accept_billing_mandate(structure, actor=user)
    identifier_change.change_siret(structure, make_siret(), actor=user)

    response = client_of(user).get(reverse("structures:history"))

    html = response.content.decode()
    assert response.status_code == 200
    for code in ("STRUCTURE_CREATED", "SERVICE_CREATED", "SIRET_CHANGED"):
        assert f'data-action="{code}"' in html
    assert "STRUCTURE_CREATED</td>" not in html
    assert "SIRET_CHANGED</td>" not in html
    assert "Structure créée</td>" in html
    assert "Mandat de facturation souscrit</td>" in html
    assert "Identifiant modifié : structure désactivée</td>" in html


def test_history_every_action_code_has_a_label():
    codes = list(ManagerActionCode.values)

    assert all(str(ManagerActionCode(code).label) != code for code in codes)


def test_history_details_show_role_names_and_area_labels(personas):
    member = UserFactory()
    log_action(
        personas.structure,
        actor=personas.main_manager,
        action=ManagerActionCode.USER_ATTACHED,
        target_user=member,
        details=Role.SECONDARY_MANAGER.value,
    )
    log_action(
        personas.structure,
        actor=personas.main_manager,
        action=ManagerActionCode.AREA_OPENED,
        details=AreaCode.TO_VALIDATE,
    )
    log_action(
        personas.structure,
        actor=personas.main_manager,
        action=ManagerActionCode.SUBSCRIPTIONS_CHANGED,
        target_user=member,
        details="RECEIVED=view, COMMITMENTS=-",
    )

    html = client_of(personas.main_manager).get(reverse("structures:history")).content.decode()

    assert "<td>Gestionnaire secondaire</td>" in html
    assert "<td>Factures à valider</td>" in html
    assert "<td>Factures reçues : Consultation, Engagements : —</td>" in html
    assert "GESTIONNAIRE_SECONDAIRE" not in html
    assert "TO_VALIDATE</td>" not in html


def test_history_action_shown_in_english_for_an_english_reader(personas):
    personas.main_manager.language = "en"
    personas.main_manager.save(update_fields=["language"])
    log_action(
        personas.structure,
        actor=personas.main_manager,
        action=ManagerActionCode.AREA_OPENED,
        details=AreaCode.RECEIVED,
    )

    html = client_of(personas.main_manager).get(reverse("structures:history")).content.decode()

    assert "Espace ouvert</td>" not in html
    assert "Factures reçues</td>" not in html


def test_migration_rewrites_the_old_lowercase_codes(personas):
    migration = importlib.import_module("structures.migrations.0003_manager_action_choices")
    attached = log_action(
        personas.structure,
        actor=personas.main_manager,
        action="user_attached",
        details="Gestionnaire secondaire",
    )
    opened = log_action(personas.structure, actor=None, action="area_opened", details="RECEIVED")

    migration.forwards(django_apps, None)

    attached.refresh_from_db()
    opened.refresh_from_db()
    assert (attached.action, attached.details) == ("USER_ATTACHED", "GESTIONNAIRE_SECONDAIRE")
    assert (opened.action, opened.details) == ("AREA_OPENED", "RECEIVED")


def test_history_details_of_every_kind_are_english_for_an_english_reader(personas):
    """Issue 11: whole-structure services, changed fields and identifier types in the
    reader's language, whatever the language of the manager who did it."""
    personas.main_manager.language = "en"
    personas.main_manager.save(update_fields=["language"])
    member = UserFactory()
    log_action(
        personas.structure,
        actor=personas.main_manager,
        action=ManagerActionCode.SERVICES_CHANGED,
        target_user=member,
        details=WHOLE_STRUCTURE,
    )
    log_action(
        personas.structure,
        actor=personas.main_manager,
        action=ManagerActionCode.SERVICES_CHANGED,
        target_user=member,
        details="Toute la structure",  # a row written before the fix, by a French reader
    )
    log_action(
        personas.structure,
        actor=personas.main_manager,
        action=ManagerActionCode.STRUCTURE_UPDATED,
        details="company_name, city",
    )
    log_action(
        personas.structure,
        actor=personas.main_manager,
        action=ManagerActionCode.STRUCTURE_CREATED,
        details="UE_HORS_FRANCE BE0123456789",
    )

    html = client_of(personas.main_manager).get(reverse("structures:history")).content.decode()

    assert html.count("<td>Entire structure</td>") == 2
    assert "Toute la structure" not in html
    assert "<td>Company name, City</td>" in html
    assert "company_name" not in html
    assert "<td>European structure outside France BE0123456789</td>" in html
