"""Demo data (DIR-5 and the demo companies): idempotent, valid, usable."""

import io
import re

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.urls import reverse

from demo import structures as demo
from portal.areas import Mode
from structures import access
from structures.enums import Role
from structures.models import Membership, Service, Structure
from structures.validators import validate_siret

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = io.StringIO()
    demo.seed(out)
    return out.getvalue()


def _snapshot() -> tuple:
    return (
        sorted(Structure.objects.values_list("identifier", "company_name", "kind", "is_active")),
        sorted(Service.objects.values_list("structure__identifier", "code")),
        sorted(Membership.objects.values_list("user__email", "structure__identifier", "role")),
    )


def test_demo_seed_twice_changes_nothing():
    _seed()
    first = _snapshot()
    _seed()
    assert _snapshot() == first


def test_demo_seed_command_runs_twice():
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    assert Structure.objects.filter(identifier=demo.STATE_SIRET).count() == 1


def test_demo_sirets_pass_the_validator():
    _seed()
    for identifier in Structure.objects.values_list("identifier", flat=True):
        assert validate_siret(identifier) == identifier


def test_demo_public_recipients_have_their_parameters_and_services():
    _seed()
    by_siret = {s.identifier: s for s in Structure.objects.all()}
    assert by_siret["12345678200028"].service_code_required
    assert by_siret["12345678200036"].engagement_required
    assert by_siret["12345678200044"].engagement_or_service_required
    none = by_siret["12345678200051"]
    assert not (none.service_code_required or none.engagement_required)
    assert set(Service.objects.values_list("code", flat=True)) == {
        "SFACETAT",
        "SERVICE_DEST_SERV_OBL",
        "SERVICE_DEST_EJ_OU_SERV_OBL",
    }


def test_demo_accounts_are_verified_and_can_log_in(client):
    output = _seed()
    emails = re.findall(r"\| (\S+@chorus-demo\.test) \| Demo-Chorus-2026 \|", output)
    assert len(emails) == len(demo.ACCOUNTS)
    for email in emails:
        assert EmailAddress.objects.get(email=email).verified
        assert client.login(username=email, password=demo.PASSWORD)


def test_demo_roles_services_and_areas():
    _seed()
    state = Structure.objects.get(identifier=demo.STATE_SIRET)
    supplier = Structure.objects.get(identifier=demo.SUPPLIER_SIRET)
    titulaire = Structure.objects.get(identifier=demo.TITULAIRE_SIRET)

    def user(login):
        return Membership.objects.get(user__email=f"{login}@chorus-demo.test").user

    assert access.is_main_manager(user("fournisseur.principal"), supplier)
    assert Membership.objects.get(user=user("fournisseur.secondaire")).role == (
        Role.SECONDARY_MANAGER
    )
    assert access.area_mode(user("fournisseur.utilisateur"), supplier, "ISSUED") == Mode.CHANGE
    assert not access.is_manager(user("fournisseur.utilisateur"), supplier)
    assert access.area_mode(user("etat.valideur"), state, "RECEIVED") == Mode.CHANGE
    restricted = Membership.objects.get(user=user("etat.service"))
    assert [s.code for s in restricted.services.all()] == ["SFACETAT"]
    assert access.is_main_manager(user("etat.gestionnaire"), state)
    assert access.is_area_open(titulaire, "TO_VALIDATE")
    assert access.has_area(user("titulaire"), titulaire, "TO_VALIDATE", Mode.CHANGE)
    assert supplier.has_billing_mandate
    assert supplier.billing_mandate_accepted_by == user("fournisseur.principal")


def test_demo_directory_lists_the_five_recipients(client):
    _seed()
    content = client.get(reverse("structures:directory")).content.decode()
    assert sorted(re.findall(r'data-identifier="(\d+)"', content)) == [
        "11000201100044",
        "12345678200028",
        "12345678200036",
        "12345678200044",
        "12345678200051",
    ]
    assert "Fournisseur Démo SARL" not in content
