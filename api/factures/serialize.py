"""Invoices as the API shows them (API.md §6.4-§6.8)."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import QuerySet

from api.formats import day, iso, number, or_none
from invoicing.models import Attachment, Invoice, InvoiceLine, VatLine

# The recipient's service is shown from the invoice's own copies (code, name): not joined.
LIST_RELATED = ("supplier_service", "validator", "created_by")


def for_lists(queryset: QuerySet[Invoice]) -> QuerySet[Invoice]:
    return queryset.select_related(*LIST_RELATED)


def _flow_number(invoice: Invoice) -> str | None:
    """The `numeroFluxDepot` of an invoice integrated from a flow (issue 13), else None."""
    try:
        return invoice.flow_link.flow.number
    except ObjectDoesNotExist:
        return None


def _service(service, attr: str):
    return getattr(service, attr, None) if service is not None else None


def _creator(invoice: Invoice) -> str | None:
    user = invoice.created_by
    if user is None:
        return None
    return or_none(f"{user.last_name} {user.first_name}".strip()) or user.email


def _parties(invoice: Invoice) -> dict:
    """The supplier and recipient fields every invoice list row carries (§6.4, §6.5)."""
    return {
        "codeFournisseur": invoice.supplier_identifier,
        "typeIdentifiantFournisseur": or_none(invoice.supplier_identifier_type),
        "designationFournisseur": invoice.supplier_name,
        "codeServiceFournisseur": _service(invoice.supplier_service, "code"),
        "nomServiceFournisseur": _service(invoice.supplier_service, "name"),
        "idDestinataire": invoice.recipient_id,
        "codeDestinataire": or_none(invoice.recipient_identifier),
        "designationDestinataire": or_none(invoice.recipient_name),
        "idServiceExecutant": invoice.recipient_service_id,
        "codeServiceExecutant": or_none(invoice.recipient_service_code),
        "nomServiceExecutant": or_none(invoice.recipient_service_name),
    }


# The rows of the searches from the ORM's instances: the reference the rows built from the
# database's tuples (api.factures.rows, what the searches answer) are held equal to
# (tests/api/test_tuple_rows.py).


def supplier_row(invoice: Invoice, *, with_size: bool = False) -> dict:
    """§6.4 `rechercher/fournisseur`."""
    row = {
        "identifiantFactureCPP": invoice.pk,
        "numeroFacture": invoice.number,
        "statut": invoice.status,
        "numeroFluxDepot": _flow_number(invoice),
        "typeDemandePaiement": "FACTURE",
        "typeFacture": invoice.invoice_type,
        "modeDepot": or_none(invoice.deposit_mode),
        **_parties(invoice),
        "dateFacture": day(invoice.invoice_date),
        "dateDepot": day(invoice.deposited_at),
        "dateHeureEtatCourant": iso(invoice.status_changed_at),
        "commentaireEtatCourant": or_none(invoice.status_comment),
        "montantHT": number(invoice.amount_ht),
        "montantTTC": number(invoice.amount_ttc),
        "montantAPayer": number(invoice.amount_to_pay),
        "devise": invoice.currency,
        "rejetTraite": invoice.rejection_processed,
        "taille": getattr(invoice, "total_size", None) if with_size else None,
        "nomPrenomUtilisateurCreateur": _creator(invoice),
        "numeroBonCommande": or_none(invoice.engagement_number),
        "numeroMarche": or_none(invoice.market_number),
        "numeroFactureOrigine": or_none(invoice.original_invoice_number),
        "codeValideur1": or_none(invoice.validator_identifier),
        "raisonSocialeValideur1": or_none(invoice.validator_name),
        "typeIdentifiantValideur1": _service(invoice.validator, "identifier_type"),
        "dateValidation1": None,
    }
    return row


def recipient_row(invoice: Invoice, *, with_size: bool = False) -> dict:
    """§6.5 `rechercher/recipiendaire`."""
    return {
        "idFacture": invoice.pk,
        "numeroFacture": invoice.number,
        "statut": invoice.status,
        "typeDemandePaiement": "FACTURE",
        "typeFacture": invoice.invoice_type,
        "typeFactureTravaux": None,
        **_parties(invoice),
        "dateDepot": day(invoice.deposited_at),
        "dateFacture": day(invoice.invoice_date),
        "dateHeureEtatCourant": iso(invoice.status_changed_at),
        "commentaireEtatCourant": or_none(invoice.status_comment),
        "devise": invoice.currency,
        "montantHT": number(invoice.amount_ht),
        "montantTTC": number(invoice.amount_ttc),
        "montantAPayer": number(invoice.amount_to_pay),
        "numeroBonCommande": or_none(invoice.engagement_number),
        "numeroMarche": or_none(invoice.market_number),
        "factureTelechargeeParDestinataire": invoice.downloaded_by_recipient_at is not None,
        "taille": getattr(invoice, "total_size", None) if with_size else None,
        "codeMOA": None,
        "codeMOE": None,
        "designationMOA": None,
        "designationMOE": None,
        "typeIdentifiantMOA": None,
        "typeIdentifiantMOE": None,
    }


def validator_row(invoice: Invoice) -> dict:
    """§6.6 `rechercher/valideur`."""
    return {
        "idFacture": invoice.pk,
        "numeroFacture": invoice.number,
        "statut": invoice.status,
        "typeDemandePaiement": "FACTURE",
        "typeFacture": invoice.invoice_type,
        "dateDepot": day(invoice.deposited_at),
        "dateFacture": day(invoice.invoice_date),
        "idFournisseur": invoice.supplier_id,
        "identifiantFournisseur": invoice.supplier_identifier,
        "typeIdentifiantFournisseur": or_none(invoice.supplier_identifier_type),
        "designationFournisseur": invoice.supplier_name,
        "codeServiceFournisseur": _service(invoice.supplier_service, "code"),
        "nomServiceFournisseur": _service(invoice.supplier_service, "name"),
        "idDestinataire": invoice.recipient_id,
        "identifiantDestinataire": or_none(invoice.recipient_identifier),
        "typeIdentifiantDestinataire": "SIRET" if invoice.recipient_identifier else None,
        "designationDestinataire": or_none(invoice.recipient_name),
        "idServiceExecutant": invoice.recipient_service_id,
        "codeServiceExecutant": or_none(invoice.recipient_service_code),
        "nomServiceExecutant": or_none(invoice.recipient_service_name),
        "idValideur": invoice.validator_id,
        "identifiantValideur": or_none(invoice.validator_identifier),
        "typeIdentifiantValideur": _service(invoice.validator, "identifier_type"),
        "designationValideur": or_none(invoice.validator_name),
        "montantHT": number(invoice.amount_ht),
        "montantTTC": number(invoice.amount_ttc),
        "montantAPayer": number(invoice.amount_to_pay),
        "devise": invoice.currency,
        "numeroEngagement": or_none(invoice.engagement_number),
        "numeroMarche": or_none(invoice.market_number),
    }


# --- One invoice in full (§6.7) ----------------------------------------------------------


def for_detail(queryset: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """One invoice with its parties; its sub-lists come from `sub_lists`."""
    return queryset.select_related(
        "supplier",
        "supplier_service",
        "recipient",
        "bank_account",
        "validator",
    )


# The sub-lists of one invoice, in order. The models' orderings start with "invoice" (a
# join to sort by the invoice's own ordering): within one invoice, the position (the rate)
# alone gives the same order.
SUB_LISTS = {
    "lines": (InvoiceLine, ("position", "pk")),
    "vat_lines": (VatLine, ("rate", "pk")),
    "attachments": (Attachment, ("pk",)),
}
_SENTINEL = -7_000_000_002  # an invoice id no row has: marks where the id goes
_sub_list_sql: dict[tuple[str, str], str] = {}


def sub_lists(invoice: Invoice) -> dict[str, list]:
    """{"lines"|"vat_lines"|"attachments": rows} of one invoice, a query each. The same
    three statements serve every invoice: the ORM compiles them once per process (issue 12:
    compiling took more time than running them), each run with this invoice's id."""
    result = {}
    for name, (model, ordering) in SUB_LISTS.items():
        key = (connection.vendor, name)
        if key not in _sub_list_sql:
            query = model.objects.filter(invoice_id=_SENTINEL).order_by(*ordering).query
            sql, params = query.sql_with_params()
            if list(params) != [_SENTINEL]:  # pragma: no cover - an ORM change
                result[name] = list(model.objects.filter(invoice=invoice).order_by(*ordering))
                continue
            _sub_list_sql[key] = sql
        result[name] = list(model.objects.raw(_sub_list_sql[key], [invoice.pk]))
    return result


def _sub_page(items: list, suffix: str, request: dict | None = None) -> tuple[list, dict]:
    """§6.7 sub-lists: the page asked by `request` (fields with any suffix, e.g.
    nbResultatsParPageLignesPoste), answered with the response's suffix. PAG-1: 100 rows
    by default, at most 1000."""
    per_page, number = DEFAULT_SUB_PAGE, 1
    for key, value in (request or {}).items():
        if isinstance(value, (int, str)) and str(value).strip().isdigit() and int(value) > 0:
            if key.startswith("nbResultatsParPage"):
                per_page = min(int(value), MAX_SUB_PAGE)
            elif key.startswith("pageResultatDemandee"):
                number = int(value)
    total = len(items)
    shown = items[(number - 1) * per_page : number * per_page]
    return shown, {
        f"nbResultatsParPage{suffix}": per_page,
        f"pageCourante{suffix}": number,
        f"pages{suffix}": -(-total // per_page),
        f"total{suffix}": total,
    }


MAX_SUB_PAGE = 1000
DEFAULT_SUB_PAGE = 100


def _vat_code(rate) -> str | None:
    from api.references import VAT_CODE_BY_RATE

    return VAT_CODE_BY_RATE.get(number(rate))


def full(invoice: Invoice, pages: dict | None = None, related: dict | None = None) -> dict:
    """The invoice in full; `pages` = {"lines"|"vat"|"attachments": the request's
    pagination object of that sub-list}; `related` = `sub_lists(invoice)`."""
    pages = pages or {}
    related = related if related is not None else sub_lists(invoice)
    recipient, supplier, bank = invoice.recipient, invoice.supplier, invoice.bank_account
    attachments = related["attachments"]
    main = next((a for a in attachments if a.is_main), None)
    lines = [
        {
            "lignePosteNumero": line.position,
            "lignePosteReference": or_none(line.reference),
            "lignePosteDenomination": line.designation,
            "lignePosteQuantite": number(line.quantity),
            "lignePosteUniteLibelle": or_none(line.unit),
            "lignePosteMontantUnitaireHT": number(line.unit_price),
            "lignePosteMontantRemiseHT": number(line.discount),
            "lignePosteTauxTva": _vat_code(line.vat_rate),
            "lignePosteTauxTvaManuel": number(line.vat_rate),
            "lignePosteMontantHtApresRemise": number(line.amount_ht),
            "lignePosteMontantTva": number(line.amount_ht * line.vat_rate / 100),
            "lignePosteMontantTtcApresRemise": number(line.amount_ht * (100 + line.vat_rate) / 100),
        }
        for line in related["lines"]
    ]
    vat_lines = [
        {
            "ligneTvaTauxRefCode": _vat_code(vat.rate),
            "ligneTvaTauxRefLibelle": f"{number(vat.rate)} %",
            "ligneTvaTauxRefValeur": number(vat.rate),
            "ligneTvaTauxManuel": number(vat.rate),
            "ligneTvaMontantBaseHtParTaux": number(vat.base_ht),
            "ligneTvaMontantTvaParTaux": number(vat.amount_tva),
        }
        for vat in related["vat_lines"]
    ]
    pieces = [
        {
            "pieceJointeId": a.pk,
            "pieceJointeIdLiaison": a.pk,
            "pieceJointeDesignation": or_none(a.designation) or a.original_name,
            "pieceJointeExtension": a.original_name.rpartition(".")[2].upper() or None,
            "pieceJointeTypeCode": "FACTURE" if a.is_main else or_none(a.attachment_type),
            "pieceJointeTypeLibelle": or_none(a.get_attachment_type_display()),
            "pieceJointeNumeroLigneFacture": None,
        }
        for a in attachments
    ]
    return {
        "identifiantFactureCPP": invoice.pk,
        "numeroFacture": invoice.number,
        "statutFacture": invoice.status,
        "modeDepot": or_none(invoice.deposit_mode),
        "commentaire": or_none(invoice.comment),
        "cadreDeFacturation": {
            "codeCadreFacturation": invoice.frame,
            "codeValideur1": or_none(invoice.validator_identifier),
            "idValideur1": invoice.validator_id,
            "nomValideur1": None,
            "prenomValideur1": None,
            "raisonSocialeValideur1": or_none(invoice.validator_name),
            "typeIdentifiantValideur1": _service(invoice.validator, "identifier_type"),
            "dateValidation1": None,
        },
        "destinataire": {
            "codeDestinataire": or_none(invoice.recipient_identifier),
            "idDestinataire": invoice.recipient_id,
            "libelleDestinataire": or_none(invoice.recipient_name),
            "codeServiceExecutant": or_none(invoice.recipient_service_code),
            "idServiceExecutant": invoice.recipient_service_id,
            "libelleServiceExecutant": or_none(invoice.recipient_service_name),
            "destinataireEtat": bool(recipient and recipient.is_public),
            "adresseDestinataireDetail": or_none(_service(recipient, "street")),
            "adresseDestinataireComplement1": or_none(_service(recipient, "address_complement")),
            "adresseDestinataireComplement2": None,
            "adresseDestinataireCodePostal": or_none(_service(recipient, "postcode")),
            "adresseDestinataireVille": or_none(_service(recipient, "city")),
            "adresseDestinataireCodePays": or_none(_service(recipient, "country")),
            "adresseDestinataireLibellePays": None,
        },
        "fournisseur": {
            "idFournisseur": invoice.supplier_id,
            "codeFournisseur": invoice.supplier_identifier,
            "typeIdentifiantFournisseur": or_none(invoice.supplier_identifier_type),
            "designationFournisseur": invoice.supplier_name,
            "idServiceFournisseur": invoice.supplier_service_id,
            "codeServiceFournisseur": _service(invoice.supplier_service, "code"),
            "libelleServiceFournisseur": _service(invoice.supplier_service, "name"),
            "numeroRcsFournisseur": or_none(_service(supplier, "rcs_number")),
            "adresseFournisseurDetail": or_none(_service(supplier, "street")),
            "adresseFournisseurCodePostal": or_none(_service(supplier, "postcode")),
            "adresseFournisseurVille": or_none(_service(supplier, "city")),
            "adresseFournisseurCodePays": or_none(_service(supplier, "country")),
            "coordBancairesFournisseurId": invoice.bank_account_id,
            "coordBancairesFournisseurLibelle": _service(bank, "label"),
            "coordBancairesFournisseurCompteBancaire": or_none(invoice.supplier_iban),
            "coordBancairesBicSwift": _service(bank, "bic"),
            "affactureur": None,
        },
        "references": {
            "typeFacture": invoice.invoice_type,
            "typeTva": or_none(invoice.vat_type),
            "codeDeviseFacture": invoice.currency,
            "libelleDeviseFacture": invoice.currency,
            "modePaiement": or_none(invoice.payment_mode),
            "dateFacture": day(invoice.invoice_date),
            "dateDepot": day(invoice.deposited_at),
            "dateEcheancePaiement": day(invoice.due_date) if recipient else None,
            "dateCreationFacture": day(invoice.created_at),
            "motifExonerationTva": or_none(invoice.vat_exemption_reason),
            "libelleMotifExonerationTva": or_none(invoice.get_vat_exemption_reason_display()),
            "numeroBonCommande": or_none(invoice.engagement_number),
            "numeroMarche": or_none(invoice.market_number),
            "numeroFactureOrigine": or_none(invoice.original_invoice_number),
            "numeroDpMandat": or_none(invoice.mandate_number),
            "tailleTotalePiecesJointes": sum(a.size for a in attachments),
        },
        "montantTotal": {
            "montantHtTotal": number(invoice.amount_ht),
            "montantTVA": number(invoice.amount_tva),
            "montantTtcAvantRemiseGlobalTTC": number(invoice.amount_ttc + invoice.global_discount),
            "montantRemiseGlobaleTTC": number(invoice.global_discount),
            "motifRemiseGlobaleTTC": or_none(invoice.global_discount_reason),
            "montantTtcTotal": number(invoice.amount_ttc),
            "montantAPayer": number(invoice.amount_to_pay),
        },
        "lignesDePoste": _sub_list("lignePoste", lines, "LignesPoste", pages.get("lines")),
        "recapitulatifDeTva": _sub_list(
            "ligneTva", vat_lines, "LignesRecapitulativesTVA", pages.get("vat")
        ),
        "listeDesPiecesJointes": _sub_list(
            "pieceJointe", pieces, "ListePiecesJointe", pages.get("attachments")
        ),
        "pieceJointePrincipale": {
            "idPieceJointePrincipale": main.pk if main else None,
            "idLiaisonPieceJointePrincipale": main.pk if main else None,
        },
    }


def _sub_list(name: str, items: list, suffix: str, request) -> dict:
    shown, pagination = _sub_page(items, suffix, request if isinstance(request, dict) else None)
    return {name: shown, **pagination}
