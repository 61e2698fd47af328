"""The recipient typed directly (seed 001): its name, parameters and services shown at
once, the service code checked as it is typed (htmx fragment)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories.structures import ServiceFactory, StructureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lookup(client, actor):
    client.force_login(actor)

    def get(**params):
        response = client.get(reverse("invoicing:recipient_lookup"), params, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        return response.content.decode()

    return get


def test_lookup_known_recipient_shows_its_name_and_parameters(lookup, recipients):
    html = lookup(recipient_identifier=recipients["service_required"].identifier)
    assert "Destinataire avec service obligatoire" in html
    assert "Code service obligatoire" in html
    assert 'value="SERVICE_DEST_SERV_OBL"' in html


def test_lookup_unknown_recipient_is_flagged(lookup):
    html = lookup(recipient_identifier="12345678200099")
    assert 'id="recipient-unknown"' in html
    assert "Destinataire inconnu" in html


def test_lookup_of_a_prefix_says_the_siret_is_too_short(lookup):
    html = lookup(recipient_identifier="1100")
    assert "Le SIRET 1100 est trop court : un SIRET compte 14 chiffres (4 saisis)." in html
    assert "Destinataire inconnu" not in html
    assert "inconnu ou inactif" not in html


def test_lookup_of_the_suppliers_own_siret_says_it_cannot_invoice_itself(lookup, supplier):
    html = lookup(recipient_identifier=supplier.identifier, supplier=str(supplier.pk))
    assert "Une structure ne peut pas se facturer elle-même" in html
    assert "inconnu ou inactif" not in html


def test_lookup_of_a_structure_that_receives_nothing_says_it_is_not_a_recipient(lookup):
    private = StructureFactory()
    html = lookup(recipient_identifier=private.identifier)
    assert f"La structure {private.identifier} n&#x27;est pas une structure destinataire" in html
    assert "inconnu ou inactif" not in html


def test_lookup_checks_the_service_code_at_once(lookup, recipients):
    plain = recipients["plain"]
    assert 'id="service-ok"' in lookup(
        recipient_identifier=plain.identifier, recipient_service_code="SFACETAT"
    )
    assert "n'existe pas" in lookup(
        recipient_identifier=plain.identifier, recipient_service_code="NOPE"
    )
    ServiceFactory(structure=plain, code="CLOSED", is_active=False)
    html = lookup(recipient_identifier=plain.identifier, recipient_service_code="CLOSED")
    assert "inactif ou hors de sa période" in html
    assert 'value="CLOSED"' not in html


def test_lookup_own_structure_is_flagged(lookup, supplier):
    from structures import access

    access.open_area(supplier, "RECEIVED", actor=None)
    html = lookup(recipient_identifier=supplier.identifier, supplier=str(supplier.pk))
    assert 'id="recipient-own"' in html


def test_lookup_validator_shows_its_name(lookup, validator_structure, supplier):
    html = lookup(role="validator", validator_identifier=validator_structure.identifier)
    assert "Titulaire du marché" in html
    html = lookup(
        role="validator", validator_identifier=supplier.identifier, supplier=str(supplier.pk)
    )
    assert 'id="validator-own"' in html
