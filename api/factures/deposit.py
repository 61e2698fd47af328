"""`ajouter/fichier`, `deposer/pdf` and `soumettre` (API.md §5.2, §6.1, §6.2): the API's
fields mapped onto the deposit form's, then the portal's services
(`invoicing.deposit.prepared`): the same checks (DOMAIN §5.4), the same invoice."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from api import files, params
from api.errors import ApiError, from_domain, ok
from api.formats import day, number
from api.schemas import body
from invoicing.deposit import prepared
from invoicing.deposit.uploads import upload_main_file
from invoicing.errors import InvoiceError, ReturnCode
from invoicing.recognition import PDF_KINDS

AddFile = body(
    "AjouterFichierDansSysteme",
    "pieceJointeFichier",
    "pieceJointeNom",
    "pieceJointeTypeMime",
    "pieceJointeExtension",
    "idUtilisateurCourant",
)
DepositPdf = body(
    "DeposerPdfFacture", "fichierFacture", "nomFichier", "formatDepot", "idUtilisateurCourant"
)
# The deposit form's field → the API field a libellé names (INV-11).
API_FIELDS = {
    "supplier": "fournisseur.idFournisseur",
    "frame": "cadreDeFacturation.codeCadreFacturation",
    "number": "numeroFactureSaisi",
    "invoice_date": "dateFacture",
    "invoice_type": "references.typeFacture",
    "original_invoice_number": "references.numeroFactureOrigine",
    "currency": "references.deviseFacture",
    "vat_type": "references.typeTva",
    "vat_exemption_reason": "references.motifExonerationTva",
    "payment_mode": "references.modePaiement",
    "market_number": "references.numeroMarche",
    "engagement_number": "references.numeroBonCommande",
    "comment": "commentaire",
    "amount_ht": "montantTotal.montantHtTotal",
    "amount_tva": "montantTotal.montantTVA",
    "amount_ttc": "montantTotal.montantTtcTotal",
    "amount_to_pay": "montantTotal.montantAPayer",
    "global_discount": "montantTotal.montantRemiseGlobaleTTC",
    "global_discount_reason": "montantTotal.motifRemiseGlobaleTTC",
    "supplier_service": "fournisseur.idServiceFournisseur",
    "bank_account": "fournisseur.codeCoordonneesBancairesFournisseur",
    "validator_identifier": "cadreDeFacturation.codeStructureValideur",
    "validator_service_code": "cadreDeFacturation.codeServiceValideur",
    "recipient_identifier": "destinataire.codeDestinataire",
    "recipient_service_code": "destinataire.codeServiceExecutant",
    "recipient": "destinataire.codeDestinataire",
    "service": "destinataire.codeServiceExecutant",
    "lines": "lignePoste",
    "vat_lines": "ligneTva",
    "attachments": "pieceJointeComplementaire",
    "main_file": "pieceJointePrincipale.pieceJointePrincipaleId",
    "file": "pieceJointeFichier",
}


def domain(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except InvoiceError as exc:
        raise from_domain(exc, API_FIELDS) from exc


def add_file(user, data: Mapping) -> dict:
    upload = files.decoded(
        data.get("pieceJointeFichier"),
        data.get("pieceJointeNom"),
        content_field="pieceJointeFichier",
        name_field="pieceJointeNom",
    )
    extension = params.text(data.get("pieceJointeExtension"), "pieceJointeExtension")
    if extension and not upload.name.lower().endswith("." + extension.lower().lstrip(".")):
        raise ApiError(
            ReturnCode.FILE_REFUSED,
            _("L'extension pieceJointeExtension ne correspond pas au nom du fichier."),
        )
    params.text(data.get("pieceJointeTypeMime"), "pieceJointeTypeMime", max_length=255)
    attachment = domain(prepared.upload_file, upload, actor=user)
    return ok(pieceJointeId=attachment.pk)


def deposit_pdf(user, data: Mapping) -> dict:
    name = params.text(data.get("nomFichier"), "nomFichier", max_length=200)
    if name and not name.lower().endswith(".pdf"):
        raise ApiError(ReturnCode.FILE_REFUSED, _("Le fichier nomFichier doit être un PDF (.pdf)."))
    if len(name) > 50:
        name = name[:46] + ".pdf"  # ATT-1 keeps 50 characters of the stored name
    upload = files.decoded(
        data.get("fichierFacture"), name, content_field="fichierFacture", name_field="nomFichier"
    )
    main = domain(upload_main_file, upload, actor=user)
    if main.detected.kind not in PDF_KINDS:
        raise ApiError(ReturnCode.FILE_REFUSED, _("Le fichier fichierFacture n'est pas un PDF."))
    found = main.prefill
    amount_ttc = found.amount_ttc
    return ok(
        pieceJointeId=main.attachment.pk,
        formatDepot=main.detected.kind,
        numeroFacture=found.invoice_number,
        dateFacture=day(found.invoice_date),
        codeDestinataire=found.recipient_siret,
        codeServiceExecutant=found.service_code,
        codeFournisseur=found.supplier_siret,
        codeDeviseFacture=found.currency,
        typeFacture=found.invoice_type,
        typeTva=None,
        numeroBonCommande=found.engagement_number,
        montantHtTotal=number(found.amount_ht),
        montantTVA=number(found.amount_tva),
        montantTtcAvantRemiseGlobalTTC=number(amount_ttc),
        montantAPayer=number(found.amount_to_pay),
    )
