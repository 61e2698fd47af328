"""The typical client sequences (API.md §11, issue 12): supplier deposit → consulter until
the recipient moves the status; recipient search → download → process; A9 validator."""

import base64
import io
import zipfile

from django.utils import timezone

from invoicing.enums import Frame, InvoiceStatus
from invoicing.models import Invoice, StatusEvent
from portal.areas import AreaCode
from tests.api.conftest import grant
from tests.api.factures.payloads import entry

S = InvoiceStatus


def _deposit(world, capture, **changes) -> int:
    structure = world.personas.structure
    structure.billing_mandate_accepted_at = timezone.now()
    structure.save()
    active = world.supplier.post("transverses/v1/recuperer/structures/actives/fournisseur").json()
    supplier_id = active["listeStructures"][0]["idStructureCPP"]
    found = world.supplier.post(
        "transverses/v1/rechercher/destinataire", {"identifiant": world.personas.public.identifier}
    ).json()
    assert found["listeDestinataires"][0]["idStructureCPP"] == world.personas.public.pk
    with capture(execute=True):
        body = world.supplier.post(
            "factures/v1/soumettre", entry(supplier_id, world.personas.public.identifier, **changes)
        ).json()
    assert body["codeRetour"] == 0, body
    return body["identifiantFactureCPP"]


def test_supplier_deposit_then_recipient_processes_and_supplier_sees_it(
    world, django_capture_on_commit_callbacks
):
    invoice_id = _deposit(world, django_capture_on_commit_callbacks)
    seen = world.supplier.post(
        "factures/v1/consulter/fournisseur", {"identifiantFactureCPP": invoice_id}
    ).json()
    assert seen["facture"]["statutFacture"] == S.MISE_A_DISPOSITION
    assert seen["facture"]["lignesDePoste"]["lignePoste"][0]["lignePosteTauxTva"] == "TVA20"

    listed = world.public.post("factures/v1/rechercher/recipiendaire", {}).json()
    assert listed["codeRetour"] == 0
    assert [f["idFacture"] for f in listed["listeFactures"]] == [invoice_id]
    assert listed["total"] == 1 and listed["pageCourante"] == 1  # PAG-2: top level

    downloaded = world.public.post(
        "factures/v1/telecharger/groupe",
        {"listeFacture": [{"idFacture": invoice_id}], "format": "PIVOT"},
    ).json()
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(downloaded["fichierResultat"])))
    names = archive.namelist()
    assert any(n.endswith("/facture.xml") for n in names)
    assert b"<cbc:ID>API-0001</cbc:ID>" in archive.read(
        next(n for n in names if n.endswith(".xml"))
    )
    invoice = Invoice.objects.get(pk=invoice_id)
    assert invoice.downloaded_by_recipient_at is not None

    suspended = world.public.post(
        "factures/v1/traiter/recue",
        {"idFacture": invoice_id, "nouveauStatut": "SUSPENDUE", "motif": "Pièce manquante"},
    ).json()
    assert suspended["codeRetour"] == 0, suspended
    assert suspended["nouveauStatut"] == "SUSPENDUE"
    history = world.supplier.post(
        "factures/v1/consulter/historique", {"idFacture": invoice_id}
    ).json()
    assert history["statutCourantCode"] == "SUSPENDUE"
    assert history["historiquesDesStatuts"]["histoStatut"][0]["histoStatutCode"] == "SUSPENDUE"
    assert (
        history["historiquesDesStatuts"]["histoStatut"][0]["histoStatutCommentaire"]
        == "Pièce manquante"
    )
    assert history["derniereAction"]["derniereActionCode"] == "TELECHARGEMENT_FACTURE"

    completed = world.supplier.post(
        "factures/v1/completer",
        {"identifiantFactureCPP": invoice_id, "commentaire": "Voici la pièce"},
    ).json()
    assert completed["codeRetour"] == 0, completed
    for target in ("SERVICE_FAIT", "MANDATEE", "MISE_EN_PAIEMENT"):
        done = world.public.post(
            "factures/v1/traiter/recue",
            {"idFacture": invoice_id, "nouveauStatut": target, "numeroDPMandat": "M-1"},
        ).json()
        assert done["codeRetour"] == 0, (target, done)
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_EN_PAIEMENT
    assert invoice.mandate_number == "M-1"
    listed = world.supplier.post(
        "factures/v1/rechercher/fournisseur", {"statutCourant": "MISE_EN_PAIEMENT"}
    ).json()
    assert [f["identifiantFactureCPP"] for f in listed["listeFactures"]] == [invoice_id]


def test_illegal_transition_is_20002_and_nothing_written(world, django_capture_on_commit_callbacks):
    invoice_id = _deposit(world, django_capture_on_commit_callbacks)
    before = StatusEvent.objects.filter(invoice_id=invoice_id).count()
    body = world.supplier.post(
        "factures/v1/completer", {"identifiantFactureCPP": invoice_id, "commentaire": "x"}
    ).json()
    assert body["codeRetour"] == 20002
    body = world.public.post(
        "factures/v1/traiter/recue", {"idFacture": invoice_id, "nouveauStatut": "COMPLETEE"}
    ).json()
    assert body["codeRetour"] == 20006
    body = world.public.post(
        "factures/v1/traiter/recue", {"idFacture": invoice_id, "nouveauStatut": "REJETEE"}
    ).json()
    assert body["codeRetour"] == 20015
    assert StatusEvent.objects.filter(invoice_id=invoice_id).count() == before


def test_reject_then_traiter_rejet_all_or_nothing(world, django_capture_on_commit_callbacks):
    first = _deposit(world, django_capture_on_commit_callbacks)
    second = _deposit(world, django_capture_on_commit_callbacks, numeroFactureSaisi="API-0002")
    body = world.public.post(
        "factures/v1/traiter/recue",
        {"idFacture": first, "nouveauStatut": "REJETEE", "motif": "Non"},
    ).json()
    assert body["codeRetour"] == 0
    body = world.supplier.post(
        "factures/v1/traiterRejet",
        {"listeDemandePaiement": [{"idDemandePaiement": first}, {"idDemandePaiement": second}]},
    ).json()
    assert body["codeRetour"] == 20002
    assert not Invoice.objects.get(pk=first).rejection_processed
    body = world.supplier.post(
        "factures/v1/traiterRejet",
        {"listeDemandePaiement": [{"idDemandePaiement": str(first)}], "motifRejet": "Refaite"},
    ).json()
    assert body == {"codeRetour": 0, "libelle": "TRA_MSG_00.000"}
    assert Invoice.objects.get(pk=first).rejection_processed
    actions = list(
        StatusEvent.objects.filter(invoice_id=first)
        .exclude(action="")
        .values_list("action", "comment")
    )
    assert actions[-2:] == [("ACQUITTEMENT_REJET", ""), ("TRAITEMENT_REJET", "Refaite")]


def test_recycle_to_another_recipient(world, django_capture_on_commit_callbacks):
    from tests.factories.structures import PublicStructureFactory

    invoice_id = _deposit(world, django_capture_on_commit_callbacks)
    body = world.public.post(
        "factures/v1/traiter/recue", {"idFacture": invoice_id, "nouveauStatut": "A_RECYCLER"}
    ).json()
    assert body["codeRetour"] == 0, body
    changed = world.supplier.post(
        "factures/v1/recycler",
        {"identifiantFactureCPP": invoice_id, "reference": {"numeroMarche": "AUTRE"}},
    ).json()
    assert changed["codeRetour"] == 20014
    other = PublicStructureFactory()
    with django_capture_on_commit_callbacks(execute=True):
        body = world.supplier.post(
            "factures/v1/recycler",
            {
                "identifiantFactureCPP": invoice_id,
                "destinataire": {"codeDestinataire": other.identifier},
            },
        ).json()
    assert body["codeRetour"] == 0, body
    assert body["statutFacture"] == "DEPOSEE"
    assert Invoice.objects.get(pk=invoice_id).recipient_id == other.pk
    # LIF-4: it left the former recipient's lists.
    assert (
        world.public.post("factures/v1/rechercher/recipiendaire", {}).json()["codeRetour"] == 20000
    )


def test_validator_sequence_a9(world, django_capture_on_commit_callbacks):
    """A9: the supplier names a validator in scope of the public technical account."""
    public = world.personas.public
    grant(world.public_main, public, AreaCode.TO_VALIDATE)
    invoice_id = _deposit(
        world,
        django_capture_on_commit_callbacks,
        cadreDeFacturation={
            "codeCadreFacturation": "A9_FACTURE_SOUSTRAITANT",
            "codeStructureValideur": public.identifier,
        },
    )
    assert Invoice.objects.get(pk=invoice_id).status == S.A_VALIDER_1
    listed = world.public.post(
        "factures/v1/rechercher/valideur", {"statutCourant": "A_VALIDER_1"}
    ).json()
    assert [f["idFacture"] for f in listed["listeFactures"]] == [invoice_id]
    assert listed["parametresRetour"]["total"] == 1
    consult = world.public.post("factures/v1/consulter/valideur", {"idFacture": invoice_id}).json()
    assert consult["facture"]["cadreDeFacturation"]["codeCadreFacturation"] == Frame.A9
    refused = world.public.post(
        "factures/v1/traiter/factureAValider", {"idFacture": invoice_id, "action": "REFUS"}
    ).json()
    assert refused["codeRetour"] == 20015
    other_action = world.public.post(
        "factures/v1/traiter/factureAValider", {"idFacture": invoice_id, "action": "SUSPENSION"}
    ).json()
    assert other_action["codeRetour"] == 20006
    with django_capture_on_commit_callbacks(execute=True):
        validated = world.public.post(
            "factures/v1/traiter/factureAValider", {"idFacture": invoice_id, "action": "VALIDATION"}
        ).json()
    assert validated["codeRetour"] == 0, validated
    assert validated["statutFacture"] == "VALIDEE_1"
    again = world.public.post(
        "factures/v1/traiter/factureAValider", {"idFacture": invoice_id, "action": "VALIDATION"}
    ).json()
    assert again["codeRetour"] == 20002


def test_other_structures_account_gets_the_unknown_id_answer_everywhere(
    world, other_api, django_capture_on_commit_callbacks
):
    invoice_id = _deposit(world, django_capture_on_commit_callbacks)
    unknown = 10**12
    for path, body in (
        ("factures/v1/consulter/fournisseur", {"identifiantFactureCPP": "{id}"}),
        ("factures/v1/consulter/recipiendaire", {"idFacture": "{id}"}),
        ("factures/v1/consulter/valideur", {"idFacture": "{id}"}),
        ("factures/v1/consulter/historique", {"idFacture": "{id}"}),
        ("factures/v1/traiter/recue", {"idFacture": "{id}", "nouveauStatut": "SERVICE_FAIT"}),
        ("factures/v1/traiter/factureAValider", {"idFacture": "{id}", "action": "VALIDATION"}),
        ("factures/v1/completer", {"identifiantFactureCPP": "{id}", "commentaire": "x"}),
        ("factures/v1/recycler", {"identifiantFactureCPP": "{id}"}),
        ("factures/v1/traiterRejet", {"listeDemandePaiement": [{"idDemandePaiement": "{id}"}]}),
        ("factures/v1/telecharger/groupe", {"listeFacture": [{"idFacture": "{id}"}]}),
    ):

        def fill(value, pk):
            if isinstance(value, dict):
                return {k: fill(v, pk) for k, v in value.items()}
            if isinstance(value, list):
                return [fill(v, pk) for v in value]
            return pk if value == "{id}" else value

        ours = other_api.post(path, fill(body, invoice_id))
        nothing = other_api.post(path, fill(body, unknown))
        assert ours.status_code == nothing.status_code == 400, path
        assert ours.json() == nothing.json(), path
        assert ours.json()["codeRetour"] == 20000, path
    for path in (
        "factures/v1/rechercher/fournisseur",
        "factures/v1/rechercher/recipiendaire",
        "factures/v1/rechercher/valideur",
    ):
        body = other_api.post(path, {}).json()
        assert body["codeRetour"] == 20000 and body["listeFactures"] == [], path


def test_mise_en_paiement_refused_when_the_recipient_does_not_report_it(world):
    """RCV-4 answers 20002 with its own libellé; nothing is written."""
    from tests.factories.invoicing import InvoiceFactory

    public = world.personas.public
    public.payment_status_not_reported = True
    public.save()
    invoice = InvoiceFactory(
        supplier=world.personas.structure, recipient=public, status=S.SERVICE_FAIT
    )
    body = world.public.post(
        "factures/v1/traiter/recue", {"idFacture": invoice.pk, "nouveauStatut": "MISE_EN_PAIEMENT"}
    ).json()
    assert body == {
        "codeRetour": 20002,
        "libelle": "Le destinataire ne gère pas le statut mise en paiement.",
    }
    invoice.refresh_from_db()
    assert invoice.status == S.SERVICE_FAIT


def test_consulter_pages_its_sub_lists(world, django_capture_on_commit_callbacks):
    invoice_id = _deposit(
        world,
        django_capture_on_commit_callbacks,
        lignePoste=[
            {
                "lignePosteDenomination": f"L{n}",
                "lignePosteQuantite": 1,
                "lignePosteMontantUnitaireHT": "250",
                "lignePosteTauxTva": "TVA20",
            }
            for n in range(4)
        ],
    )
    body = world.supplier.post(
        "factures/v1/consulter/fournisseur",
        {
            "identifiantFactureCPP": invoice_id,
            "pLignesPoste": {
                "nbResultatsParPageLignesPoste": 3,
                "pageResultatDemandeeLignesPoste": 2,
            },
        },
    ).json()
    lines = body["facture"]["lignesDePoste"]
    assert [line["lignePosteDenomination"] for line in lines["lignePoste"]] == ["L3"]
    assert (
        lines["pageCouranteLignesPoste"],
        lines["pagesLignesPoste"],
        lines["totalLignesPoste"],
    ) == (2, 2, 4)


def test_completer_with_a_file_and_a_dossier_over_120_mb(world, django_capture_on_commit_callbacks):
    from invoicing.models import Attachment

    invoice_id = _deposit(world, django_capture_on_commit_callbacks)
    world.public.post(
        "factures/v1/traiter/recue",
        {"idFacture": invoice_id, "nouveauStatut": "SUSPENDUE", "motif": "PJ"},
    )
    added = world.supplier.post(
        "transverses/v1/ajouter/fichier",
        {"pieceJointeFichier": base64.b64encode(b"piece").decode(), "pieceJointeNom": "pj.txt"},
    ).json()
    item = {
        "pieceJointeComplementaireId": added["pieceJointeId"],
        "pieceJointeComplementaireDesignation": "Justificatif",
        "pieceJointeComplementaireType": "AUTRE",
    }
    Attachment.objects.filter(invoice_id=invoice_id).update(size=121 * 1024 * 1024)
    too_big = world.supplier.post(
        "factures/v1/completer",
        {"identifiantFactureCPP": invoice_id, "pieceJointeComplementaire": [item]},
    ).json()
    assert too_big["codeRetour"] == 20003
    assert Invoice.objects.get(pk=invoice_id).status == S.SUSPENDUE
    Attachment.objects.filter(invoice_id=invoice_id).update(size=1000)
    done = world.supplier.post(
        "factures/v1/completer",
        {"identifiantFactureCPP": invoice_id, "pieceJointeComplementaire": [item]},
    ).json()
    assert done["codeRetour"] == 0, done
    assert Invoice.objects.get(pk=invoice_id).status == S.COMPLETEE
    assert Attachment.objects.get(pk=added["pieceJointeId"]).invoice_id == invoice_id


def test_traiter_rejet_stores_motif_and_complement_like_the_portal(
    world, django_capture_on_commit_callbacks
):
    from invoicing.workflow import rejection_processing_comment

    invoice_id = _deposit(world, django_capture_on_commit_callbacks)
    world.public.post(
        "factures/v1/traiter/recue",
        {"idFacture": invoice_id, "nouveauStatut": "REJETEE", "motif": "Non"},
    )
    body = world.supplier.post(
        "factures/v1/traiterRejet",
        {
            "listeDemandePaiement": [{"idDemandePaiement": invoice_id}],
            "motifRejet": "Facture refaite",
            "cpltInfos": "Nouvelle facture FA-2",
        },
    ).json()
    assert body["codeRetour"] == 0, body
    expected = rejection_processing_comment("Facture refaite", "Nouvelle facture FA-2")
    assert expected == "Facture refaite : Nouvelle facture FA-2"
    event = StatusEvent.objects.get(invoice_id=invoice_id, action="TRAITEMENT_REJET")
    assert event.comment == expected
    history = world.supplier.post(
        "factures/v1/consulter/historique", {"idFacture": invoice_id}
    ).json()
    assert history["historiquesDesStatuts"]["histoStatut"][0]["histoStatutCommentaire"] == expected
    too_long = world.supplier.post(
        "factures/v1/traiterRejet",
        {"listeDemandePaiement": [{"idDemandePaiement": invoice_id}], "cpltInfos": "x" * 256},
    ).json()
    assert too_long["codeRetour"] == 20005
