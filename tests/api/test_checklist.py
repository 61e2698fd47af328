"""API.md §11 compatibility checklist, operation by operation: `{}`, zero values (TOL-3),
unknown extra fields (TOL-1); errors are 400 with codeRetour/libelle; empty lists 200/20000."""

import pytest

from tests.api.test_openapi import EXPECTED

POSTS = sorted(EXPECTED - {"transverses/v1/health-check"})
# Operations with a required input: `{}` is a 20005 naming the field.
REQUIRED = {
    "transverses/v1/ajouter/fichier": "pieceJointeFichier",
    "transverses/v1/recuperer/coordbanc/valides": "idStructure",
    "transverses/v1/recuperer/etats/traitement": "statutCourant",
    "transverses/v1/consulter/information/siret": "siretStructure",
    "factures/v1/deposer/pdf": "fichierFacture",
    "factures/v1/soumettre": "modeDepot",
    "factures/v1/consulter/fournisseur": "identifiantFactureCPP",
    "factures/v1/consulter/recipiendaire": "identifiantFactureCPP",
    "factures/v1/consulter/valideur": "identifiantFactureCPP",
    "factures/v1/consulter/historique": "idFacture",
    "factures/v1/traiter/recue": "idFacture",
    "factures/v1/traiter/factureAValider": "idFacture",
    "factures/v1/completer": "identifiantFactureCPP",
    "factures/v1/recycler": "identifiantFactureCPP",
    "factures/v1/traiterRejet": "listeDemandePaiement",
    "factures/v1/telecharger/groupe": "listeFacture",
    "structures/v1/consulter": "idStructureCPP",
    "structures/v1/rechercher/services": "idStructure",
    "structures/v1/consulter/service": "idStructure",
}
ZERO_VALUES = {
    "idUtilisateurCourant": 0,
    "idFournisseur": 0,
    "idDestinataire": 0,
    "numeroFacture": "",
    "statutCourant": [],
    "cadreFacturation": {},
    "periodeDateDepotDu": None,
    "montantHTMin": "",
    "listeDestinataire": [],
    "listeFournisseurs": [],
    "idServiceExecutant": 0,
    "parametresRecherche": {},
    "rechercheFactureParFournisseur": {},
    "paramRecherche": {},
    "pagination": {},
    "typeStructure": "",
    "identifiant": "",
    "structure": {},
    "numeroEngagementJuridique": "",
    "codeLangue": "",
}


@pytest.mark.parametrize("path", POSTS)
def test_empty_body_answers_the_contract(world, path):
    response = world.supplier.post(path, {})
    body = response.json()
    assert response["Content-Type"] == "application/json;charset=utf-8"
    assert isinstance(body["codeRetour"], int) and isinstance(body["libelle"], str)
    if path in REQUIRED:
        assert response.status_code == 400, body
        assert body["codeRetour"] == 20005
        assert REQUIRED[path] in body["libelle"]
    else:
        assert response.status_code == 200, body
        assert body["codeRetour"] in (0, 20000)


@pytest.mark.parametrize("path", POSTS)
def test_zero_values_and_unknown_fields_are_tolerated(world, path):
    plain = world.supplier.post(path, {}).json()
    noisy = world.supplier.post(
        path, {**ZERO_VALUES, "champInconnu": {"a": [1, {"b": None}]}, "autre": "valeur"}
    )
    assert noisy.status_code in (200, 400)
    assert noisy.json()["codeRetour"] == plain["codeRetour"], noisy.json()


def test_empty_search_is_200_20000_with_zero_totals(world):
    body = world.supplier.post(
        "factures/v1/rechercher/fournisseur", {"numeroFacture": "NONE"}
    ).json()
    assert body == {
        "codeRetour": 20000,
        "libelle": "TRA_MSG_00.015",
        "listeFactures": [],
        "parametresRetour": {"nbResultatsParPage": 100, "pageCourante": 1, "pages": 0, "total": 0},
    }


def test_malformed_and_unknown_criteria(world):
    bad_date = world.supplier.post(
        "factures/v1/rechercher/fournisseur", {"periodeDateDepotDu": "31/12/2024"}
    ).json()
    assert bad_date["codeRetour"] == 20005 and "periodeDateDepotDu" in bad_date["libelle"]
    unknown = world.supplier.post(
        "factures/v1/rechercher/fournisseur", {"statutCourant": " INCONNU "}
    ).json()
    assert unknown["codeRetour"] == 20006
    short = world.supplier.post(
        "transverses/v1/rechercher/destinataire", {"identifiant": "12"}
    ).json()
    assert short["codeRetour"] == 20005


def test_tolerated_aliases_and_single_status(world):
    from tests.factories.invoicing import InvoiceFactory

    invoice = InvoiceFactory(supplier=world.personas.structure, recipient=world.personas.public)
    body = world.supplier.post(
        "factures/v1/rechercher/fournisseur",
        {
            "statutCourant": " MISE_A_DISPOSITION ",
            "montantApayerMin": "1000.5",
            "rechercheFactureParFournisseur": {
                "triColonne": "Inconnue",
                "triSense": " ascendant ",
                "nbResultatsParPage": "5000",
            },
        },
    ).json()
    assert [f["identifiantFactureCPP"] for f in body["listeFactures"]] == [invoice.pk]
    assert body["parametresRetour"]["nbResultatsParPage"] == 1000
    consult = world.supplier.post(
        "factures/v1/consulter/fournisseur", {"idFacture": str(invoice.pk)}
    ).json()
    assert consult["facture"]["identifiantFactureCPP"] == invoice.pk


def test_english_labels_with_code_langue(world):
    body = world.supplier.post("transverses/v1/recuperer/devises", {"codeLangue": "en"}).json()
    assert body["listeDevises"][0]["codeDevise"] == "EUR"
