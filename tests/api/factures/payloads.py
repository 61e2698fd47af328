"""Request bodies of typical clients."""

import base64

from django.utils import timezone

from tests.invoicing.samples import keyword_invoice_pdf


def entry(supplier_id: int, recipient_siret: str, **changes) -> dict:
    body = {
        "modeDepot": "SAISIE_API",
        "numeroFactureSaisi": "API-0001",
        "dateFacture": timezone.localdate().isoformat(),
        "destinataire": {"codeDestinataire": recipient_siret},
        "fournisseur": {"idFournisseur": supplier_id},
        "cadreDeFacturation": {"codeCadreFacturation": "A1_FACTURE_FOURNISSEUR"},
        "references": {
            "deviseFacture": "EUR",
            "typeFacture": "FACTURE",
            "typeTva": "TVA_SUR_DEBIT",
            "modePaiement": "VIREMENT",
        },
        "lignePoste": [
            {
                "lignePosteNumero": 1,
                "lignePosteDenomination": "Prestation",
                "lignePosteQuantite": 2,
                "lignePosteMontantUnitaireHT": "500.00",
                "lignePosteTauxTva": "TVA20",
            }
        ],
        "montantTotal": {
            "montantHtTotal": 1000,
            "montantTVA": 200,
            "montantTtcTotal": 1200,
            "montantAPayer": 1200,
        },
    }
    body.update(changes)
    return body


def pdf_b64() -> str:
    return base64.b64encode(keyword_invoice_pdf()).decode()


def pdf_deposit(supplier_id: int, recipient_siret: str, piece_id: int, **changes) -> dict:
    body = entry(
        supplier_id,
        recipient_siret,
        modeDepot="DEPOT_PDF_API",
        pieceJointePrincipale=[{"pieceJointePrincipaleId": piece_id}],
    )
    body.pop("lignePoste")
    body.update(changes)
    return body
