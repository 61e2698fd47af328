"""The `transverses` API (API.md §5), except `consulterCR` / `consulterCRDetaille` (flows)."""

from __future__ import annotations

import base64
import csv
import io
import zipfile
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import Router

from api import pagination, params, referentials, scope
from api.auth import BearerOnly
from api.errors import EMPTY, ApiError, malformed, ok
from api.factures import deposit
from api.formats import day
from api.operations import register
from api.schemas import Empty, body
from invoicing.errors import ReturnCode
from portal.areas import AreaCode
from structures import access
from structures.directory.listing import directory_csv_rows
from structures.models import BankAccount, Structure
from structures.validators import validate_siret

router = Router(tags=["transverses"])

Paged = body("RecupererStructuresActives", "parametresRecherche", "idUtilisateurCourant")
BankDetails = body("RecupererCoordonneesBancairesValides", "idStructure", "idUtilisateurCourant")
States = body("RecupererEtatsPossiblesPourTraitement", "statutCourant", "idUtilisateurCourant")
Language = body("ReferentielLangue", "codeLangue")
FrameTypes = body("RecupererCadreFacturation", "typeDemandePaiement", "codeLangue")
PieceTypes = body("RecupererTypesPiecesJointes", "typeObjet", "codeLangue")
Refusals = body("RecupererMotifsRefus", "codeCadreFacturationAValider", "codeLangue")
FindRecipient = body(
    "RechercherDestinataire",
    "identifiant",
    "nomVilleCodePostal",
    "typeStructure",
    "parametresRecherche",
)
SiretInfo = body("ConsulterInformationsSIRET", "siretStructure")


@router.get("/v1/health-check", auth=BearerOnly(), operation_id="healthCheck")
def health_check(request):
    """§5.1: no body, no cpro-account."""
    return JsonResponse({"body": "OK", "statusCodeValue": 200, "statusCode": "OK"})


def _structure_page(data: Mapping):
    """`parametresRecherche` of the structure lists (§5.3, §5.7)."""
    return pagination.read(
        data.get("parametresRecherche"),
        field="parametresRecherche",
        sorts={"IdentifiantStructure": "identifier", "DesignationStructure": "company_name"},
        default="IdentifiantStructure",
    )


def _active_structures(user, data: Mapping, area: AreaCode | None) -> dict:
    qs = access.managed_structures(user).filter(is_active=True)
    if area is not None:
        qs = qs.filter(access.open_area_exists(area))
    page = _structure_page(data)
    rows, total = pagination.slice_of(qs, page)
    items = [
        {
            "idStructureCPP": s.pk,
            "identifiant": s.identifier,
            "designationStructure": s.company_name,
        }
        for s in rows
    ]
    return pagination.listing("listeStructures", items, page, total, top_level=True)


def active_for_supplier(user, data: Mapping) -> dict:
    """§5.3: ISSUED is always open."""
    return _active_structures(user, data, None)


def active_for_recipient(user, data: Mapping) -> dict:
    return _active_structures(user, data, AreaCode.RECEIVED)


def bank_details(user, data: Mapping) -> dict:
    structure_id = params.required_id(data.get("idStructure"), "idStructure")
    structure = scope.one(scope.structures_in_scope(user), structure_id)
    accounts = BankAccount.objects.filter(structure=structure, is_active=True).order_by(
        "label", "pk"
    )
    items = [{"idCoordonneeBancaire": a.pk, "nomCoordonneeBancaire": a.label} for a in accounts]
    body_ = ok(listeCoordonneeBancaire=items)
    if not items:
        body_.update(codeRetour=int(ReturnCode.NOT_FOUND), libelle=EMPTY)
    return body_


def find_recipient(user, data: Mapping) -> dict:
    """§5.7: active structures with RECEIVED open (DIR-2)."""
    qs = Structure.objects.filter(is_active=True).filter(access.open_area_exists(AreaCode.RECEIVED))
    identifier = params.text(data.get("identifiant"), "identifiant")
    if identifier:
        if len(identifier) < 3:
            raise ApiError(
                ReturnCode.FORMAT, _("Le champ identifiant doit compter au moins 3 caractères.")
            )
        qs = qs.filter(identifier__contains=identifier)
    term = params.text(data.get("nomVilleCodePostal"), "nomVilleCodePostal")
    if term:
        qs = qs.filter(
            Q(company_name__icontains=term) | Q(city__icontains=term) | Q(postcode__icontains=term)
        )
    kind = params.choice(data.get("typeStructure"), "typeStructure", ("PUBLIQUE", "PRIVEE"))
    if kind:
        qs = qs.filter(kind=kind)
    page = _structure_page(data)
    rows, total = pagination.slice_of(qs, page)
    items = [
        {
            "idStructureCPP": s.pk,
            "siret": s.identifier,
            "nomDestinataire": s.company_name,
            "adresseCodePostal": s.postcode or None,
            "adresseVille": s.city or None,
        }
        for s in rows
    ]
    return pagination.listing("listeDestinataires", items, page, total)


def directory(user, data: Mapping) -> dict:
    """§5.10: the active receiving structures as a CSV in a ZIP (the portal's rows)."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\n")
    receiving = Structure.objects.filter(is_active=True).filter(
        access.open_area_exists(AreaCode.RECEIVED)
    )
    writer.writerows(directory_csv_rows(receiving))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("annuaire_destinataires.csv", text.getvalue().encode("utf-8"))
    return ok(fichierResultat=base64.b64encode(buffer.getvalue()).decode("ascii"))


def siret_information(user, data: Mapping) -> dict:
    """§5.11: answered from the structures the mimic knows."""
    value = params.text(
        params.required(data.get("siretStructure"), "siretStructure"), "siretStructure"
    )
    try:
        compact = validate_siret(value)
    except ValidationError:
        raise malformed("siretStructure") from None
    structure = (
        Structure.objects.filter(identifier=compact)
        .order_by("-is_active", "-pk")
        .select_related("origin")
        .first()
    )
    if structure is None:
        raise ApiError(ReturnCode.NOT_FOUND, _("Aucune structure ne porte ce SIRET."))
    successor = (
        Structure.objects.filter(origin=structure).values_list("identifier", flat=True).first()
    )
    address = " ".join(p for p in (structure.street, structure.postcode, structure.city) if p)
    return ok(
        siret=compact,
        siren=compact[:9],
        raisonSociale=structure.company_name,
        adresse=address or None,
        estActif=structure.is_active,
        siege=True,
        civilite=None,
        categorieEntreprise=None,
        categorieJuridique=None,
        dateCreationEntreprise=None,
        dateCreationEtablissement=day(structure.created_at),
        dateReactivationEtablissement=None,
        localisationSiege=structure.city or None,
        nonDiffusibleInsee=False,
        numeroInterneClassement=None,
        siretPredecesseurSuccesseur=(
            structure.origin.identifier if structure.origin else successor
        ),
    )


for path, schema, handler, name in (
    ("/v1/ajouter/fichier", deposit.AddFile, deposit.add_file, "ajouterFichierDansSysteme"),
    (
        "/v1/recuperer/structures/actives/fournisseur",
        Paged,
        active_for_supplier,
        "recupererStructuresActivesPourFournisseur",
    ),
    (
        "/v1/recuperer/structures/actives/destinataire",
        Paged,
        active_for_recipient,
        "recupererStructuresActivesPourDestinataire",
    ),
    (
        "/v1/recuperer/coordbanc/valides",
        BankDetails,
        bank_details,
        "recupererCoordonneesBancairesValides",
    ),
    (
        "/v1/recuperer/etats/traitement",
        States,
        referentials.processing_states,
        "recupererEtatsPossiblesPourTraitement",
    ),
    ("/v1/recuperer/devises", Language, referentials.currencies, "recupererDevises"),
    ("/v1/recuperer/pays", Language, referentials.countries, "recupererPays"),
    ("/v1/recuperer/tauxtva", Language, referentials.vat_rates, "recupererTauxTva"),
    ("/v1/recuperer/modedepot", Empty, referentials.deposit_modes, "recupererModesDepot"),
    ("/v1/recuperer/modereglements", Empty, referentials.payment_modes, "recupererModesReglement"),
    (
        "/v1/recuperer/cadrefacturation",
        FrameTypes,
        referentials.frames,
        "recupererCadresFacturation",
    ),
    ("/v1/recuperer/typedp", Empty, referentials.request_types, "recupererTypesDemandePaiement"),
    (
        "/v1/recuperer/motifs/exonerationtva",
        Language,
        referentials.exemption_reasons,
        "recupererMotifsExonerationTva",
    ),
    ("/v1/recuperer/typespj", PieceTypes, referentials.piece_types, "recupererTypesPieceJointe"),
    (
        "/v1/recuperer/typeidentifiant/structure",
        Empty,
        referentials.identifier_types,
        "recupererTypesIdentifiantStructure",
    ),
    (
        "/v1/recuperer/motifs/refus/Facture/AValider",
        Refusals,
        referentials.refusal_reasons,
        "recupererMotifsRefusFactureAValider",
    ),
    ("/v1/rechercher/destinataire", FindRecipient, find_recipient, "rechercherDestinataire"),
    ("/v1/telecharger/annuaire/destinataire", Empty, directory, "telechargerAnnuaireDestinataire"),
    ("/v1/consulter/information/siret", SiretInfo, siret_information, "consulterInformationsSIRET"),
):
    register(router, path, schema, handler, operation_id=name)
