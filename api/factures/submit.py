"""`soumettre` (API.md §6.2): the API's fields mapped onto the deposit form's, then
`invoicing.deposit.prepared.send_prepared` (the portal's checks of DOMAIN §5.4)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from api import files, params
from api.errors import ApiError, ok, unknown_value
from api.factures.deposit import domain
from api.formats import day
from api.references import EXEMPTION_TO_PORTAL, VAT_RATES
from api.schemas import body
from invoicing.deposit import prepared
from invoicing.deposit.services import ensure_certificate
from invoicing.enums import DepositMode
from invoicing.errors import ReturnCode
from portal.areas import AreaCode, Mode
from structures import access

Submit = body(
    "SoumettreFacture",
    "modeDepot",
    "numeroFactureSaisi",
    "dateFacture",
    "destinataire",
    "fournisseur",
    "cadreDeFacturation",
    "references",
    "lignePoste",
    "ligneTva",
    "montantTotal",
    "pieceJointePrincipale",
    "fichier",
    "pieceJointeComplementaire",
    "commentaire",
    "idUtilisateurCourant",
)
SUBMIT_MODES = (DepositMode.SAISIE_API, DepositMode.DEPOT_PDF_API, DepositMode.DEPOT_PDF_SIGNE_API)


def _vat_rate(line: Mapping, index: int):
    code = params.text(line.get("lignePosteTauxTva"), "lignePosteTauxTva")
    manual = params.amount(line.get("lignePosteTauxTvaManuel"), "lignePosteTauxTvaManuel")
    if code and manual is not None:
        raise ApiError(
            ReturnCode.FORMAT,
            _(
                "Ligne %(n)d : renseignez lignePosteTauxTva ou lignePosteTauxTvaManuel, pas les deux."
            )
            % {"n": index},
        )
    if code:
        if code not in VAT_RATES:
            raise unknown_value("lignePosteTauxTva", code)
        return VAT_RATES[code]
    if manual is None:
        raise ApiError(
            ReturnCode.FORMAT,
            _("Ligne %(n)d : le taux de TVA (lignePosteTauxTva) est obligatoire.") % {"n": index},
        )
    return manual


def _lines(values: Any) -> list[dict]:
    if params.is_empty(values):
        return []
    if isinstance(values, dict):
        values = [values]
    if not isinstance(values, list):
        raise ApiError(ReturnCode.FORMAT, _("Le champ lignePoste est mal formaté."))
    lines = []
    for index, line in enumerate(values, start=1):
        if not isinstance(line, dict):
            raise ApiError(ReturnCode.FORMAT, _("Le champ lignePoste est mal formaté."))
        for name in ("lignePosteDenomination", "lignePosteQuantite", "lignePosteMontantUnitaireHT"):
            if params.is_empty(line.get(name)):
                raise ApiError(
                    ReturnCode.FORMAT,
                    _("Ligne %(n)d : le champ %(field)s est obligatoire.")
                    % {"n": index, "field": name},
                )
        lines.append(
            {
                "designation": params.text(
                    line.get("lignePosteDenomination"), "lignePosteDenomination"
                ),
                "quantity": params.amount(line.get("lignePosteQuantite"), "lignePosteQuantite"),
                "unit_price": params.amount(
                    line.get("lignePosteMontantUnitaireHT"), "lignePosteMontantUnitaireHT"
                ),
                "discount": params.amount(
                    line.get("lignePosteMontantRemiseHT"), "lignePosteMontantRemiseHT"
                )
                or 0,
                "vat_rate": _vat_rate(line, index),
                "unit": params.text(line.get("lignePosteUnite"), "lignePosteUnite"),
                "reference": params.text(line.get("lignePosteReference"), "lignePosteReference"),
            }
        )
    return lines


def _vat_lines(values: Any) -> list[dict] | None:
    if params.is_empty(values):
        return None
    if isinstance(values, dict):
        values = [values]
    if not isinstance(values, list):
        raise ApiError(ReturnCode.FORMAT, _("Le champ ligneTva est mal formaté."))
    result = []
    for item in values:
        if not isinstance(item, dict):
            raise ApiError(ReturnCode.FORMAT, _("Le champ ligneTva est mal formaté."))
        code = params.text(item.get("ligneTvaTaux"), "ligneTvaTaux")
        if code and code not in VAT_RATES:
            raise unknown_value("ligneTvaTaux", code)
        rate = (
            VAT_RATES[code]
            if code
            else params.amount(item.get("ligneTvaTauxManuel"), "ligneTvaTauxManuel")
        )
        result.append(
            {
                "rate": rate if rate is not None else 0,
                "base_ht": params.amount(
                    item.get("ligneTvaMontantBaseHtParTaux"), "ligneTvaMontantBaseHtParTaux"
                )
                or 0,
                "amount_tva": params.amount(
                    item.get("ligneTvaMontantTvaParTaux"), "ligneTvaMontantTvaParTaux"
                )
                or 0,
            }
        )
    return result


def attachments_of(values: Any) -> list[prepared.Described]:
    if params.is_empty(values):
        return []
    if isinstance(values, dict):
        values = [values]
    if not isinstance(values, list):
        raise ApiError(ReturnCode.FORMAT, _("Le champ pieceJointeComplementaire est mal formaté."))
    items = []
    for item in values:
        if not isinstance(item, dict):
            raise ApiError(
                ReturnCode.FORMAT, _("Le champ pieceJointeComplementaire est mal formaté.")
            )
        items.append(
            prepared.Described(
                pk=params.required_id(
                    item.get("pieceJointeComplementaireId"), "pieceJointeComplementaireId"
                ),
                designation=params.text(
                    item.get("pieceJointeComplementaireDesignation"),
                    "pieceJointeComplementaireDesignation",
                ),
                attachment_type=params.text(
                    item.get("pieceJointeComplementaireType"), "pieceJointeComplementaireType"
                ),
            )
        )
    return items


def _main_id(user, data: Mapping) -> int | None:
    """TOL-7: an object or a list of one object; or the tolerated inline `fichier`."""
    main = data.get("pieceJointePrincipale")
    if isinstance(main, list):
        main = main[0] if main else None
    if isinstance(main, dict):
        found = params.optional_id(main.get("pieceJointePrincipaleId"), "pieceJointePrincipaleId")
        if found is not None:
            return found
    inline = data.get("fichier")
    if isinstance(inline, dict) and not params.is_empty(inline.get("contenuFichier")):
        upload = files.decoded(
            inline.get("contenuFichier"),
            inline.get("nomFichier") or "facture.pdf",
            content_field="fichier.contenuFichier",
            name_field="fichier.nomFichier",
        )
        return domain(prepared.upload_file, upload, actor=user).pk
    return None


def _supplier(user, data: Mapping):
    supplier_id = params.required_id(
        params.get(data, "fournisseur", "idFournisseur"), "fournisseur.idFournisseur"
    )
    supplier = (
        access.structures_with_area(user, AreaCode.ISSUED, Mode.CHANGE)
        .filter(pk=supplier_id, is_active=True)
        .first()
    )
    if supplier is None:
        raise ApiError(ReturnCode.SUPPLIER)
    return supplier


def _form_data(user, data: Mapping, mode: str) -> dict:
    get = params.get
    references = data.get("references") if isinstance(data.get("references"), dict) else {}
    totals = data.get("montantTotal") if isinstance(data.get("montantTotal"), dict) else {}
    frame = (
        data.get("cadreDeFacturation") if isinstance(data.get("cadreDeFacturation"), dict) else {}
    )
    for name in ("montantHtTotal", "montantTVA", "montantTtcTotal", "montantAPayer"):
        if params.is_empty(totals.get(name)):
            raise ApiError(
                ReturnCode.FORMAT,
                _("Le champ montantTotal.%(field)s est obligatoire.") % {"field": name},
            )
    if params.is_empty(references.get("typeFacture")):
        raise ApiError(ReturnCode.FORMAT, _("Le champ references.typeFacture est obligatoire."))
    exemption = params.text(references.get("motifExonerationTva"), "motifExonerationTva")
    number = params.text(data.get("numeroFactureSaisi"), "numeroFactureSaisi")
    if not number and mode != DepositMode.SAISIE_API:
        raise ApiError(ReturnCode.FORMAT, _("Le champ numeroFactureSaisi est obligatoire."))
    return {
        "supplier": _supplier(user, data),
        "frame": params.text(frame.get("codeCadreFacturation"), "codeCadreFacturation"),
        "number": number,
        "invoice_date": params.date(data.get("dateFacture"), "dateFacture"),
        "invoice_type": params.text(references.get("typeFacture"), "typeFacture"),
        "original_invoice_number": params.text(
            references.get("numeroFactureOrigine"), "numeroFactureOrigine"
        ),
        "currency": params.text(references.get("deviseFacture"), "deviseFacture") or "EUR",
        "vat_type": params.text(references.get("typeTva"), "typeTva"),
        "vat_exemption_reason": EXEMPTION_TO_PORTAL.get(exemption, exemption),
        "payment_mode": params.text(references.get("modePaiement"), "modePaiement"),
        "engagement_number": params.text(
            references.get("numeroBonCommande"), "numeroBonCommande", max_length=50
        ),
        "market_number": params.text(references.get("numeroMarche"), "numeroMarche"),
        "comment": params.text(data.get("commentaire"), "commentaire"),
        "amount_ht": params.amount(totals.get("montantHtTotal"), "montantHtTotal"),
        "amount_tva": params.amount(totals.get("montantTVA"), "montantTVA"),
        "amount_ttc": params.amount(totals.get("montantTtcTotal"), "montantTtcTotal"),
        "amount_to_pay": params.amount(totals.get("montantAPayer"), "montantAPayer"),
        "global_discount": params.amount(
            totals.get("montantRemiseGlobaleTTC"), "montantRemiseGlobaleTTC"
        )
        or 0,
        "global_discount_reason": params.text(
            totals.get("motifRemiseGlobaleTTC"), "motifRemiseGlobaleTTC"
        ),
        "supplier_service": params.optional_id(
            get(data, "fournisseur", "idServiceFournisseur"), "idServiceFournisseur"
        ),
        "bank_account": params.optional_id(
            get(data, "fournisseur", "codeCoordonneesBancairesFournisseur"),
            "codeCoordonneesBancairesFournisseur",
        ),
        "validator_identifier": params.text(
            frame.get("codeStructureValideur"), "codeStructureValideur"
        ),
        "validator_service_code": params.text(
            frame.get("codeServiceValideur"), "codeServiceValideur"
        ),
        "recipient_identifier": params.text(
            get(data, "destinataire", "codeDestinataire"), "codeDestinataire"
        ),
        "recipient_service_code": params.text(
            get(data, "destinataire", "codeServiceExecutant"), "codeServiceExecutant"
        ),
    }


def submit(user, data: Mapping) -> dict:
    mode = params.text(data.get("modeDepot"), "modeDepot")
    if not mode:
        raise ApiError(ReturnCode.FORMAT, _("Le champ modeDepot est obligatoire."))
    if mode not in SUBMIT_MODES:
        raise unknown_value("modeDepot", mode)
    entry = mode == DepositMode.SAISIE_API
    form = _form_data(user, data, mode)
    lines = _lines(data.get("lignePoste"))
    if entry:
        form["lines"] = lines
        vat_lines = _vat_lines(data.get("ligneTva"))
        if vat_lines is not None:
            form["vat_lines"] = vat_lines
    main_id = None if entry else _main_id(user, data)
    invoice = domain(
        prepared.send_prepared,
        form,
        actor=user,
        main_id=main_id,
        attachments=attachments_of(data.get("pieceJointeComplementaire")),
        is_entry_mode=entry,
    )
    # The answer carries the SHA-256 of the deposit certificate (API.md §6.2), so the API
    # renders it now, after the commit; the portal renders it on its first download.
    status_at_deposit = invoice.status  # DEPOSEE / A_VALIDER_1; T4 may follow at once
    invoice = ensure_certificate(invoice)
    return ok(
        identifiantFactureCPP=invoice.pk,
        numeroFacture=invoice.number,
        identifiantStructure=invoice.supplier_identifier,
        dateDepot=day(invoice.deposited_at),
        statutFacture=status_at_deposit,
        empreinteCertificatDepot=invoice.certificate_sha256 or None,
    )
