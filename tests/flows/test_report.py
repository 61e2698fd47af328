"""API.md §5.8 / §5.9 and FLW-10: the compte rendu's fields, exactly as the API answers."""

from __future__ import annotations

import base64
import re

import pytest

from flows.enums import FlowChannel
from flows.report import flow_report
from flows.services import deposit_flow, flow_for_number, invoices_of_flow
from invoicing.models import Invoice
from tests.flows.helpers import invoice_xml, upload
from tests.invoicing import samples

pytestmark = pytest.mark.django_db
ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$")


@pytest.fixture
def partial_flow(actor, supplier, recipient, django_capture_on_commit_callbacks):
    lot = samples.zip_lot(
        {
            "a.xml": invoice_xml(supplier, recipient, number="CR-1"),
            "b.xml": invoice_xml(
                supplier, recipient, number="CR-2", buyer_ids=[("0009", "11000201100036")]
            ),
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        flow = deposit_flow(
            actor=actor,
            structure=supplier,
            uploaded_file=upload(lot, "lot.zip"),
            syntax="IN_DP_E1_CII_16B",
            channel=FlowChannel.API,
            application_code="client-42",
            application_name="Mon ERP",
        )
    flow.refresh_from_db()
    return flow


def test_consulter_cr_fields(partial_flow):
    data = flow_report(partial_flow)

    assert set(data) == {
        "numeroFluxDepot",
        "nomFichierFlux",
        "codeAppliPartenaire",
        "designationPartenaire",
        "codeInterfaceFlux",
        "dateDepotFlux",
        "dateHeureEtatCourantFlux",
        "etatCourantFlux",
        "fichierCR",
    }
    assert data["numeroFluxDepot"] == partial_flow.number
    assert (data["nomFichierFlux"], data["codeAppliPartenaire"]) == ("lot.zip", "client-42")
    assert (data["designationPartenaire"], data["codeInterfaceFlux"]) == ("Mon ERP", "FSO1111A")
    assert data["etatCourantFlux"] == "IN_INTEGRE_PARTIEL"
    assert ISO_MS.match(data["dateDepotFlux"]) and ISO_MS.match(data["dateHeureEtatCourantFlux"])
    assert base64.b64decode(data["fichierCR"]).startswith(b"%PDF-")


def test_consulter_cr_detaille_fields(partial_flow):
    data = flow_report(partial_flow, detailed=True)

    assert data["nomFichier"] == f"FSO1111A_CPP001_{partial_flow.number}"
    assert data["codeInterfaceDepotFlux"] == "FSO1111A"
    assert data["etatCourantDepotFlux"] == "IN_INTEGRE_PARTIEL"
    assert data["listeErreurTechnique"] == []
    assert data["listeErreurDP"] == [
        {
            "identifiantDestinataire": "11000201100036",
            "identifiantFournisseur": partial_flow.structure.identifier,
            "numeroDP": "CR-2",
            "libelleErreurDP": "Le destinataire 11000201100036 est inconnu ou inactif.",
        }
    ]


def test_portal_flow_reports_the_portal_as_partner(actor, supplier, recipient):
    flow = deposit_flow(
        actor=actor,
        structure=supplier,
        uploaded_file=upload(invoice_xml(supplier, recipient)),
        syntax="IN_DP_E2_CII_FACTURX",
    )

    data = flow_report(flow)

    assert data["codeAppliPartenaire"] == "PORTAIL"
    assert data["etatCourantFlux"] == "IN_RECU"
    assert "fichierCR" not in data and "designationPartenaire" not in data


def test_lookups_for_the_api(partial_flow, personas, supplier):
    assert flow_for_number(partial_flow.number, structures=[supplier.pk]) == partial_flow
    assert flow_for_number(partial_flow.number, structures=[personas.other_structure.pk]) is None
    assert flow_for_number("CPP0", structures=[supplier.pk]) is None
    found = invoices_of_flow(Invoice.objects.all(), partial_flow.number)
    assert list(found.values_list("number", flat=True)) == ["CR-1"]
