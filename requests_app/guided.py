"""The two guided requests of SOL-3, carried out by the support desk (SOL-6, ROL-4):
"Demande de création de structure publique" and "Désignation d'un nouveau gestionnaire
principal". Their data is checked at creation and kept in `Sollicitation.details`; carrying
one out goes through the structures services (the access layer is theirs)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from requests_app.enums import Subcategory
from structures import identifier_change, identity, memberships
from structures.enums import IdentifierType
from structures.validators import validate_identifier

# SOL-3: the fields each guided request requires, with their labels.
FIELDS = {
    Subcategory.CREATION_STRUCTURE_PUBLIQUE: {
        "legal_status": gettext_lazy("Statut juridique"),
        "siret": gettext_lazy("SIRET"),
        "company_name": gettext_lazy("Raison sociale"),
        "street": gettext_lazy("Adresse"),
        "postcode": gettext_lazy("Code postal"),
        "city": gettext_lazy("Ville"),
        "country": gettext_lazy("Pays"),
    },
    Subcategory.NOUVEAU_GESTIONNAIRE_PRINCIPAL: {
        "structure_identifier": gettext_lazy("Identifiant de la structure"),
        "email": gettext_lazy("Adresse de connexion du nouveau gestionnaire principal"),
    },
}
ALL_FIELDS = tuple(name for fields in FIELDS.values() for name in fields)
# What the support desk reads on a request and carries out: the form's guided requests and
# the SIRET change of a local authority (SIR-1), made from the structure's SIRET change.
LABELS = {
    **FIELDS,
    Subcategory.CHANGEMENT_SIRET: {
        "structure_identifier": gettext_lazy("Identifiant de la structure"),
        "siret": gettext_lazy("Nouveau SIRET"),
    },
}
MAX_LENGTH = 255


def clean_details(subcategory: str, data: dict | None) -> dict:
    """The guided request's data, required and checked (SOL-3); {} for other requests."""
    fields = FIELDS.get(subcategory)
    if not fields:
        return {}
    data = {name: str((data or {}).get(name) or "").strip()[:MAX_LENGTH] for name in fields}
    errors = {
        name: _("%(label)s est obligatoire.") % {"label": label}
        for name, label in fields.items()
        if not data[name]
    }
    if errors:
        raise ValidationError(errors)
    if subcategory == Subcategory.CREATION_STRUCTURE_PUBLIQUE:
        try:
            data["siret"] = validate_identifier(IdentifierType.SIRET, data["siret"])
        except ValidationError as exc:
            raise ValidationError({"siret": exc.messages}) from None
    else:
        data["email"] = data["email"].lower()
        if _structure(data["structure_identifier"]) is None:
            raise ValidationError(
                {"structure_identifier": _("Aucune structure active ne porte cet identifiant.")}
            )
        if _account(data["email"]) is None:
            raise ValidationError({"email": _("Aucun compte actif n'utilise cette adresse.")})
    return data


def _structure(identifier: str):
    for kind in IdentifierType.values:
        found = identity.find_active_structure(kind, identifier)
        if found is not None:
            return found
    return None


def _account(email: str):
    return memberships.active_accounts().filter(email__iexact=email).first()


def carry_out(sollicitation, *, actor) -> str:
    """Do what the guided request asks, as `actor` (support); returns the answer's text.
    Raises ValidationError (refused by the structures rules) or PermissionDenied."""
    data = sollicitation.details
    if sollicitation.subcategory == Subcategory.CREATION_STRUCTURE_PUBLIQUE:
        structure = identity.create_public_structure(
            actor=actor,
            main_manager=sollicitation.sender,
            identifier_type=IdentifierType.SIRET,
            identifier=data["siret"],
            company_name=data["company_name"],
            street=data["street"],
            postcode=data["postcode"],
            city=data["city"],
            country=data["country"][:2] if len(data["country"]) <= 2 else "FR",
        )
        return _(
            "La structure publique %(name)s (%(identifier)s) est créée ; vous en êtes le "
            "gestionnaire principal."
        ) % {"name": structure.company_name, "identifier": structure.identifier}
    if sollicitation.subcategory == Subcategory.CHANGEMENT_SIRET:
        old = _structure(data["structure_identifier"])
        if old is None:
            raise ValidationError(_("La structure désignée n'est plus active."))
        new = identifier_change.change_siret(old, data["siret"], actor=actor)
        return _(
            "La structure %(name)s porte désormais l'identifiant %(identifier)s ; l'ancienne "
            "structure (%(old)s) est désactivée."
        ) % {"name": new.company_name, "identifier": new.identifier, "old": old.identifier}
    structure = _structure(data["structure_identifier"])
    account = _account(data["email"])
    if structure is None or account is None:
        raise ValidationError(_("La structure ou le compte désigné n'existe plus."))
    memberships.appoint_main_manager(structure, actor=actor, new_main=account)
    return _("%(email)s est désormais le gestionnaire principal de la structure %(name)s.") % {
        "email": account.email,
        "name": structure.company_name,
    }


def can_carry_out(sollicitation) -> bool:
    return sollicitation.subcategory in LABELS and bool(sollicitation.details)
