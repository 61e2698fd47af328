"""`rechercher/fournisseur`, `rechercher/recipiendaire`, `rechercher/valideur` (API.md
§6.4-§6.6): the scoped querysets filtered by the criteria, one page, two or three queries
whatever the number of rows."""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from api import pagination, params, prepared, scope
from api.errors import ApiError
from api.factures import detail, serialize
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


def _text_exact(qs: QuerySet, data: Mapping, field: str, lookup: str) -> QuerySet:
    value = params.text(data.get(field), field)
    return qs.filter(**{f"{lookup}__iexact": value}) if value else qs


def _common(qs: QuerySet, data: Mapping) -> QuerySet:
    qs = _text_exact(qs, data, "numeroFacture", "number")
    qs = _text_exact(qs, data, "numeroBonCommande", "engagement_number")
    qs = _text_exact(qs, data, "numeroMarche", "market_number")
    statuses = params.choices(data.get("statutCourant"), "statutCourant", ALL_STATUSES)
    if statuses:
        qs = qs.filter(status__in=statuses)
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
        qs = qs.filter(frame=frame)
    for field, lookup in AMOUNTS:
        value = params.amount(data.get(field), field)
        if value is not None:
            qs = qs.filter(**{lookup: value})
    for field in ("montantAPayerMin", "montantApayerMin"):
        value = params.amount(data.get(field), field)
        if value is not None:
            qs = qs.filter(amount_to_pay__gte=value)
    for field in ("montantAPayerMax", "montantApayerMax"):
        value = params.amount(data.get(field), field)
        if value is not None:
            qs = qs.filter(amount_to_pay__lte=value)
    for field, lookup in PERIODS:
        value = params.date(data.get(field), field)
        if value is not None:
            qs = qs.filter(**{lookup: value})
    for field, lookup in (
        ("periodeDateHeureEtatCourantDu", "status_changed_at__gte"),
        ("periodeDateHeureEtatCourantAu", "status_changed_at__lte"),
    ):
        value = params.datetime(data.get(field), field)
        if value is not None:
            qs = qs.filter(**{lookup: value})
    return qs


def _invoice_types(qs: QuerySet, data: Mapping, field: str) -> QuerySet:
    types = params.choices(data.get(field), field, InvoiceType.values)
    return qs.filter(invoice_type__in=types) if types else qs


def _request_type(qs: QuerySet, data: Mapping) -> QuerySet:
    """Only invoices (`FACTURE`) exist in phase 1: another known type finds nothing."""
    value = params.choice(
        data.get("typeDemandePaiement"), "typeDemandePaiement", KNOWN_REQUEST_TYPES
    )
    return qs.none() if value and value != "FACTURE" else qs


def _siren_or_id(qs, data, id_field, siren_field, lookup, identifier_lookup):
    structure_id = params.optional_id(data.get(id_field), id_field)
    if structure_id is None:
        return qs
    if params.boolean(data.get(siren_field), siren_field):
        from structures.models import Structure

        identifier = (
            Structure.objects.filter(pk=structure_id).values_list("identifier", flat=True).first()
        )
        if identifier:
            return qs.filter(**{f"{identifier_lookup}__startswith": identifier[:9]})
        return qs.none()
    return qs.filter(**{lookup: structure_id})


def _with_size(qs: QuerySet, data: Mapping) -> tuple[QuerySet, bool]:
    wanted = bool(params.boolean(data.get("recupererTaille"), "recupererTaille"))
    if wanted:
        qs = qs.annotate(total_size=Sum("attachments__size"))
    return qs, wanted


def search_supplier(user, data: Mapping) -> dict:
    qs = _common(scope.supplier_invoices(user), data)
    qs = _siren_or_id(qs, data, "idFournisseur", "_", "supplier_id", "supplier_identifier")
    for field, lookup in (
        ("idServiceFournisseur", "supplier_service_id"),
        ("coordonneeBancaire", "bank_account_id"),
        ("idStructureValideur", "validator_id"),
    ):
        value = params.optional_id(data.get(field), field)
        if value is not None:
            qs = qs.filter(**{lookup: value})
    flow_number = params.text(data.get("numeroFluxDepot"), "numeroFluxDepot", max_length=40)
    if flow_number:
        qs = flow_services.invoices_of_flow(qs, flow_number)
    qs = _text_exact(qs, data, "numeroFactureOrigine", "original_invoice_number")
    kind = params.choice(data.get("typeFacture"), "typeFacture", InvoiceType.values)
    if kind:
        qs = qs.filter(invoice_type=kind)
    mode = params.choice(data.get("modeDepot"), "modeDepot", MODES_DEPOT)
    if mode:
        qs = qs.filter(deposit_mode=mode)
    processed = params.boolean(data.get("rejetTraite"), "rejetTraite")
    if processed is not None:
        qs = qs.filter(rejection_processed=processed)
    creators = params.id_list(data.get("idUtilisateurCreateur"), "idUtilisateurCreateur")
    if creators:
        qs = qs.filter(created_by_id__in=creators)
    recipients = data.get("listeDestinataire")
    if isinstance(recipients, dict):
        recipients = [recipients]
    if isinstance(recipients, list) and recipients:
        siren = params.boolean(data.get("rechercheSirenDestinataire"), "rechercheSirenDestinataire")
        condition = Q()
        for item in recipients:
            if not isinstance(item, dict):
                continue
            rid = params.optional_id(item.get("idDestinataire"), "idDestinataire")
            services = params.id_list(
                item.get("listeIdServiceExecutant"), "listeIdServiceExecutant"
            )
            part = Q()
            if rid is not None:
                part &= Q(recipient_id=rid)
                if siren:
                    from structures.models import Structure

                    ident = (
                        Structure.objects.filter(pk=rid)
                        .values_list("identifier", flat=True)
                        .first()
                    )
                    part = Q(recipient_identifier__startswith=(ident or "?")[:9])
            if services:
                part &= Q(recipient_service_id__in=services)
            condition |= part
        if condition:
            qs = qs.filter(condition)
    qs, with_size = _with_size(qs, data)
    page = pagination.read(
        data.get("rechercheFactureParFournisseur"),
        field="rechercheFactureParFournisseur",
        sorts=SORTS,
        default="DateDepot",
        descending=True,
    )
    # The page and its total in one statement (issue 12), else two.
    found = prepared.page_of(
        qs, page, detail.supplier_rows, extra=("total_size",) if with_size else ()
    ) or pagination.slice_of(detail.supplier_rows(qs), page)
    rows, total = found
    items = [serialize.supplier_row(i, with_size=with_size) for i in rows]
    return pagination.listing("listeFactures", items, page, total)


def search_recipient(user, data: Mapping) -> dict:
    recipient_id = params.optional_id(data.get("idDestinataire"), "idDestinataire")
    scope.require_area_if_in_scope(user, recipient_id, AreaCode.RECEIVED)
    qs = _request_type(_common(scope.recipient_invoices(user), data), data)
    if recipient_id is not None:
        qs = qs.filter(recipient_id=recipient_id)
    service = params.optional_id(data.get("idServiceExecutant"), "idServiceExecutant")
    if service is not None:
        qs = qs.filter(recipient_service_id=service)
    validator = params.optional_id(data.get("idStructureValideur"), "idStructureValideur")
    if validator is not None:
        qs = qs.filter(validator_id=validator)
    suppliers = data.get("listeFournisseurs")
    if isinstance(suppliers, dict):
        suppliers = [suppliers]
    if isinstance(suppliers, list) and suppliers:
        condition = Q()
        for item in suppliers:
            if not isinstance(item, dict):
                continue
            sid = params.optional_id(item.get("idFournisseur"), "idFournisseur")
            services = params.id_list(item.get("listeIdService"), "listeIdService")
            part = Q(supplier_id=sid) if sid is not None else Q()
            if services:
                part &= Q(supplier_service_id__in=services)
            condition |= part
        if condition:
            qs = qs.filter(condition)
    qs = _invoice_types(qs, data, "listeTypeFacture")
    downloaded = params.boolean(
        data.get("factureTelechargeeParDestinataire"), "factureTelechargeeParDestinataire"
    )
    if downloaded is not None:
        qs = qs.filter(downloaded_by_recipient_at__isnull=not downloaded)
    qs, with_size = _with_size(qs, data)
    page = pagination.read(
        data.get("paramRecherche"),
        field="paramRecherche",
        sorts=SORTS,
        default="DateDepot",
        descending=True,
    )
    rows, total = pagination.slice_of(serialize.for_lists(qs), page)
    items = [serialize.recipient_row(i, with_size=with_size) for i in rows]
    return pagination.listing("listeFactures", items, page, total, top_level=True)


def search_validator(user, data: Mapping) -> dict:
    validator_id = params.optional_id(data.get("idStructureValideur"), "idStructureValideur")
    scope.require_area_if_in_scope(user, validator_id, AreaCode.TO_VALIDATE)
    qs = _request_type(_common(scope.validator_invoices(user), data), data)
    for field, lookup in (
        ("idStructureValideur", "validator_id"),
        ("idDestinataire", "recipient_id"),
        ("idFournisseur", "supplier_id"),
        ("idServiceExecutant", "recipient_service_id"),
        ("idServiceFournisseur", "supplier_service_id"),
    ):
        value = params.optional_id(data.get(field), field)
        if value is not None:
            qs = qs.filter(**{lookup: value})
    qs = _text_exact(qs, data, "numeroEngagement", "engagement_number")
    qs = _invoice_types(qs, data, "listeTypeFacture")
    page = pagination.read(
        data.get("pagination"),
        field="pagination",
        sorts=SORTS,
        default="DateDepot",
        descending=True,
    )
    rows, total = pagination.slice_of(serialize.for_lists(qs), page)
    return pagination.listing(
        "listeFactures", [serialize.validator_row(i) for i in rows], page, total
    )
