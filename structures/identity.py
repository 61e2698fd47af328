"""The structure's own data (DOMAIN §3.1-3.2): search before creation, creation of a
private structure, edition by its managers; and the checks the other use cases on a
structure share (`locked_for_manager`, `check_required`...).

Plain functions, `@transaction.atomic`, keyword-only `actor`; rights are checked here too
(through `structures.access`), so a caller that forgets its scoped queryset still cannot act
on a foreign structure. Errors are `ValidationError` (a dict when a field is at fault) or
`PermissionDenied`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from structures import access
from structures.enums import IdentifierType, ManagerActionCode, Role, StructureKind
from structures.history import log_action
from structures.models import Membership, Structure
from structures.validators import validate_identifier, validate_vat_number

# STR-8: the structure's data, typed at creation and edited later by its managers.
STRUCTURE_DATA = (
    "company_name",
    "street",
    "address_complement",
    "postcode",
    "city",
    "country",
    "email",
    "phone",
    "rcs_number",
    "vat_number",
)
# At creation, identifier_type and identifier come from the search step.
CREATION_FIELDS = ("identifier_type", "identifier", *STRUCTURE_DATA)
CREATION_REQUIRED = ("identifier_type", "identifier", "company_name", "street", "postcode", "city")

# What managers edit (ROL-6): identity data, address, contact, VAT, RCS, PACAGE,
# recipient parameters (STR-11), stored flags (STR-12) and the payment delay. The identifier
# changes only through `change_siret`; the kind (private/public) only in the admin (STR-9).
RECIPIENT_PARAMETERS = (
    "service_code_required",
    "engagement_required",
    "engagement_or_service_required",
    "payment_status_not_reported",
)
STORED_FLAGS = (
    "is_moa",
    "is_moa_only",
    "edi_connection",
    "receive_data_via_edi",
    "is_delegated_validator",
    "not_publishable_insee",
)
EDITABLE_FIELDS = (
    *STRUCTURE_DATA,
    "pacage_number",
    *RECIPIENT_PARAMETERS,
    *STORED_FLAGS,
    "payment_delay_days",
)
EDIT_REQUIRED = ("company_name", "street", "postcode", "city", "country")


class IdentifierInUse(ValidationError):
    """STR-5/STR-7: an active structure already has this identifier; ask for attachment."""

    def __init__(self, structure: Structure):
        self.structure = structure
        super().__init__(
            {
                "identifier": ValidationError(
                    _(
                        "Une structure active porte déjà cet identifiant : %(name)s. Demandez votre rattachement à cette structure."
                    ),
                    code="identifier_in_use",
                    params={"name": structure.company_name},
                )
            }
        )


def find_active_structure(identifier_type: str, identifier: str) -> Structure | None:
    """STR-7: the search that comes before any creation."""
    return Structure.objects.filter(
        identifier_type=identifier_type, identifier=identifier, is_active=True
    ).first()


def require_active(structure: Structure) -> None:
    if not structure.is_active:
        raise ValidationError(
            _("Cette structure est inactive : elle ne peut plus être modifiée."),
            code="structure_inactive",
        )


def locked(structure: Structure) -> Structure:
    return Structure.objects.select_for_update().get(pk=structure.pk)


def clean_text(data: dict, fields: tuple[str, ...]) -> dict:
    return {
        key: (value.strip() if isinstance(value, str) else value)
        for key, value in data.items()
        if key in fields
    }


def check_unknown(data: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"Unexpected fields: {sorted(unknown)}")


def check_required(data: dict, required: tuple[str, ...]) -> None:
    missing = {
        field: ValidationError(_("Ce champ est obligatoire."), code="required")
        for field in required
        if not data.get(field)
    }
    if missing:
        raise ValidationError(missing)


def _check_recipient_parameters(data: dict) -> None:
    """STR-11: "engagement or service" is an alternative to the two strict parameters."""
    if data.get("engagement_or_service_required") and (
        data.get("service_code_required") or data.get("engagement_required")
    ):
        raise ValidationError(
            {
                "engagement_or_service_required": ValidationError(
                    _(
                        "« Numéro d'engagement ou code service obligatoire » ne se combine pas avec « Code service obligatoire » ni avec « Numéro d'engagement obligatoire »."
                    ),
                    code="recipient_parameters",
                )
            }
        )


def _normalise_vat(data: dict) -> None:
    if data.get("vat_number"):
        try:
            data["vat_number"] = validate_vat_number(data["vat_number"])
        except ValidationError as exc:
            raise ValidationError({"vat_number": exc}) from None


def locked_for_manager(structure: Structure, actor) -> Structure:
    """The structure row, locked, once `actor` is known to manage it and it is active."""
    structure = locked(structure)
    access.require_manager(actor, structure)
    require_active(structure)
    return structure


@transaction.atomic
def create_private_structure(*, actor, **data) -> Structure:
    """STR-7: create a private structure; the creator becomes its main manager (ROL-1)."""
    if actor is None or not actor.is_authenticated or getattr(actor, "is_technical", False):
        raise PermissionDenied(_("Connectez-vous pour créer une structure."))
    return _create(data, kind=StructureKind.PRIVEE, main_manager=actor, actor=actor)


@transaction.atomic
def create_public_structure(*, actor, main_manager, **data) -> Structure:
    """SOL-3 / SOL-6: the support desk creates a public structure and appoints its main
    manager; RECEIVED is opened and granted to him (AREA-1)."""
    if actor is None or not access.is_support(actor):
        raise PermissionDenied(_("Seul le support peut créer une structure publique."))
    return _create(data, kind=StructureKind.PUBLIQUE, main_manager=main_manager, actor=actor)


def _create(data: dict, *, kind: str, main_manager, actor) -> Structure:
    check_unknown(data, CREATION_FIELDS)
    data = clean_text(data, CREATION_FIELDS)
    check_required(data, CREATION_REQUIRED)
    if data["identifier_type"] not in IdentifierType.values:
        raise ValidationError({"identifier_type": _("Type d'identifiant inconnu.")})
    try:
        data["identifier"] = validate_identifier(data["identifier_type"], data["identifier"])
    except ValidationError as exc:
        raise ValidationError({"identifier": exc}) from None
    _normalise_vat(data)
    data["country"] = (data.get("country") or "FR").upper()
    existing = find_active_structure(data["identifier_type"], data["identifier"])
    if existing is not None:
        raise IdentifierInUse(existing)
    try:
        # A savepoint: under a race (double click, two users) the partial unique constraint
        # of STR-5 fires here, and the outer transaction stays usable.
        with transaction.atomic():
            structure = Structure.objects.create(kind=kind, **data)
    except IntegrityError:
        existing = find_active_structure(data["identifier_type"], data["identifier"])
        if existing is None:
            raise
        raise IdentifierInUse(existing) from None
    Membership.objects.create(user=main_manager, structure=structure, role=Role.MAIN_MANAGER)
    access.grant_default_areas(main_manager, structure, actor=actor)
    log_action(
        structure,
        actor=actor,
        action=ManagerActionCode.STRUCTURE_CREATED,
        target_user=main_manager,
        details=f"{structure.identifier_type} {structure.identifier}",
    )
    return structure


@transaction.atomic
def update_structure(structure: Structure, *, actor, **data) -> Structure:
    """Edit the structure data (STR-8, STR-11, STR-12), by one of its managers."""
    check_unknown(data, EDITABLE_FIELDS)
    structure = locked_for_manager(structure, actor)
    data = clean_text(data, EDITABLE_FIELDS)
    merged = {field: getattr(structure, field) for field in EDITABLE_FIELDS} | data
    check_required(merged, EDIT_REQUIRED)
    _check_recipient_parameters(merged)
    _normalise_vat(data)
    if "country" in data:
        data["country"] = data["country"].upper()
    changed = [field for field, value in data.items() if getattr(structure, field) != value]
    for field in changed:
        setattr(structure, field, data[field])
    if changed:
        structure.save(update_fields=changed)
        log_action(
            structure,
            actor=actor,
            action=ManagerActionCode.STRUCTURE_UPDATED,
            details=", ".join(changed),
        )
    return structure
