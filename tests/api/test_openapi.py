"""The OpenAPI document lists every operation of API.md §3 (the flow operations included),
and the docs page works under the strict CSP."""

import re
from pathlib import Path

import pytest

API_MD = Path("/work/shared/docs/API.md")
FLOWS = {
    "factures/v1/deposer/flux",
    "transverses/v1/consulterCR",
    "transverses/v1/consulterCRDetaille",
}
REFERENCE_LISTS = (
    "devises",
    "pays",
    "tauxtva",
    "modedepot",
    "modereglements",
    "cadrefacturation",
    "typedp",
    "motifs/exonerationtva",
    "typespj",
    "typeidentifiant/structure",
    "motifs/refus/Facture/AValider",
)
# The §3 table, written out so the test does not depend on the shared docs being present.
EXPECTED = {
    "transverses/v1/health-check",
    "transverses/v1/ajouter/fichier",
    "transverses/v1/recuperer/structures/actives/fournisseur",
    "transverses/v1/recuperer/structures/actives/destinataire",
    "transverses/v1/recuperer/coordbanc/valides",
    "transverses/v1/recuperer/etats/traitement",
    *(f"transverses/v1/recuperer/{name}" for name in REFERENCE_LISTS),
    "transverses/v1/rechercher/destinataire",
    "transverses/v1/telecharger/annuaire/destinataire",
    "transverses/v1/consulter/information/siret",
    "factures/v1/deposer/pdf",
    "factures/v1/soumettre",
    "factures/v1/rechercher/fournisseur",
    "factures/v1/rechercher/recipiendaire",
    "factures/v1/rechercher/valideur",
    "factures/v1/consulter/fournisseur",
    "factures/v1/consulter/recipiendaire",
    "factures/v1/consulter/valideur",
    "factures/v1/consulter/historique",
    "factures/v1/traiter/recue",
    "factures/v1/traiter/factureAValider",
    "factures/v1/completer",
    "factures/v1/recycler",
    "factures/v1/traiterRejet",
    "factures/v1/telecharger/groupe",
    "structures/v1/rechercher",
    "structures/v1/consulter",
    "structures/v1/rechercher/services",
    "structures/v1/consulter/service",
    "utilisateurs/v1/monCompte/recuperer/rattachements",
    "engagementsJuridiques/v1/rechercher",
}


@pytest.fixture
def document(client, db):
    response = client.get("/cpro/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_lists_every_operation_of_the_contract(document):
    paths = {p.removeprefix("/cpro/") for p in document["paths"]}
    assert EXPECTED - paths == set()
    assert document["openapi"].startswith("3.")
    assert "post" in document["paths"]["/cpro/factures/v1/soumettre"]
    assert "get" in document["paths"]["/cpro/transverses/v1/health-check"]


def test_openapi_matches_the_contract_table_when_present(document):
    if not API_MD.exists():
        pytest.skip("shared docs not present")
    table = re.findall(r"^\| `(?:GET )?([a-zA-Z]+/v1/[^`]+)` \|", API_MD.read_text(), re.M)
    listed = set()
    for cell in table:
        first, *others = [c.strip(" `") for c in cell.split(",")]
        listed.add(first)
        prefix = first.rsplit("/", 1)[0]
        listed.update(
            f"{prefix}/{o}" if "/" not in o or not o.startswith(("transverses", "factures")) else o
            for o in others
        )
    listed = {
        p
        for p in listed
        if p.startswith(("transverses", "factures", "structures", "utilisateurs", "engagements"))
    }
    paths = {p.removeprefix("/cpro/") for p in document["paths"]}
    assert {p for p in listed if p in EXPECTED} <= paths
    assert paths >= FLOWS


def test_soumettre_schema_names_the_contract_fields(document):
    schemas = document["components"]["schemas"]
    fields = schemas["SoumettreFacture"]["properties"]
    assert {"modeDepot", "numeroFactureSaisi", "pieceJointePrincipale", "montantTotal"} <= set(
        fields
    )


def test_docs_page_is_public_and_self_hosted_under_csp(client, db):
    response = client.get("/cpro/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert f'id="swagger-settings" nonce="{nonce}"' in html
