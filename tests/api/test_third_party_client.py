"""Issue 12, "Done means": a third-party Chorus Pro client library, pointed at our token URL
and API base URL, runs its deposit, search and status flows unmodified.

The library is `chorus-api` (PyPI, MIT, pure Python on `requests`), written for the real
platform's PISTE gateway. Only its two base URLs change (the attributes its constructor sets
from its constants); every request it sends and every answer it reads is its own code.
"""

from __future__ import annotations

import base64

import pytest

from flows.enums import FlowState
from invoicing.enums import InvoiceStatus
from tests.flows.helpers import facturx, invoice_xml

client_module = pytest.importorskip("chorusapi.client")
syntax_module = pytest.importorskip("chorusapi.constants.syntax_flux_constant")

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def eager_celery():
    """The flow is integrated in the deposit's request, after its commit."""
    from portal.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def library(world, live_server, settings, monkeypatch):
    settings.ALLOWED_HOSTS = ["*"]
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    api = client_module.ChorusAPI(
        client_id=world.connection.application.client_id,
        client_secret=world.secret,
        tech_username=world.supplier_login,
        tech_password=world.supplier_password,
        sandbox=True,
    )
    # The only change: the token URL and the API base URL (the library appends /cpro/...).
    api.auth_url = f"{live_server.url}/api/oauth/token"
    api.api_url = live_server.url
    return api


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def test_token_health_check_and_structure_search(library, world):
    api = library.auth()
    assert api.get_token()
    assert api.health_check().body == "OK"
    public = world.personas.public
    found = api.rechercher_structure(public.identifier)
    assert found.code_retour == 0, found.libelle
    [structure] = found.liste_structures
    assert structure.identifiant_structure == public.identifier
    consulted = api.consulter_structure(structure.id_structure_cpp)
    assert consulted.code_retour == 0
    services = api.rechercher_services(structure.id_structure_cpp)
    assert services.code_retour in (0, 20000)


@pytest.mark.parametrize("syntax", ["UBL", "CII"])
def test_deposit_then_status_then_search(library, world, syntax):
    personas = world.personas
    number = f"LIB-{syntax}-1"
    xml = invoice_xml(personas.structure, personas.public, syntax=syntax, number=number)
    declared = (
        syntax_module.SyntaxFlux.IN_DP_E1_UBL_INVOICE
        if syntax == "UBL"
        else syntax_module.SyntaxFlux.IN_DP_E1_CII_16B
    )
    api = library.auth()

    deposited = api.deposer_flux(_b64(xml), f"{number}.xml", syntaxe_flux=declared)
    assert deposited.code_retour == 0, deposited.libelle
    assert deposited.numero_flux_depot.startswith("CPP")
    assert deposited.syntaxe_flux == declared

    report = api.consulter_cr(deposited.numero_flux_depot)
    assert report.code_retour == 0
    assert report.etat_courant_flux == FlowState.IN_INTEGRE
    assert report.code_appli_partenaire == world.connection.application.client_id
    assert base64.b64decode(report.fichier_cr).startswith(b"%PDF")

    detailed = api.consulter_cr_detaille(deposited.numero_flux_depot)
    assert detailed.code_retour == 0
    assert detailed.etat_courant_depot_flux == FlowState.IN_INTEGRE
    assert detailed.liste_erreur_dp == [] and detailed.liste_erreur_technique == []

    searched = api.rechercher_facture(deposited.numero_flux_depot)
    assert searched.code_retour == 0, searched.libelle
    [invoice] = searched.liste_factures
    assert invoice.numero_facture == number
    assert invoice.numero_flux_depot == deposited.numero_flux_depot
    assert invoice.statut == InvoiceStatus.MISE_A_DISPOSITION
    assert invoice.code_destinataire == personas.public.identifier


def test_default_facturx_deposit_with_an_invoice_error(library, world):
    """The library's default syntax is Factur-X; an unknown recipient is a per-invoice
    error the library reads from consulterCRDetaille."""
    personas = world.personas
    xml = invoice_xml(
        personas.structure,
        personas.public,
        number="LIB-FX-1",
        buyer_ids=[("0009", "11111111111111")],
    )
    api = library.auth()
    deposited = api.deposer_flux(_b64(facturx(xml)), "LIB-FX-1.pdf")
    assert deposited.code_retour == 0, deposited.libelle
    detailed = api.consulter_cr_detaille(deposited.numero_flux_depot)
    assert detailed.etat_courant_depot_flux == FlowState.IN_REJETE
    [error] = detailed.liste_erreur_dp
    assert error.numero_dp == "LIB-FX-1"
    assert error.identifiant_destinataire == "11111111111111"
    assert "11111111111111" in error.libelle_erreur_dP
    searched = api.rechercher_facture(deposited.numero_flux_depot)
    assert searched.code_retour == 20000 and searched.liste_factures == []
