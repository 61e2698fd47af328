"""`rechercher/fournisseur`, `rechercher/recipiendaire`, `rechercher/valideur` (API.md
§6.4-§6.6): the caller's scope and the body's criteria as `api.criteria.Criteria`, one
page read in one statement compiled once per shape of criteria (`api.pages`), its rows
built from the tuples (`api.factures.rows`)."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils import timezone
from django.utils.translation import gettext as _

from api import pages, pagination, params, scope
from api.criteria import Criteria
from api.errors import ApiError
from api.factures import rows
from api.references import ALL_STATUSES, KNOWN_REQUEST_TYPES, MODES_DEPOT
from api.schemas import body
from flows import services as flow_services
from invoicing.enums import InvoiceType, frame_from_code
from invoicing.errors import ReturnCode
from portal.areas import AreaCode

SORTS = {
    "DateDepot": "deposited_at",
    "DateFacture": "invoice_date",
    "NumeroFacture": "number",
    "DateHeureEtatCourant": "status_changed_at",
    "MontantTTC": "amount_ttc",
    "Statut": "status",
}
AMOUNTS = (
    ("montantHTMin", "amount_ht__gte"),
    ("montantHTMax", "amount_ht__lte"),
    ("montantTTCMin", "amount_ttc__gte"),
    ("montantTTCMax", "amount_ttc__lte"),
)
PERIODS = (
    ("periodeDateDepotDu", "deposited_at__date__gte"),
    ("periodeDateDepotAu", "deposited_at__date__lte"),
    ("periodeDateFactureDu", "invoice_date__gte"),
    ("periodeDateFactureAu", "invoice_date__lte"),
)
COMMON = (
    "numeroFacture",
    "numeroBonCommande",
    "numeroMarche",
    "statutCourant",
    "cadreFacturation",
    "montantHTMin",
    "montantHTMax",
    "montantTTCMin",
    "montantTTCMax",
    "montantAPayerMin",
    "montantAPayerMax",
    "periodeDateDepotDu",
    "periodeDateDepotAu",
    "periodeDateFactureDu",
    "periodeDateFactureAu",
    "idUtilisateurCourant",
)
SupplierSearch = body(
    "RechercherFactureParFournisseur",
    *COMMON,
    "idFournisseur",
    "idServiceFournisseur",
    "numeroFluxDepot",
    "numeroFactureOrigine",
    "typeFacture",
    "modeDepot",
    "rejetTraite",
    "coordonneeBancaire",
    "idStructureValideur",
    "idUtilisateurCreateur",
    "listeDestinataire",
    "rechercheSirenDestinataire",
    "periodeDateHeureEtatCourantDu",
    "periodeDateHeureEtatCourantAu",
    "recupererTaille",
    "rechercheFactureParFournisseur",
)
RecipientSearch = body(
    "RechercherFactureParRecipiendaire",
    *COMMON,
    "typeDemandePaiement",
    "idDestinataire",
    "idServiceExecutant",
    "listeFournisseurs",
    "rechercheSirenFournisseur",
    "listeTypeFacture",
    "listeTypeFactureTravaux",
    "idStructureValideur",
    "factureTelechargeeParDestinataire",
    "recupererTaille",
    "periodeDateHeureEtatCourantDu",
    "periodeDateHeureEtatCourantAu",
    "paramRecherche",
)
ValidatorSearch = body(
    "RechercherFactureParValideur",
    *COMMON,
    "typeDemandePaiement",
    "listeTypeFacture",
    "listeTypeFactureTravaux",
    "idDestinataire",
    "idFournisseur",
    "idServiceExecutant",
    "idServiceFournisseur",
    "idStructureValideur",
    "idStructureMoa",
    "idStructureMoe",
    "numeroEngagement",
    "rechercheSirenDestinataire",
    "rechercheSirenFournisseur",
    "pagination",
)


def _text_exact(criteria: Criteria, data: Mapping, field: str, lookup: str) -> None:
    value = params.text(data.get(field), field)
    if value:
        criteria.filter(f"{lookup}__iexact", value)


def _common(criteria: Criteria, data: Mapping) -> Criteria:
    _text_exact(criteria, data, "numeroFacture", "number")
    _text_exact(criteria, data, "numeroBonCommande", "engagement_number")
    _text_exact(criteria, data, "numeroMarche", "market_number")
    statuses = params.choices(data.get("statutCourant"), "statutCourant", ALL_STATUSES)
    if statuses:
        criteria.filter("status__in", statuses)
    frame_code = params.text(
        params.get(data, "cadreFacturation", "codeCadreFacturation"), "codeCadreFacturation"
    )
    if frame_code:
        frame = frame_from_code(frame_code)
        if frame is None:
            raise ApiError(
                ReturnCode.REFERENCE,
                _("Le cadre de facturation %(code)s est inconnu.") % {"code": frame_code},
            )
        criteria.filter("frame", frame)
    for field, lookup in AMOUNTS:
        value = params.amount(data.get(field), field)
        if value is not None:
            criteria.filter(lookup, value)
    for field in ("montantAPayerMin", "montantApayerMin"):
        value = params.amount(data.get(field), field)
        if value is not None:
            criteria.filter("amount_to_pay__gte", value)
    for field in ("montantAPayerMax", "montantApayerMax"):
        value = params.amount(data.get(field), field)
        if value is not None:
            criteria.filter("amount_to_pay__lte", value)
    for field, lookup in PERIODS:
        value = params.date(data.get(field), field)
        if value is not None:
            criteria.filter(lookup, value)
    for field, lookup in (
        ("periodeDateHeureEtatCourantDu", "status_changed_at__gte"),
        ("periodeDateHeureEtatCourantAu", "status_changed_at__lte"),
    ):
        value = params.datetime(data.get(field), field)
        if value is not None:
            criteria.filter(lookup, value)
    return criteria


def _invoice_types(criteria: Criteria, data: Mapping, field: str) -> None:
    types = params.choices(data.get(field), field, InvoiceType.values)
    if types:
        criteria.filter("invoice_type__in", types)


def _request_type(criteria: Criteria, data: Mapping) -> Criteria:
    """Only invoices (`FACTURE`) exist in phase 1: another known type finds nothing."""
    value = params.choice(
        data.get("typeDemandePaiement"), "typeDemandePaiement", KNOWN_REQUEST_TYPES
    )
    return criteria.none() if value and value != "FACTURE" else criteria


def _identifier(structure_id: int) -> str | None:
    from structures.models import Structure

    return Structure.objects.filter(pk=structure_id).values_list("identifier", flat=True).first()


def _with_size(data: Mapping) -> tuple[str, ...]:
    wanted = params.boolean(data.get("recupererTaille"), "recupererTaille")
    return ("total_size",) if wanted else ()


def _listing(columns, make_row, criteria: Criteria, page, extra=()) -> tuple[list, int]:
    """The page's rows (dicts) and the total, in one statement (api.pages)."""
    records, total = pages.page(
        columns, criteria, page.order, page.offset, page.per_page, tuple(extra)
    )
    tz = timezone.get_current_timezone()
    return [make_row(r, tz) for r in records], total


def search_supplier(user, data: Mapping) -> dict:
    criteria = _common(scope.supplier_criteria(user), data)
    supplier_id = params.optional_id(data.get("idFournisseur"), "idFournisseur")
    if supplier_id is not None:
        criteria.filter("supplier_id", supplier_id)
    for field, lookup in (
        ("idServiceFournisseur", "supplier_service_id"),
        ("coordonneeBancaire", "bank_account_id"),
        ("idStructureValideur", "validator_id"),
    ):
        value = params.optional_id(data.get(field), field)
        if value is not None:
            criteria.filter(lookup, value)
    flow_number = params.text(data.get("numeroFluxDepot"), "numeroFluxDepot", max_length=40)
    if flow_number:
        criteria.filter(flow_services.FLOW_NUMBER, flow_number.strip())
    _text_exact(criteria, data, "numeroFactureOrigine", "original_invoice_number")
    kind = params.choice(data.get("typeFacture"), "typeFacture", InvoiceType.values)
    if kind:
        criteria.filter("invoice_type", kind)
    mode = params.choice(data.get("modeDepot"), "modeDepot", MODES_DEPOT)
    if mode:
        criteria.filter("deposit_mode", mode)
    processed = params.boolean(data.get("rejetTraite"), "rejetTraite")
    if processed is not None:
        criteria.filter("rejection_processed", processed)
    creators = params.id_list(data.get("idUtilisateurCreateur"), "idUtilisateurCreateur")
    if creators:
        criteria.filter("created_by_id__in", creators)
    recipients = data.get("listeDestinataire")
    if isinstance(recipients, dict):
        recipients = [recipients]
    if isinstance(recipients, list) and recipients:
        siren = params.boolean(data.get("rechercheSirenDestinataire"), "rechercheSirenDestinataire")
        groups = []
        for item in recipients:
            if not isinstance(item, dict):
                continue
            rid = params.optional_id(item.get("idDestinataire"), "idDestinataire")
            services = params.id_list(
                item.get("listeIdServiceExecutant"), "listeIdServiceExecutant"
            )
            group = []
            if rid is not None:
                group = [("recipient_id", rid)]
                if siren:
                    prefix = (_identifier(rid) or "?")[:9]
                    group = [("recipient_identifier__startswith", prefix)]
            if services:
                group.append(("recipient_service_id__in", services))
            groups.append(group)
        criteria.any_of(groups)
    extra = _with_size(data)
    page = pagination.read(
        data.get("rechercheFactureParFournisseur"),
        field="rechercheFactureParFournisseur",
        sorts=SORTS,
        default="DateDepot",
        descending=True,
    )
    items, total = _listing(
        rows.SUPPLIER,
        lambda r, tz: rows.supplier_row(r, tz, with_size=bool(extra)),
        criteria,
        page,
        extra,
    )
    return pagination.listing("listeFactures", items, page, total)


def search_recipient(user, data: Mapping) -> dict:
    recipient_id = params.optional_id(data.get("idDestinataire"), "idDestinataire")
    scope.require_area_if_in_scope(user, recipient_id, AreaCode.RECEIVED)
    criteria = _request_type(_common(scope.recipient_criteria(user), data), data)
    if recipient_id is not None:
        criteria.filter("recipient_id", recipient_id)
    for field, lookup in (
        ("idServiceExecutant", "recipient_service_id"),
        ("idStructureValideur", "validator_id"),
    ):
        value = params.optional_id(data.get(field), field)
        if value is not None:
            criteria.filter(lookup, value)
    suppliers = data.get("listeFournisseurs")
    if isinstance(suppliers, dict):
        suppliers = [suppliers]
    if isinstance(suppliers, list) and suppliers:
        groups = []
        for item in suppliers:
            if not isinstance(item, dict):
                continue
            sid = params.optional_id(item.get("idFournisseur"), "idFournisseur")
            services = params.id_list(item.get("listeIdService"), "listeIdService")
            group = [("supplier_id", sid)] if sid is not None else []
            if services:
                group.append(("supplier_service_id__in", services))
            groups.append(group)
        criteria.any_of(groups)
    _invoice_types(criteria, data, "listeTypeFacture")
    downloaded = params.boolean(
        data.get("factureTelechargeeParDestinataire"), "factureTelechargeeParDestinataire"
    )
    if downloaded is not None:
        criteria.filter("downloaded_by_recipient_at__isnull", not downloaded)
    extra = _with_size(data)
    page = pagination.read(
        data.get("paramRecherche"),
        field="paramRecherche",
        sorts=SORTS,
        default="DateDepot",
        descending=True,
    )
    items, total = _listing(
        rows.RECIPIENT,
        lambda r, tz: rows.recipient_row(r, tz, with_size=bool(extra)),
        criteria,
        page,
        extra,
    )
    return pagination.listing("listeFactures", items, page, total, top_level=True)


def search_validator(user, data: Mapping) -> dict:
    validator_id = params.optional_id(data.get("idStructureValideur"), "idStructureValideur")
    scope.require_area_if_in_scope(user, validator_id, AreaCode.TO_VALIDATE)
    criteria = _request_type(_common(scope.validator_criteria(user), data), data)
    for field, lookup in (
        ("idStructureValideur", "validator_id"),
        ("idDestinataire", "recipient_id"),
        ("idFournisseur", "supplier_id"),
        ("idServiceExecutant", "recipient_service_id"),
        ("idServiceFournisseur", "supplier_service_id"),
    ):
        value = params.optional_id(data.get(field), field)
        if value is not None:
            criteria.filter(lookup, value)
    _text_exact(criteria, data, "numeroEngagement", "engagement_number")
    _invoice_types(criteria, data, "listeTypeFacture")
    page = pagination.read(
        data.get("pagination"),
        field="pagination",
        sorts=SORTS,
        default="DateDepot",
        descending=True,
    )
    items, total = _listing(rows.VALIDATOR, rows.validator_row, criteria, page)
    return pagination.listing("listeFactures", items, page, total)
