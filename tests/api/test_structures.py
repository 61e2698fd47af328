"""API.md §7-§9: structures, utilisateurs, engagementsJuridiques."""

from decimal import Decimal

from commitments.models import Commitment
from tests.factories.structures import ServiceFactory


def test_structure_search_consult_services_sequence(world):
    public = world.personas.public
    service = ServiceFactory(structure=public, code="SFACT", name="Service facturier")
    found = world.supplier.post(
        "structures/v1/rechercher", {"structure": {"identifiantStructure": public.identifier}}
    ).json()
    assert found["listeStructures"] == [
        {
            "idStructureCPP": public.pk,
            "identifiantStructure": public.identifier,
            "designationStructure": public.company_name,
            "typeIdentifiantStructure": "SIRET",
            "statut": "ACTIVE",
        }
    ]
    consulted = world.supplier.post("structures/v1/consulter", {"idStructureCPP": public.pk}).json()
    assert consulted["informationGenerales"]["structurePriveePublique"] == "PUBLIQUE"
    assert "dateExpirationMotPasseCompteTech" not in consulted["informationGenerales"]
    services = world.supplier.post(
        "structures/v1/rechercher/services", {"idStructure": public.pk}
    ).json()
    assert [s["codeService"] for s in services["listeServices"]] == ["SFACT"]
    detail = world.supplier.post(
        "structures/v1/consulter/service", {"idStructure": public.pk, "idService": service.pk}
    ).json()
    assert detail["informationsGenerales"]["nomService"] == "Service facturier"
    wrong = world.supplier.post(
        "structures/v1/consulter/service",
        {"idStructure": world.personas.structure.pk, "idService": service.pk},
    )
    assert wrong.json()["codeRetour"] == 20000


def test_private_structures_out_of_scope_are_hidden_unless_unrestricted(world, other_api):
    ours = world.personas.structure
    hidden = other_api.post("structures/v1/consulter", {"idStructureCPP": ours.pk})
    assert hidden.status_code == 400 and hidden.json()["codeRetour"] == 20000
    restricted = other_api.post(
        "structures/v1/rechercher", {"structure": {"identifiantStructure": ours.identifier}}
    ).json()
    assert restricted["codeRetour"] == 20000
    unrestricted = other_api.post(
        "structures/v1/rechercher",
        {
            "structure": {"identifiantStructure": ours.identifier},
            "restreindreStructuresPrivees": "false",
        },
    ).json()
    assert [s["idStructureCPP"] for s in unrestricted["listeStructures"]] == [ours.pk]
    mine = world.supplier.post("structures/v1/consulter", {"idStructureCPP": ours.pk}).json()
    assert mine["informationGenerales"]["dateExpirationMotPasseCompteTech"] is None


def test_my_links_are_the_scope_as_main_manager(world):
    body = world.supplier.post("utilisateurs/v1/monCompte/recuperer/rattachements").json()
    entry = body["listeStructureRattachement"][0]
    assert entry["idStructure"] == world.personas.structure.pk
    assert entry["roleUtilisateur"] == "GESTIONNAIRE_PRINCIPAL"
    assert entry["statutRattachementStructure"] == "VALIDEE"


def test_commitments_of_the_scope(world, other_api):
    commitment = Commitment.objects.create(
        recipient=world.personas.public,
        number="EJ-42",
        commitment_type="BON_DE_COMMANDE",
        supplier=world.personas.structure,
        supplier_identifier=world.personas.structure.identifier,
        amount_ht=Decimal("100.50"),
    )
    body = world.supplier.post(
        "engagementsJuridiques/v1/rechercher", {"numeroEngagementJuridique": "EJ-42"}
    ).json()
    item = body["listeEngagementJuridique"][0]
    assert item["idEngagementJuridique"] == commitment.pk
    assert item["etatCourantEngagementJuridique"] == "COMMANDE"
    assert item["montantHT"] == 100.5
    assert item["reponseFournisseur"] is None
    assert other_api.post("engagementsJuridiques/v1/rechercher", {}).json()["codeRetour"] == 20000
