"""Reference lists of `transverses/v1/recuperer/…` (API.md §5.5, §5.6)."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from api import params
from api.errors import EMPTY, ok, unknown_value
from api.references import (
    ALL_STATUSES,
    ATTACHMENT_TYPES,
    CURRENCY_NAMES,
    EXEMPTION_REASONS,
    IDENTIFIER_TYPES,
    KNOWN_REQUEST_TYPES,
    MODES_DEPOT,
    OBJECT_TYPES,
    PAYMENT_MODES,
    REFUSAL_REASONS,
    REQUEST_TYPES,
    VAT_RATES,
)
from invoicing.enums import Frame, InvoiceStatus
from invoicing.errors import ReturnCode
from invoicing.models import Invoice
from invoicing.rules.fields import CURRENCIES
from invoicing.transitions import recipient_targets
from structures.countries import ISO_3166_ALPHA2
from structures.models import Structure


def simple_list(name: str, items: list) -> dict:
    result = ok(**{name: items})
    if not items:
        result.update(codeRetour=int(ReturnCode.NOT_FOUND), libelle=EMPTY)
    return result


def processing_states(user, data: Mapping) -> dict:
    status = params.required(data.get("statutCourant"), "statutCourant")
    if isinstance(status, list):
        status = status[0] if status else ""
    status = params.text(status, "statutCourant")
    if status not in ALL_STATUSES:
        raise unknown_value("statutCourant", status)
    targets = []
    if status in InvoiceStatus.values:
        probe = Invoice(pk=0, status=status, frame=Frame.A1, recipient=Structure())
        targets = recipient_targets(probe)
    return simple_list(
        "listeStatutsPossiblesPourTraitement",
        [{"statutPossiblePourTraitement": t} for t in targets],
    )


def currencies(user, data: Mapping) -> dict:
    return simple_list(
        "listeDevises",
        [{"codeDevise": c, "libelleDevise": str(CURRENCY_NAMES.get(c, c))} for c in CURRENCIES],
    )


def countries(user, data: Mapping) -> dict:
    return simple_list(
        "listePays",
        [
            {"codePays": code, "libellePays": _("France") if code == "FR" else code}
            for code in sorted(ISO_3166_ALPHA2, key=lambda c: (c != "FR", c))
        ],
    )


def vat_rates(user, data: Mapping) -> dict:
    return simple_list(
        "listeTauxTva",
        [
            {"codeTauxTva": code, "libelleTauxTva": f"{value} %", "valeurTauxTva": value}
            for code, value in VAT_RATES.items()
        ],
    )


def deposit_modes(user, data: Mapping) -> dict:
    return simple_list("listeModeDepot", [{"modeDepot": m} for m in MODES_DEPOT])


def payment_modes(user, data: Mapping) -> dict:
    return simple_list("listeModePaiement", [{"modePaiement": m} for m in PAYMENT_MODES])


def frames(user, data: Mapping) -> dict:
    kind = params.choice(
        data.get("typeDemandePaiement"), "typeDemandePaiement", KNOWN_REQUEST_TYPES
    )
    codes = REQUEST_TYPES.get(kind or "FACTURE", [])
    return simple_list("listeCadreFacturation", [{"codeCadreFacturation": c} for c in codes])


def request_types(user, data: Mapping) -> dict:
    return simple_list(
        "listeTypeDemandePaiement", [{"typeDemandePaiement": t} for t in REQUEST_TYPES]
    )


def exemption_reasons(user, data: Mapping) -> dict:
    return simple_list(
        "listeMotifsExonerationTva",
        [
            {"codeMotifExonerationTva": code, "libelleMotifExonerationTva": str(label)}
            for code, label in EXEMPTION_REASONS
        ],
    )


def piece_types(user, data: Mapping) -> dict:
    kind = params.choice(data.get("typeObjet"), "typeObjet", OBJECT_TYPES) or "FACTURE"
    items = (
        [
            {
                "idTypePieceJointe": pk,
                "codeTypePieceJointe": code,
                "libelleTypePieceJointe": str(label),
                "typeObjet": kind,
            }
            for pk, code, label in ATTACHMENT_TYPES
        ]
        if kind == "FACTURE"
        else []
    )
    return simple_list("listeTypePieceJointe", items)


def identifier_types(user, data: Mapping) -> dict:
    return simple_list(
        "listeTypeIdentifiant", [{"typeIdentifiantStructure": t} for t in IDENTIFIER_TYPES]
    )


def refusal_reasons(user, data: Mapping) -> dict:
    return simple_list(
        "listeMotifRefusFactureAValider",
        [
            {"idMotif": pk, "codeMotif": code, "libelleMotif": str(label)}
            for pk, code, label in REFUSAL_REASONS
        ],
    )
