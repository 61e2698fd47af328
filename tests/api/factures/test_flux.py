"""API.md §6.3 `deposer/flux`, §5.8 `consulterCR`, §5.9 `consulterCRDetaille` and the
`numeroFluxDepot` criterion of `rechercher/fournisseur`: an integrator's structured flow,
from the deposit to the integrated invoice, through the flows app's services."""

from __future__ import annotations

import base64
import re

import pytest

from flows.enums import FlowState
from flows.models import Flow
from invoicing.models import Invoice
from tests.flows.helpers import invoice_xml

pytestmark = pytest.mark.django_db
CII = "IN_DP_E1_CII_16B"
UBL = "IN_DP_E1_UBL_INVOICE"


def _b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


@pytest.fixture
def deposit(world, django_capture_on_commit_callbacks):
    """POST deposer/flux and run the integration queued after commit (eager Celery)."""

    def run(content: bytes, syntax: str = CII, name: str = "flux.xml", api=None):
        with django_capture_on_commit_callbacks(execute=True):
            response = (api or world.supplier).post(
                "factures/v1/deposer/flux",
                {"fichierFlux": _b64(content), "nomFichier": name, "syntaxeFlux": syntax},
            )
        return response

    return run


def test_a_cii_flow_is_integrated_and_its_invoice_found_by_flow_number(world, deposit):
    personas = world.personas
    xml = invoice_xml(personas.structure, personas.public, number="FLUX-API-1")

    response = deposit(xml)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["codeRetour"] == 0 and body["syntaxeFlux"] == CII
    assert re.fullmatch(r"CPP\d{22}", body["numeroFluxDepot"])
    flow = Flow.objects.get(number=body["numeroFluxDepot"])
    assert flow.state == FlowState.IN_INTEGRE
    assert flow.application_code == world.connection.application.client_id
    assert flow.application_name == world.connection.name

    report = world.supplier.post(
        "transverses/v1/consulterCR", {"numeroFluxDepot": flow.number, "dateDepot": "2026-01-01"}
    ).json()
    assert report["codeRetour"] == 0
    assert report["etatCourantFlux"] == "IN_INTEGRE"
    assert report["codeAppliPartenaire"] == world.connection.application.client_id
    assert report["codeInterfaceFlux"] == "FSO1111A"
    assert base64.b64decode(report["fichierCR"]).startswith(b"%PDF")

    detailed = world.supplier.post(
        "transverses/v1/consulterCRDetaille", {"numeroFluxDepot": flow.number}
    ).json()
    assert detailed["codeRetour"] == 0
    assert detailed["nomFichier"] == f"FSO1111A_CPP001_{flow.number}"
    assert detailed["etatCourantDepotFlux"] == "IN_INTEGRE"
    assert detailed["listeErreurDP"] == [] and detailed["listeErreurTechnique"] == []

    found = world.supplier.post(
        "factures/v1/rechercher/fournisseur", {"numeroFluxDepot": flow.number}
    ).json()
    assert [row["numeroFacture"] for row in found["listeFactures"]] == ["FLUX-API-1"]
    assert found["listeFactures"][0]["numeroFluxDepot"] == flow.number
    invoice = Invoice.objects.get(number="FLUX-API-1")
    assert invoice.recipient == personas.public


def test_an_invoice_to_an_unknown_recipient_is_listed_in_the_detailed_report(world, deposit):
    personas = world.personas
    xml = invoice_xml(
        personas.structure,
        personas.public,
        syntax="UBL",
        number="FLUX-KO",
        buyer_ids=[("0009", "35600000000048")],
    )

    body = deposit(xml, syntax=UBL).json()

    detailed = world.supplier.post(
        "transverses/v1/consulterCRDetaille", {"numeroFluxDepot": body["numeroFluxDepot"]}
    ).json()
    assert detailed["codeRetour"] == 0  # the consultation succeeded; the flow is rejected
    assert detailed["etatCourantDepotFlux"] == "IN_REJETE"
    assert detailed["codeInterfaceDepotFlux"] == "FSO1110A"
    [error] = detailed["listeErreurDP"]
    assert error["numeroDP"] == "FLUX-KO" and error["libelleErreurDP"]
    assert not Invoice.objects.filter(number="FLUX-KO").exists()


def test_another_structure_sees_the_flow_as_unknown(world, deposit, other_api):
    personas = world.personas
    number = deposit(invoice_xml(personas.structure, personas.public)).json()["numeroFluxDepot"]

    for path in ("transverses/v1/consulterCR", "transverses/v1/consulterCRDetaille"):
        theirs = other_api.post(path, {"numeroFluxDepot": number})
        unknown = other_api.post(path, {"numeroFluxDepot": "CPP" + "9" * 22})
        assert theirs.status_code == unknown.status_code == 400
        assert theirs.json() == unknown.json()
        assert theirs.json()["codeRetour"] == 20000


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, 20005),
        ({"nomFichier": "f.xml", "syntaxeFlux": CII}, 20005),
        ({"fichierFlux": "@@@not base64@@@", "nomFichier": "f.xml", "syntaxeFlux": CII}, 20005),
        ({"fichierFlux": _b64(b"<x/>"), "nomFichier": "f.xml", "syntaxeFlux": "IN_DP_E3"}, 20006),
        ({"fichierFlux": _b64(b"<x/>"), "nomFichier": "f" * 201, "syntaxeFlux": CII}, 20005),
    ],
)
def test_refused_deposits_create_no_flow(world, body, code):
    response = world.supplier.post("factures/v1/deposer/flux", body)

    assert response.status_code == 400
    assert response.json()["codeRetour"] == code
    assert not Flow.objects.exists()


def test_consulter_cr_needs_the_flow_number(world):
    response = world.supplier.post("transverses/v1/consulterCR", {"syntaxeFlux": CII})

    assert response.status_code == 400 and response.json()["codeRetour"] == 20005


def test_a_flow_over_the_size_limit_answers_20001_before_decoding(world, monkeypatch):
    """FLW-9 / API.md §6.3: over 30 MB is 20001, as on the real service (bound lowered)."""
    monkeypatch.setattr("api.flux.MAX_FLOW_SIZE", 1000)
    body = {"fichierFlux": _b64(b"<x/>" * 500), "nomFichier": "f.xml", "syntaxeFlux": CII}

    response = world.supplier.post("factures/v1/deposer/flux", body)

    assert response.status_code == 400 and response.json()["codeRetour"] == 20001
    assert not Flow.objects.exists()
