"""SIRET change (DOMAIN §14, SIR-1..7): the old structure is deactivated and copied under
its new identifier, with its services, bank details, opened areas, members and
subscriptions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from structures import access
from structures.billing import BANK_FIELDS
from structures.enums import IdentifierType, ManagerActionCode, StructureKind
from structures.history import log_action
from structures.identity import find_active_structure, locked, require_active
from structures.models import BankAccount, Membership, Service, Structure
from structures.validators import validate_identifier

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


def through_support(structure: Structure) -> bool:
    """SIR-1: a local authority's SIRET is changed by the support desk, from a sollicitation;
    any other structure's managers change it directly."""
    return structure.kind == StructureKind.PUBLIQUE and structure.is_local_authority


def siren_changes(structure: Structure, new_identifier: str) -> bool:
    """SIR-3: normally only the NIC changes; a new SIREN deserves a warning."""
    return (
        structure.identifier_type == IdentifierType.SIRET
        and new_identifier[:9] != structure.identifier[:9]
    )


@transaction.atomic
def change_siret(structure: Structure, new_identifier: str, *, actor) -> Structure:
    """SIR-1..7: deactivate `structure` and create its copy under the new identifier, as one
    of its managers, or as the support desk for a local authority (SIR-1).

    Copied: structure data and recipient parameters, services, bank details, opened areas,
    memberships (roles and services) and subscriptions. Not copied (SIR-4): the billing
    mandate, the technical account (technical users' memberships), the connection
    information (nothing on Structure yet) and the PACAGE number. Invoices keep pointing at
    the old structure (SIR-6). A repeated submit returns the structure already created.
    """
    old = locked(structure)
    if not through_support(old):
        access.require_manager(actor, old)
    elif not access.is_support(actor):
        raise PermissionDenied(
            _(
                "Le changement d'identifiant d'une collectivité locale passe par une "
                "sollicitation au support."
            )
        )
    if not old.is_active:
        try:
            identifier = validate_identifier(old.identifier_type, new_identifier)
        except ValidationError:
            identifier = None
        done = old.duplicates.filter(identifier=identifier).order_by("-id").first()
        if done is not None:
            return done
        require_active(old)
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
    access.copy_opened_areas(old, new)

    copied_users = {}
    for membership in old.memberships.select_related("user").prefetch_related("services"):
        if membership.user.is_technical:
            continue  # SIR-4: the technical account is not copied
        copy = Membership.objects.create(user=membership.user, structure=new, role=membership.role)
        copy.services.set([service_map[s.pk] for s in membership.services.all()])
        copied_users[membership.user_id] = membership.user
    for user_id, code, mode in access.subscriptions_held(old):
        if user_id in copied_users:
            access.grant_area(copied_users[user_id], new, code, mode, actor=actor)

    log_action(
        old,
        actor=actor,
        action=ManagerActionCode.SIRET_CHANGED,
        details=f"{old.identifier} → {identifier}",
    )
    log_action(
        new, actor=actor, action=ManagerActionCode.STRUCTURE_DUPLICATED_FROM, details=old.identifier
    )
    return new
