"""Use cases on the structure itself: creation, edition, services, bank details, billing
mandate and SIRET change (DOMAIN §3.1-3.3, §14).

Plain functions, `@transaction.atomic`, keyword-only `actor`. The web views and, later, the
API call these same functions. Rights are checked here too (through `structures.access`),
so a caller that forgets its scoped queryset still cannot act on a foreign structure.
Errors are `ValidationError` (a dict when a field is at fault) or `PermissionDenied`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import areas
from structures import access
from structures.enums import IdentifierType, Role, StructureKind
from structures.history import log_action
from structures.models import (
    BankAccount,
    Membership,
    OpenedArea,
    Service,
    Structure,
    StructureUserObjectPermission,
)
from structures.validators import (
    validate_bic,
    validate_iban,
    validate_identifier,
    validate_service_code,
    validate_vat_number,
)

# ManagerAction.action codes written by this module.
ACTION_CREATED = "STRUCTURE_CREATED"
ACTION_UPDATED = "STRUCTURE_UPDATED"
ACTION_SERVICE_CREATED = "SERVICE_CREATED"
ACTION_SERVICE_UPDATED = "SERVICE_UPDATED"
ACTION_BANK_CREATED = "BANK_ACCOUNT_CREATED"
ACTION_BANK_UPDATED = "BANK_ACCOUNT_UPDATED"
ACTION_BANK_DEACTIVATED = "BANK_ACCOUNT_DEACTIVATED"
ACTION_MANDATE_ACCEPTED = "BILLING_MANDATE_ACCEPTED"
ACTION_SIRET_CHANGED = "SIRET_CHANGED"
ACTION_DUPLICATED_FROM = "STRUCTURE_DUPLICATED_FROM"
# Their labels in the history of manager actions.
ACTION_LABELS = {
    ACTION_CREATED: _("Structure créée"),
    ACTION_UPDATED: _("Données de la structure modifiées"),
    ACTION_SERVICE_CREATED: _("Service créé"),
    ACTION_SERVICE_UPDATED: _("Service modifié"),
    ACTION_BANK_CREATED: _("Coordonnées bancaires ajoutées"),
    ACTION_BANK_UPDATED: _("Coordonnées bancaires modifiées"),
    ACTION_BANK_DEACTIVATED: _("Coordonnées bancaires désactivées"),
    ACTION_MANDATE_ACCEPTED: _("Mandat de facturation souscrit"),
    ACTION_SIRET_CHANGED: _("Identifiant modifié : structure désactivée"),
    ACTION_DUPLICATED_FROM: _("Structure créée par changement d'identifiant"),
}

# STR-8: what the creator types; identifier_type and identifier come from the search step.
CREATION_FIELDS = (
    "identifier_type",
    "identifier",
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
    "pacage_number",
    *RECIPIENT_PARAMETERS,
    *STORED_FLAGS,
    "payment_delay_days",
)
EDIT_REQUIRED = ("company_name", "street", "postcode", "city", "country")

SERVICE_FIELDS = (
    "code",
    "name",
    "description",
    "street",
    "address_complement",
    "postcode",
    "city",
    "country",
    "valid_from",
    "valid_until",
    "is_active",
    "engagement_required",
    "payment_status_managed",
)
BANK_FIELDS = ("label", "iban", "bic", "is_factor", "is_active")

# SIR-4: everything else on Structure is copied by `change_siret`. A field added later that
# must not follow a SIRET change (technical account, connection data...) belongs here.
NOT_COPIED_ON_SIRET_CHANGE = frozenset(
    {
        "id",
        "identifier",
        "is_active",
        "origin",
        "billing_mandate_accepted_at",
        "billing_mandate_accepted_by",
        "pacage_number",
        "created_at",
        "deactivated_at",
    }
)


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


# --- Helpers ---------------------------------------------------------------------------


def find_active_structure(identifier_type: str, identifier: str) -> Structure | None:
    """STR-7: the search that comes before any creation."""
    return Structure.objects.filter(
        identifier_type=identifier_type, identifier=identifier, is_active=True
    ).first()


def _require_manager(structure: Structure, actor) -> None:
    if actor is None or not access.is_manager(actor, structure):
        raise PermissionDenied(_("Seuls les gestionnaires de la structure peuvent faire cela."))


def _require_active(structure: Structure) -> None:
    if not structure.is_active:
        raise ValidationError(
            _("Cette structure est inactive : elle ne peut plus être modifiée."),
            code="structure_inactive",
        )


def _locked(structure: Structure) -> Structure:
    return Structure.objects.select_for_update().get(pk=structure.pk)


def _clean_text(data: dict, fields: tuple[str, ...]) -> dict:
    return {
        key: (value.strip() if isinstance(value, str) else value)
        for key, value in data.items()
        if key in fields
    }


def _check_unknown(data: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"Unexpected fields: {sorted(unknown)}")


def _check_required(data: dict, required: tuple[str, ...]) -> None:
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


# --- Creation and edition ----------------------------------------------------------------


@transaction.atomic
def create_private_structure(*, actor, **data) -> Structure:
    """STR-7: create a private structure; the creator becomes its main manager (ROL-1)."""
    if actor is None or not actor.is_authenticated or getattr(actor, "is_technical", False):
        raise PermissionDenied(_("Connectez-vous pour créer une structure."))
    _check_unknown(data, CREATION_FIELDS)
    data = _clean_text(data, CREATION_FIELDS)
    _check_required(data, CREATION_REQUIRED)
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
            structure = Structure.objects.create(kind=StructureKind.PRIVEE, **data)
    except IntegrityError:
        existing = find_active_structure(data["identifier_type"], data["identifier"])
        if existing is None:
            raise
        raise IdentifierInUse(existing) from None
    Membership.objects.create(user=actor, structure=structure, role=Role.MAIN_MANAGER)
    access.grant_default_areas(actor, structure, actor=actor)
    log_action(
        structure,
        actor=actor,
        action=ACTION_CREATED,
        target_user=actor,
        details=f"{structure.identifier_type} {structure.identifier}",
    )
    return structure


@transaction.atomic
def update_structure(structure: Structure, *, actor, **data) -> Structure:
    """Edit the structure data (STR-8, STR-11, STR-12), by one of its managers."""
    _check_unknown(data, EDITABLE_FIELDS)
    structure = _locked(structure)
    _require_manager(structure, actor)
    _require_active(structure)
    data = _clean_text(data, EDITABLE_FIELDS)
    merged = {field: getattr(structure, field) for field in EDITABLE_FIELDS} | data
    _check_required(merged, EDIT_REQUIRED)
    _check_recipient_parameters(merged)
    _normalise_vat(data)
    if "country" in data:
        data["country"] = data["country"].upper()
    changed = [field for field, value in data.items() if getattr(structure, field) != value]
    for field in changed:
        setattr(structure, field, data[field])
    if changed:
        structure.save(update_fields=changed)
        log_action(structure, actor=actor, action=ACTION_UPDATED, details=", ".join(changed))
    return structure


# --- Services (SRV-1) --------------------------------------------------------------------


def _service_data(data: dict) -> dict:
    _check_unknown(data, SERVICE_FIELDS)
    data = _clean_text(data, SERVICE_FIELDS)
    if "code" in data:
        try:
            data["code"] = validate_service_code(data["code"])
        except ValidationError as exc:
            raise ValidationError({"code": exc}) from None
    if "country" in data:
        data["country"] = (data["country"] or "FR").upper()
    return data


def _check_service(service: Service) -> None:
    if not service.name:
        raise ValidationError({"name": _("Ce champ est obligatoire.")})
    if service.valid_from and service.valid_until and service.valid_until < service.valid_from:
        raise ValidationError(
            {"valid_until": _("La fin de validité ne peut pas précéder le début de validité.")}
        )
    duplicate = Service.objects.filter(structure_id=service.structure_id, code=service.code)
    if service.pk:
        duplicate = duplicate.exclude(pk=service.pk)
    if duplicate.exists():
        raise _code_in_use(service.code)


def _code_in_use(code: str) -> ValidationError:
    return ValidationError(
        {
            "code": ValidationError(
                _("Le code service %(code)s existe déjà dans cette structure."),
                code="service_code_in_use",
                params={"code": code},
            )
        }
    )


def _save_service(service: Service) -> None:
    try:
        with transaction.atomic():
            service.save()
    except IntegrityError:
        raise _code_in_use(service.code) from None


@transaction.atomic
def create_service(structure: Structure, *, actor, **data) -> Service:
    structure = _locked(structure)
    _require_manager(structure, actor)
    _require_active(structure)
    data = _service_data(data)
    if not data.get("code"):
        raise ValidationError({"code": _("Saisissez le code du service.")})
    service = Service(structure=structure, **data)
    _check_service(service)
    _save_service(service)
    log_action(structure, actor=actor, action=ACTION_SERVICE_CREATED, details=service.code)
    return service


@transaction.atomic
def update_service(service: Service, *, actor, **data) -> Service:
    structure = _locked(service.structure)
    _require_manager(structure, actor)
    _require_active(structure)
    service = Service.objects.select_for_update().get(pk=service.pk)
    for field, value in _service_data(data).items():
        setattr(service, field, value)
    _check_service(service)
    _save_service(service)
    log_action(structure, actor=actor, action=ACTION_SERVICE_UPDATED, details=service.code)
    return service


# --- Bank details (BNK-1/2) --------------------------------------------------------------


def _bank_data(data: dict) -> dict:
    _check_unknown(data, BANK_FIELDS)
    data = _clean_text(data, BANK_FIELDS)
    errors = {}
    for field, validator in (("iban", validate_iban), ("bic", validate_bic)):
        if field in data:
            try:
                data[field] = validator(data[field])
            except ValidationError as exc:
                errors[field] = exc
    if "label" in data and not data["label"]:
        errors["label"] = ValidationError(_("Ce champ est obligatoire."), code="required")
    if errors:
        raise ValidationError(errors)
    return data


def _check_bank_duplicate(account: BankAccount) -> None:
    """A double submit must not create the same account twice."""
    if not account.is_active:
        return
    duplicate = BankAccount.objects.filter(
        structure_id=account.structure_id, iban=account.iban, is_active=True
    )
    if account.pk:
        duplicate = duplicate.exclude(pk=account.pk)
    if duplicate.exists():
        raise ValidationError(
            {"iban": _("Cet IBAN figure déjà parmi les coordonnées bancaires actives.")}
        )


@transaction.atomic
def create_bank_account(structure: Structure, *, actor, **data) -> BankAccount:
    structure = _locked(structure)
    _require_manager(structure, actor)
    _require_active(structure)
    data = _bank_data(data)
    _check_required(data, ("label", "iban", "bic"))
    account = BankAccount(structure=structure, **data)
    _check_bank_duplicate(account)
    account.save()
    log_action(structure, actor=actor, action=ACTION_BANK_CREATED, details=account.label)
    return account


@transaction.atomic
def update_bank_account(account: BankAccount, *, actor, **data) -> BankAccount:
    structure = _locked(account.structure)
    _require_manager(structure, actor)
    _require_active(structure)
    account = BankAccount.objects.select_for_update().get(pk=account.pk)
    for field, value in _bank_data(data).items():
        setattr(account, field, value)
    _check_bank_duplicate(account)
    account.save()
    log_action(structure, actor=actor, action=ACTION_BANK_UPDATED, details=account.label)
    return account


@transaction.atomic
def deactivate_bank_account(account: BankAccount, *, actor) -> BankAccount:
    """BNK-2: an inactive account is no longer "valid" (not selectable on invoices)."""
    structure = _locked(account.structure)
    _require_manager(structure, actor)
    account = BankAccount.objects.select_for_update().get(pk=account.pk)
    if account.is_active:
        account.is_active = False
        account.save(update_fields=["is_active"])
        log_action(structure, actor=actor, action=ACTION_BANK_DEACTIVATED, details=account.label)
    return account


# --- Billing mandate (MAN-1) -------------------------------------------------------------


@transaction.atomic
def accept_billing_mandate(structure: Structure, *, actor) -> Structure:
    """Once per structure; a second acceptance (double click) changes nothing."""
    structure = _locked(structure)
    _require_manager(structure, actor)
    _require_active(structure)
    if structure.billing_mandate_accepted_at is None:
        structure.billing_mandate_accepted_at = timezone.now()
        structure.billing_mandate_accepted_by = actor
        structure.save(update_fields=["billing_mandate_accepted_at", "billing_mandate_accepted_by"])
        log_action(structure, actor=actor, action=ACTION_MANDATE_ACCEPTED)
    return structure


# --- SIRET change (§14) ------------------------------------------------------------------


def check_new_identifier(structure: Structure, new_identifier: str) -> str:
    """SIR-3: valid (STR-4), different from the old one, unique among active (STR-5)."""
    try:
        identifier = validate_identifier(structure.identifier_type, new_identifier)
    except ValidationError as exc:
        raise ValidationError({"identifier": exc}) from None
    if identifier == structure.identifier:
        raise ValidationError(
            {
                "identifier": ValidationError(
                    _("Le nouvel identifiant doit être différent de l'identifiant actuel."),
                    code="identifier_unchanged",
                )
            }
        )
    existing = find_active_structure(structure.identifier_type, identifier)
    if existing is not None:
        raise ValidationError(
            {
                "identifier": ValidationError(
                    _("Une structure active porte déjà cet identifiant : %(name)s."),
                    code="identifier_in_use",
                    params={"name": existing.company_name},
                )
            }
        )
    return identifier


def siren_changes(structure: Structure, new_identifier: str) -> bool:
    """SIR-3: normally only the NIC changes; a new SIREN deserves a warning."""
    return (
        structure.identifier_type == IdentifierType.SIRET
        and new_identifier[:9] != structure.identifier[:9]
    )


def _subscriptions(structure: Structure) -> list[tuple[int, str, str]]:
    """(user_id, area code, mode) of every subscription held on `structure`.

    Read-only look at the guardian rows; writing goes through `access.grant_area`.
    """
    by_codename = {
        area.codename(mode): (area.code, mode)
        for area in areas.subscribable_areas()
        for mode in areas.Mode
    }
    rows = StructureUserObjectPermission.objects.filter(content_object=structure).values_list(
        "user_id", "permission__codename"
    )
    return [(uid, *by_codename[name]) for uid, name in rows if name in by_codename]


@transaction.atomic
def change_siret(structure: Structure, new_identifier: str, *, actor) -> Structure:
    """SIR-1..7: deactivate `structure` and create its copy under the new identifier.

    Copied: structure data and recipient parameters, services, bank details, opened areas,
    memberships (roles and services) and subscriptions. Not copied (SIR-4): the billing
    mandate, the technical account (technical users' memberships), the connection
    information (nothing on Structure yet) and the PACAGE number. Invoices keep pointing at
    the old structure (SIR-6). A repeated submit returns the structure already created.
    """
    old = _locked(structure)
    _require_manager(old, actor)
    if not old.is_active:
        try:
            identifier = validate_identifier(old.identifier_type, new_identifier)
        except ValidationError:
            identifier = None
        done = old.duplicates.filter(identifier=identifier).order_by("-id").first()
        if done is not None:
            return done
        _require_active(old)
    identifier = check_new_identifier(old, new_identifier)

    old.is_active = False
    old.deactivated_at = timezone.now()
    old.save(update_fields=["is_active", "deactivated_at"])

    values = {
        field.attname: getattr(old, field.attname)
        for field in Structure._meta.concrete_fields
        if field.name not in NOT_COPIED_ON_SIRET_CHANGE
    }
    try:
        with transaction.atomic():
            new = Structure.objects.create(
                **values, identifier=identifier, is_active=True, origin=old
            )
    except IntegrityError:
        raise ValidationError(
            {"identifier": _("Une structure active porte déjà cet identifiant.")}
        ) from None

    service_map: dict[int, Service] = {}
    for service in old.services.all():
        old_pk = service.pk
        service.pk = service.id = None
        service.structure = new
        service.save()
        service_map[old_pk] = service

    BankAccount.objects.bulk_create(
        BankAccount(structure=new, **{field: getattr(account, field) for field in BANK_FIELDS})
        for account in old.bank_accounts.all()
    )
    OpenedArea.objects.bulk_create(
        OpenedArea(
            structure=new,
            area=opened.area,
            opened_at=opened.opened_at,
            opened_by_id=opened.opened_by_id,
        )
        for opened in old.opened_areas.all()
    )

    copied_users = {}
    for membership in old.memberships.select_related("user").prefetch_related("services"):
        if membership.user.is_technical:
            continue  # SIR-4: the technical account is not copied
        copy = Membership.objects.create(user=membership.user, structure=new, role=membership.role)
        copy.services.set([service_map[s.pk] for s in membership.services.all()])
        copied_users[membership.user_id] = membership.user
    for user_id, code, mode in _subscriptions(old):
        if user_id in copied_users:
            access.grant_area(copied_users[user_id], new, code, mode, actor=actor)

    log_action(
        old, actor=actor, action=ACTION_SIRET_CHANGED, details=f"{old.identifier} → {identifier}"
    )
    log_action(new, actor=actor, action=ACTION_DUPLICATED_FROM, details=old.identifier)
    return new
