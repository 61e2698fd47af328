"""API.md §6.2 `soumettre` (and §5.2 `ajouter/fichier`, §6.1 `deposer/pdf`): the same
checks and the same invoice as the portal (DOMAIN §5.4)."""

import base64

import pytest
from django.utils import timezone

from invoicing.enums import DepositMode, InvoiceStatus
from invoicing.models import Attachment, Invoice, StatusEvent
from tests.api.factures.payloads import entry, pdf_b64, pdf_deposit

SUBMIT = "factures/v1/soumettre"


@pytest.fixture
def mandate(world):
    structure = world.personas.structure
    structure.billing_mandate_accepted_at = timezone.now()
    structure.save()
    return structure


def test_entry_mode_creates_a_deposited_invoice_with_certificate(
    world, mandate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = world.supplier.post(SUBMIT, entry(mandate.pk, world.personas.public.identifier))
    body = response.json()
    assert response.status_code == 200, body
    assert body["codeRetour"] == 0 and body["libelle"] == "TRA_MSG_00.000"
    invoice = Invoice.objects.get(pk=body["identifiantFactureCPP"])
    assert invoice.deposit_mode == DepositMode.SAISIE_API
    assert body["statutFacture"] == InvoiceStatus.DEPOSEE
    assert body["numeroFacture"] == "API-0001"
    assert body["identifiantStructure"] == mandate.identifier
    assert len(body["empreinteCertificatDepot"]) == 64
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION  # T4 after commit (eager)
    assert invoice.lines.count() == 1


def test_entry_mode_without_number_gets_a_generated_one(world, mandate):
    payload = entry(mandate.pk, world.personas.public.identifier)
    payload.pop("numeroFactureSaisi")
    first = world.supplier.post(SUBMIT, payload).json()
    second = world.supplier.post(SUBMIT, payload).json()
    year = timezone.localdate().year
    assert first["numeroFacture"] == f"{year}-000001"
    assert second["numeroFacture"] == f"{year}-000002"


def test_pdf_mode_with_a_file_from_ajouter_fichier(world):
    added = world.supplier.post(
        "transverses/v1/ajouter/fichier",
        {
            "pieceJointeFichier": pdf_b64(),
            "pieceJointeNom": "facture.pdf",
            "pieceJointeExtension": "PDF",
            "pieceJointeTypeMime": "application/pdf",
        },
    ).json()
    assert added["codeRetour"] == 0, added
    structure = world.personas.structure
    body = world.supplier.post(
        SUBMIT, pdf_deposit(structure.pk, world.personas.public.identifier, added["pieceJointeId"])
    ).json()
    assert body["codeRetour"] == 0, body
    invoice = Invoice.objects.get(pk=body["identifiantFactureCPP"])
    assert invoice.deposit_mode == DepositMode.DEPOT_PDF_API
    assert invoice.attachments.get(is_main=True).pk == added["pieceJointeId"]


def test_deposer_pdf_recognises_and_the_id_serves_soumettre(world):
    deposited = world.supplier.post(
        "factures/v1/deposer/pdf",
        {"fichierFacture": pdf_b64(), "nomFichier": "facture.pdf", "formatDepot": "PDF_NON_SIGNE"},
    ).json()
    assert deposited["codeRetour"] == 0, deposited
    assert deposited["formatDepot"] == "PDF_NON_SIGNE"
    assert "pieceJointeId" in deposited
    payload = pdf_deposit(
        world.personas.structure.pk,
        world.personas.public.identifier,
        deposited["pieceJointeId"],
        pieceJointePrincipale={"pieceJointePrincipaleId": str(deposited["pieceJointeId"])},
    )
    payload.pop("dateFacture")
    body = world.supplier.post(SUBMIT, payload).json()
    assert body["codeRetour"] == 0, body
    assert deposited["dateFacture"] == "2024-03-12"
    # §6.2: without dateFacture, the recognised date.
    assert (
        Invoice.objects.get(pk=body["identifiantFactureCPP"]).invoice_date.isoformat()
        == "2024-03-12"
    )


def test_complementary_attachment_gets_its_designation_and_type(world, mandate):
    added = world.supplier.post(
        "transverses/v1/ajouter/fichier",
        {
            "pieceJointeFichier": base64.b64encode(b"bon de commande").decode(),
            "pieceJointeNom": "bc.txt",
        },
    ).json()
    payload = entry(
        mandate.pk,
        world.personas.public.identifier,
        pieceJointeComplementaire=[
            {
                "pieceJointeComplementaireId": added["pieceJointeId"],
                "pieceJointeComplementaireDesignation": "Bon de commande 12",
                "pieceJointeComplementaireType": "BON_COMMANDE",
            }
        ],
    )
    body = world.supplier.post(SUBMIT, payload).json()
    assert body["codeRetour"] == 0, body
    attachment = Attachment.objects.get(pk=added["pieceJointeId"])
    assert attachment.invoice_id == body["identifiantFactureCPP"]
    assert attachment.designation == "Bon de commande 12"
    assert attachment.attachment_type == "BON_DE_COMMANDE"


@pytest.mark.parametrize(
    ("change", "code", "words"),
    [
        ({"modeDepot": "SAISIE_WEB"}, 20006, "modeDepot"),
        ({"numeroFactureSaisi": "A" * 21}, 20005, "numeroFactureSaisi"),
        ({"numeroFactureSaisi": "bad number!"}, 20005, "numeroFactureSaisi"),
        (
            {
                "cadreDeFacturation": {
                    "codeCadreFacturation": "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR"
                }
            },
            20006,
            "codeCadreFacturation",
        ),
        ({"destinataire": {"codeDestinataire": "12345678200099"}}, 20007, "destinataire"),
        (
            {
                "montantTotal": {
                    "montantHtTotal": 1000,
                    "montantTVA": 200,
                    "montantTtcTotal": 1300,
                    "montantAPayer": 1300,
                }
            },
            20013,
            "montantTotal",
        ),
        (
            {"references": {"typeFacture": "AVOIR", "typeTva": "TVA_SUR_DEBIT"}},
            20005,
            "numeroFactureOrigine",
        ),
        (
            {
                "references": {
                    "typeFacture": "FACTURE",
                    "typeTva": "EXONERATION",
                    "modePaiement": "VIREMENT",
                }
            },
            20005,
            "motifExonerationTva",
        ),
        (
            {"cadreDeFacturation": {"codeCadreFacturation": "A9_FACTURE_SOUSTRAITANT"}},
            20012,
            "codeStructureValideur",
        ),
        ({"fournisseur": {"idFournisseur": 999999999}}, 20016, None),
        (
            {"fournisseur": {"idFournisseur": 1, "codeCoordonneesBancairesFournisseur": 999999}},
            None,
            None,
        ),
        ({"dateFacture": "2099-01-01"}, 20005, "dateFacture"),
        ({"dateFacture": "pas une date"}, 20005, "dateFacture"),
    ],
)
def test_each_deposit_check_answers_its_code_naming_the_field(world, mandate, change, code, words):
    payload = entry(mandate.pk, world.personas.public.identifier)
    if "fournisseur" in change and change["fournisseur"].get("idFournisseur") == 1:
        change = {"fournisseur": {**change["fournisseur"], "idFournisseur": mandate.pk}}
        code, words = 20017, "codeCoordonneesBancairesFournisseur"
    payload.update(change)
    before = (Invoice.objects.count(), StatusEvent.objects.count())
    response = world.supplier.post(SUBMIT, payload)
    body = response.json()
    assert response.status_code == 400, body
    assert body["codeRetour"] == code, body
    if words:
        assert words in body["libelle"], body
    assert (Invoice.objects.count(), StatusEvent.objects.count()) == before


def test_duplicate_number_is_20011(world, mandate):
    payload = entry(mandate.pk, world.personas.public.identifier)
    assert world.supplier.post(SUBMIT, payload).json()["codeRetour"] == 0
    body = world.supplier.post(SUBMIT, payload).json()
    assert body["codeRetour"] == 20011
    assert Invoice.objects.count() == 1


def test_unknown_attachment_is_20018_and_nothing_written(world, mandate):
    payload = entry(
        mandate.pk,
        world.personas.public.identifier,
        pieceJointeComplementaire=[
            {
                "pieceJointeComplementaireId": 987654,
                "pieceJointeComplementaireDesignation": "x",
                "pieceJointeComplementaireType": "AUTRE",
            }
        ],
    )
    body = world.supplier.post(SUBMIT, payload).json()
    assert body["codeRetour"] == 20018
    assert not Invoice.objects.exists()


def test_another_structures_technical_account_cannot_deposit_for_us(world, other_api, mandate):
    body = other_api.post(SUBMIT, entry(mandate.pk, world.personas.public.identifier)).json()
    assert body["codeRetour"] == 20016
    assert not Invoice.objects.exists()


def test_ajouter_fichier_refuses_bad_files(world):
    cases = [
        ({"pieceJointeFichier": "***", "pieceJointeNom": "a.pdf"}, 20005),
        (
            {
                "pieceJointeFichier": base64.b64encode(b"MZ\x90\x00binary").decode(),
                "pieceJointeNom": "a.exe",
            },
            20004,
        ),
        (
            {"pieceJointeFichier": base64.b64encode(b"text").decode(), "pieceJointeNom": "a.pdf"},
            20004,
        ),
        (
            {
                "pieceJointeFichier": base64.b64encode(b"x").decode(),
                "pieceJointeNom": "n" * 51 + ".txt",
            },
            20004,
        ),
        ({"pieceJointeNom": "a.pdf"}, 20005),
    ]
    for payload, code in cases:
        body = world.supplier.post("transverses/v1/ajouter/fichier", payload).json()
        assert body["codeRetour"] == code, (payload.get("pieceJointeNom"), body)
    assert not Attachment.objects.exists()
