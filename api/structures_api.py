"""The `structures`, `utilisateurs` and `engagementsJuridiques` APIs (API.md §7-§9)."""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import Router

from api import pagination, params, scope
from api.errors import ApiError, ok
from api.formats import day, minute, number, or_none
from api.operations import register
from api.schemas import body
from commitments.models import Commitment
from invoicing.errors import ReturnCode
from structures.enums import IdentifierType, StructureKind
from structures.models import Service, Structure

structures_router = Router(tags=["structures"])
users_router = Router(tags=["utilisateurs"])
commitments_router = Router(tags=["engagementsJuridiques"])

Search = body("RechercherStructure", "structure", "restreindreStructuresPrivees", "parametres")
Consult = body("ConsulterStructure", "idStructureCPP", "codeLangue")
Services = body(
    "RechercherServicesStructure",
    "idStructure",
    "parametresRechercherServicesStructure",
    "idUtilisateurCourant",
)
ConsultService = body("ConsulterServiceStructure", "idStructure", "idService", "codeLangue")
Links = body("RecupererRattachementsMonCompte", "parametresRecherche")
Commitments = body(
    "RechercherEngagementJuridique",
    "structureReceptriceEngagementJuridique",
    "numeroEngagementJuridique",
    "etatCourantEngagementJuridique",
    "idFournisseur",
    "parametresRecherche",
)
STRUCTURE_SORTS = {
    "IdentifiantStructure": "identifier",
    "DesignationStructure": "company_name",
    "TypeIdentifiantStructure": "identifier_type",
    "Statut": "is_active",
}


def _visible_structures(user, restrict: bool):
    """§7.1/§7.2: public structures, plus private ones in scope (or all when not
    restricted)."""
    if not restrict:
        return Structure.objects.all()
    return Structure.objects.filter(
        Q(kind=StructureKind.PUBLIQUE) | Q(pk__in=scope.structures_in_scope(user).values("pk"))
    )


def search_structures(user, data: Mapping) -> dict:
    criteria = data.get("structure") if isinstance(data.get("structure"), dict) else {}
    restrict = params.boolean(
        data.get("restreindreStructuresPrivees"), "restreindreStructuresPrivees"
    )
    qs = _visible_structures(user, restrict is not False)
    identifier = params.text(criteria.get("identifiantStructure"), "identifiantStructure")
    if identifier:
        if len(identifier) < 3:
            raise ApiError(
                ReturnCode.FORMAT,
                _("Le champ identifiantStructure doit compter au moins 3 caractères."),
            )
        qs = qs.filter(identifier__contains=identifier)
    kind = params.choice(
        criteria.get("typeIdentifiantStructure"), "typeIdentifiantStructure", IdentifierType.values
    )
    if kind:
        qs = qs.filter(identifier_type=kind)
    for field in ("raisonSocialeStructure", "libelleStructure", "nomStructure"):
        value = params.text(criteria.get(field), field)
        if value:
            qs = qs.filter(company_name__icontains=value)
    for field, lookup in (
        ("adresseCodePostal", "postcode__iexact"),
        ("adresseVille", "city__icontains"),
        ("adresseCodePays", "country__iexact"),
    ):
        value = params.text(criteria.get(field), field)
        if value:
            qs = qs.filter(**{lookup: value})
    for field, attr in (("estMOA", "is_moa"), ("estMOAUniquement", "is_moa_only")):
        value = params.boolean(criteria.get(field), field)
        if value is not None:
            qs = qs.filter(**{attr: value})
    status = params.choice(criteria.get("statutStructure"), "statutStructure", ("ACTIF", "INACTIF"))
    if status:
        qs = qs.filter(is_active=status == "ACTIF")
    public = params.choice(criteria.get("typeStructure"), "typeStructure", StructureKind.values)
    if public:
        qs = qs.filter(kind=public)
    page = pagination.read(
        data.get("parametres"),
        field="parametres",
        sorts=STRUCTURE_SORTS,
        default="IdentifiantStructure",
    )
    rows, total = pagination.slice_of(qs, page)
    items = [
        {
            "idStructureCPP": s.pk,
            "identifiantStructure": s.identifier,
            "designationStructure": s.company_name,
            "typeIdentifiantStructure": s.identifier_type,
            "statut": "ACTIVE" if s.is_active else "INACTIVE",
        }
        for s in rows
    ]
    return pagination.listing("listeStructures", items, page, total)


def consult_structure(user, data: Mapping) -> dict:
    pk = params.required_id(data.get("idStructureCPP"), "idStructureCPP")
    structure = scope.one(_visible_structures(user, True).select_related("origin"), pk)
    in_scope = scope.structures_in_scope(user).filter(pk=pk).exists()
    duplicates = [
        {"structureDupliquee": ident}
        for ident in Structure.objects.filter(origin=structure).values_list("identifier", flat=True)
    ]
    information = {
        "idStructureCPP": structure.pk,
        "identifiantStructure": structure.identifier,
        "typeIdentifiantStructure": structure.identifier_type,
        "libelleStructure": structure.company_name,
        "raisonSocialeStructure": structure.company_name,
        "nomStructure": None,
        "prenomStructure": None,
        "emailStructure": or_none(structure.email),
        "numeroRcsStructure": or_none(structure.rcs_number),
        "numeroTVA": or_none(structure.vat_number),
        "structurePriveePublique": structure.kind,
        "estValideurDeleguee": structure.is_delegated_validator,
        "idStructureOrigine": structure.origin_id,
        "listeStructureDupliquees": duplicates,
    }
    if in_scope:
        information["dateExpirationMotPasseCompteTech"] = None
    return ok(
        informationGenerales=information,
        adressePostaleDuSiege={
            "adresse": or_none(structure.street),
            "complementAdresse1": or_none(structure.address_complement),
            "complementAdresse2": None,
            "codePostal": or_none(structure.postcode),
            "ville": or_none(structure.city),
            "pays": or_none(structure.country),
            "telephone": or_none(structure.phone),
            "indicatifTelephone": None,
            "fax": None,
            "indicatifFax": None,
        },
        parametres={
            "codeServiceDoitEtreRenseigne": structure.service_code_required,
            "numeroEJDoitEtreRenseigne": structure.engagement_required,
            "gestionNumeroEJOuCodeService": structure.engagement_or_service_required,
            "statutMiseEnPaiementNestPasRemonte": structure.payment_status_not_reported,
            "connexionEDI": structure.edi_connection,
            "recevoirDonneesViaEDI": structure.receive_data_via_edi,
            "estMOAUniquement": structure.is_moa_only,
            "estMOA": structure.is_moa,
            "estValideurDelegue": structure.is_delegated_validator,
            "getaMoa": False,
            "nonDiffusibleInsee": structure.not_publishable_insee,
        },
    )


def _service_row(service: Service) -> dict:
    return {
        "idService": service.pk,
        "codeService": service.code,
        "libelleService": service.name,
        "estActif": service.is_active,
        "statutService": "ACTIF" if service.is_active else "INACTIF",
        "dateDbtService": minute(service.valid_from),
        "dateFinService": minute(service.valid_until),
    }


def search_services(user, data: Mapping) -> dict:
    pk = params.required_id(data.get("idStructure"), "idStructure")
    structure = scope.one(_visible_structures(user, True), pk)
    page = pagination.read(
        data.get("parametresRechercherServicesStructure"),
        field="parametresRechercherServicesStructure",
        sorts={
            "CodeService": "code",
            "LibelleService": "name",
            "DateDbtService": "valid_from",
            "DateFinService": "valid_until",
            "EstActif": "is_active",
        },
        default="CodeService",
    )
    rows, total = pagination.slice_of(Service.objects.filter(structure=structure), page)
    return pagination.listing("listeServices", [_service_row(s) for s in rows], page, total)


def consult_service(user, data: Mapping) -> dict:
    structure_id = params.required_id(data.get("idStructure"), "idStructure")
    service_id = params.required_id(data.get("idService"), "idService")
    structure = scope.one(_visible_structures(user, True), structure_id)
    service = scope.one(Service.objects.filter(structure=structure), service_id)
    return ok(
        informationsGenerales={
            "codeService": service.code,
            "nomService": service.name,
            "descriptionService": or_none(service.description),
        },
        adressePostale={
            "adresse": or_none(service.street),
            "complementAdresse1": or_none(service.address_complement),
            "complementAdresse2": None,
            "codePostal": or_none(service.postcode),
            "ville": or_none(service.city),
            "pays": or_none(service.country),
        },
        parametres={
            "miseEnPaiement": service.payment_status_managed,
            "numeroEngagement": service.engagement_required,
            "dateCreation": day(service.created_at),
            "dateModification": day(service.updated_at),
            "dateDebutValidite": day(service.valid_from),
            "dateFinValidite": day(service.valid_until),
        },
    )


def my_links(user, data: Mapping) -> dict:
    """§8.1: one entry per structure in scope, as main manager (product decision)."""
    page = pagination.read(
        data.get("parametresRecherche"),
        field="parametresRecherche",
        sorts={"IdentifiantStructure": "identifier"},
        default="IdentifiantStructure",
    )
    qs = scope.structures_in_scope(user).prefetch_related("services")
    rows, total = pagination.slice_of(qs, page)
    items = [
        {
            "idStructure": s.pk,
            "identifiantStructure": s.identifier,
            "typeIdentifiantStructure": s.identifier_type,
            "designationStructure": s.company_name,
            "idRattachementStructure": s.pk,
            "roleUtilisateur": "GESTIONNAIRE_PRINCIPAL",
            "statutRattachementStructure": "VALIDEE",
            "statutUtilisateur": "ACTIF" if user.is_active else "INACTIF",
            "listeServicesRattache": [
                {
                    **_service_row(service),
                    "idRattachementService": service.pk,
                    "statutRattachementService": "VALIDEE",
                }
                for service in s.services.all()
            ],
        }
        for s in rows
    ]
    return pagination.listing("listeStructureRattachement", items, page, total)


def search_commitments(user, data: Mapping) -> dict:
    """§9.1: commitments whose receiving structure or supplier is in scope (EJ-5)."""
    in_scope = scope.structures_in_scope(user).values("pk")
    qs = Commitment.objects.filter(Q(recipient__in=in_scope) | Q(supplier__in=in_scope))
    recipient = params.optional_id(
        data.get("structureReceptriceEngagementJuridique"), "structureReceptriceEngagementJuridique"
    )
    if recipient is not None:
        qs = qs.filter(recipient_id=recipient)
    number_ = params.text(data.get("numeroEngagementJuridique"), "numeroEngagementJuridique")
    if number_:
        qs = qs.filter(number=number_)
    state = params.choice(
        data.get("etatCourantEngagementJuridique"),
        "etatCourantEngagementJuridique",
        ("COMMANDE", "INACTIF"),
    )
    if state:
        qs = qs.filter(is_active=state == "COMMANDE")
    supplier = params.optional_id(data.get("idFournisseur"), "idFournisseur")
    if supplier is not None:
        qs = qs.filter(supplier_id=supplier)
    page = pagination.read(
        data.get("parametresRecherche"),
        field="parametresRecherche",
        sorts={"NumeroEngagementJuridique": "number", "DateCreation": "created_at"},
        default="DateCreation",
        descending=True,
    )
    rows, total = pagination.slice_of(qs.select_related("recipient", "supplier", "service"), page)
    items = [
        {
            "idEngagementJuridique": c.pk,
            "numeroEngagementJuridique": c.number,
            "typeEngagementJuridique": c.commitment_type,
            "etatCourantEngagementJuridique": "COMMANDE" if c.is_active else "INACTIF",
            "idStructureReceptrice": c.recipient_id,
            "identifiantStructureReceptrice": c.recipient.identifier,
            "designationStructureReceptrice": c.recipient.company_name,
            "codeServiceExecutant": c.service.code if c.service else None,
            "idFournisseur": c.supplier_id,
            "identifiantFournisseur": c.supplier_identifier,
            "designationFournisseur": c.supplier.company_name if c.supplier else None,
            "montantHT": number(c.amount_ht),
            "devise": c.currency,
            "dateCreation": day(c.created_at),
            "reponseFournisseur": or_none(c.supplier_answer),
        }
        for c in rows
    ]
    return pagination.listing("listeEngagementJuridique", items, page, total)


register(
    structures_router,
    "/v1/rechercher",
    Search,
    search_structures,
    operation_id="rechercherStructure",
)
register(
    structures_router,
    "/v1/consulter",
    Consult,
    consult_structure,
    operation_id="consulterStructure",
)
register(
    structures_router,
    "/v1/rechercher/services",
    Services,
    search_services,
    operation_id="rechercherServicesStructure",
)
register(
    structures_router,
    "/v1/consulter/service",
    ConsultService,
    consult_service,
    operation_id="consulterServiceStructure",
)
register(
    users_router,
    "/v1/monCompte/recuperer/rattachements",
    Links,
    my_links,
    operation_id="recupererRattachementsMonCompte",
)
register(
    commitments_router,
    "/v1/rechercher",
    Commitments,
    search_commitments,
    operation_id="rechercherEngagementJuridique",
)
