"""API.md §5: reference lists, bank details, processing states, directory, SIRET."""

import base64
import io
import zipfile

from tests.factories.structures import BankAccountFactory


def test_reference_lists_hold_the_contract_values(world):
    api = world.supplier
    rates = api.post("transverses/v1/recuperer/tauxtva").json()["listeTauxTva"]
    assert {r["codeTauxTva"]: r["valeurTauxTva"] for r in rates} == {
        "TVA20": 20,
        "TVA10": 10,
        "TVA5": 5.5,
        "TVA2": 2.1,
        "TVA0": 0,
    }
    frames = api.post("transverses/v1/recuperer/cadrefacturation", {}).json()
    assert [f["codeCadreFacturation"] for f in frames["listeCadreFacturation"]] == [
        "A1_FACTURE_FOURNISSEUR",
        "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE",
        "A9_FACTURE_SOUSTRAITANT",
        "A12_FACTURE_COTRAITANT",
    ]
    assert (
        api.post(
            "transverses/v1/recuperer/cadrefacturation", {"typeDemandePaiement": "INCONNU"}
        ).json()["codeRetour"]
        == 20006
    )
    assert (
        api.post("transverses/v1/recuperer/typespj", {"typeObjet": "X"}).json()["codeRetour"]
        == 20006
    )
    types = api.post("transverses/v1/recuperer/typespj").json()["listeTypePieceJointe"]
    assert types[0]["codeTypePieceJointe"] == "BON_COMMANDE"
    assert types[0]["libelleTypePieceJointe"] == "Bon de commande"
    refusals = api.post("transverses/v1/recuperer/motifs/refus/Facture/AValider").json()
    assert [m["codeMotif"] for m in refusals["listeMotifRefusFactureAValider"]][
        0
    ] == "MONTANT_ERRONE"
    assert (
        api.post("transverses/v1/recuperer/devises").json()["listeDevises"][0]["codeDevise"]
        == "EUR"
    )
    assert api.post("transverses/v1/recuperer/pays").json()["listePays"][0]["codePays"] == "FR"


def test_processing_states_follow_the_transition_table(world):
    body = world.supplier.post(
        "transverses/v1/recuperer/etats/traitement", {"statutCourant": "SERVICE_FAIT"}
    ).json()
    targets = [
        s["statutPossiblePourTraitement"] for s in body["listeStatutsPossiblesPourTraitement"]
    ]
    assert "MANDATEE" in targets and "MISE_EN_PAIEMENT" in targets and "SUSPENDUE" in targets
    assert "PRISE_EN_COMPTE_DESTINATAIRE" not in targets
    final = world.supplier.post(
        "transverses/v1/recuperer/etats/traitement", {"statutCourant": "REJETEE"}
    ).json()
    assert final["codeRetour"] == 20000 and final["listeStatutsPossiblesPourTraitement"] == []
    unknown = world.supplier.post(
        "transverses/v1/recuperer/etats/traitement", {"statutCourant": "NIMPORTE"}
    ).json()
    assert unknown["codeRetour"] == 20006


def test_bank_details_of_a_structure_in_scope_only(world, other_api):
    account = BankAccountFactory(structure=world.personas.structure, label="Compte pro")
    BankAccountFactory(structure=world.personas.structure, is_active=False)
    body = world.supplier.post(
        "transverses/v1/recuperer/coordbanc/valides", {"idStructure": world.personas.structure.pk}
    ).json()
    assert body["listeCoordonneeBancaire"] == [
        {"idCoordonneeBancaire": account.pk, "nomCoordonneeBancaire": "Compte pro"}
    ]
    foreign = other_api.post(
        "transverses/v1/recuperer/coordbanc/valides", {"idStructure": world.personas.structure.pk}
    )
    assert foreign.status_code == 400 and foreign.json()["codeRetour"] == 20000


def test_active_recipient_structures_need_received(world):
    supplier = world.supplier.post(
        "transverses/v1/recuperer/structures/actives/destinataire"
    ).json()
    assert supplier["codeRetour"] == 20000 and supplier["total"] == 0
    public = world.public.post("transverses/v1/recuperer/structures/actives/destinataire").json()
    assert [s["idStructureCPP"] for s in public["listeStructures"]] == [world.personas.public.pk]


def test_directory_zip_lists_receiving_structures(world):
    body = world.supplier.post("transverses/v1/telecharger/annuaire/destinataire").json()
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(body["fichierResultat"])))
    text = archive.read("annuaire_destinataires.csv").decode("utf-8")
    header, *rows = text.splitlines()
    assert header.startswith("TypeIdentifiant;Identifiant;RaisonSociale;EmetteurEdi")
    assert any(world.personas.public.identifier in row for row in rows)
    assert not any(world.personas.structure.identifier in row for row in rows)


def test_siret_information(world):
    body = world.supplier.post(
        "transverses/v1/consulter/information/siret",
        {"siretStructure": world.personas.public.identifier},
    ).json()
    assert body["raisonSociale"] == world.personas.public.company_name
    assert body["siren"] == world.personas.public.identifier[:9]
    assert body["estActif"] is True
    bad = world.supplier.post(
        "transverses/v1/consulter/information/siret", {"siretStructure": "12345678901234"}
    ).json()
    assert bad["codeRetour"] == 20005
    unknown = world.supplier.post(
        "transverses/v1/consulter/information/siret", {"siretStructure": "73282932000074"}
    ).json()
    assert unknown["codeRetour"] == 20000
