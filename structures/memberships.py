"""Memberships (DOMAIN §4.1-4.2): direct attachment, detachment, a member's services, roles,
transfer of the main-manager role and duplication of rights; and the account and structure
look-ups these screens need.

Plain functions, one transaction each, keyword-only `actor`. Rights are checked through
`structures.access`; every manager action is written to the history in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from portal.areas import Mode
from structures import access
from structures.enums import ManagerActionCode, RequestStatus, Role
from structures.history import WHOLE_STRUCTURE, log_action
from structures.models import LinkRequest, Membership, Service, Structure, SubscriptionRequest

SEARCH_MIN_LENGTH = 3


def active_accounts() -> QuerySet:
    """Accounts that can log in: active, activated (verified address), not technical."""
    verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    return (
        get_user_model().objects.filter(is_active=True, is_technical=False).filter(Exists(verified))
    )


def find_active_account(email: str):
    email = (email or "").strip()
    if not email:
        return None
    return active_accounts().filter(email__iexact=email).first()


def search_accounts(query: str, *, actor, limit: int = 20) -> list:
    """ "Rechercher un utilisateur" (ROL-3): active accounts attached to one of the structures
    the actor manages, by connection address or name. Accounts of the rest of the portal are
    not listed (no directory of users); another one is designated by its exact address."""
    query = (query or "").strip()
    if len(query) < SEARCH_MIN_LENGTH:
        return []
    condition = (
        Q(email__icontains=query) | Q(first_name__icontains=query) | Q(last_name__icontains=query)
    )
    colleagues = Membership.objects.filter(structure__in=access.managed_structures(actor))
    return list(
        active_accounts()
        .filter(condition, pk__in=colleagues.values("user_id"))
        .exclude(pk=actor.pk)
        .order_by("email")[:limit]
    )


def search_structures(query: str) -> QuerySet[Structure]:
    """LNK-1: active structures by identifier (partial, 3 characters minimum) or by exact
    raison sociale."""
    query = (query or "").strip()
    if not query:
        return Structure.objects.none()
    condition = Q(company_name__iexact=query)
    compact = query.replace(" ", "")
    if len(compact) >= SEARCH_MIN_LENGTH:
        condition |= Q(identifier__icontains=compact)
    return Structure.objects.filter(is_active=True).filter(condition).order_by("company_name", "id")


@transaction.atomic
def attach_user(
    *,
    actor,
    user,
    structures: Iterable[Structure],
    role: str = Role.USER,
    services: Iterable[Service] = (),
) -> list[Membership]:
    """LNK-3: a manager attaches an existing active account to several structures at once."""
    structures = list(dict.fromkeys(structures))
    services = list(services)
    if not structures:
        raise ValidationError(_("Choisissez au moins une structure."))
    if not active_accounts().filter(pk=user.pk).exists():
        raise ValidationError(_("Ce compte n'est pas actif."))
    if role not in (Role.USER, Role.SECONDARY_MANAGER):
        raise ValidationError(
            _("Le rôle de gestionnaire principal se transmet par un transfert de rôle.")
        )
    ids = [structure.pk for structure in structures]
    errors = []
    for structure in structures:
        access.require_manager(actor, structure)
        if role == Role.SECONDARY_MANAGER and not access.is_main_manager(actor, structure):
            errors.append(
                _(
                    "Seul le gestionnaire principal de « %(name)s » peut nommer un gestionnaire secondaire."
                )
                % {"name": structure.company_name}
            )
        if not structure.is_active:
            errors.append(
                _("La structure « %(name)s » est inactive.") % {"name": structure.company_name}
            )
    already = Structure.objects.filter(pk__in=ids, memberships__user=user)
    for structure in already:
        errors.append(
            _("L'utilisateur est déjà rattaché à la structure « %(name)s ».")
            % {"name": structure.company_name}
        )
    for service in services:
        if service.structure_id not in ids:
            errors.append(
                _("Le service « %(code)s » n'appartient pas aux structures choisies.")
                % {"code": service.code}
            )
    if errors:
        raise ValidationError(errors)
    memberships = []
    for structure in structures:
        membership = Membership.objects.create(user=user, structure=structure, role=role)
        membership.services.set([s for s in services if s.structure_id == structure.pk])
        access.grant_default_areas(user, structure, actor=actor)
        # A pending request of the same user is answered by the attachment itself.
        LinkRequest.objects.filter(requester=user, structure=structure).settle(
            RequestStatus.APPROVED,
            actor=actor,
            comment=_("Rattachement effectué directement par un gestionnaire."),
        )
        log_action(
            structure,
            actor=actor,
            action=ManagerActionCode.USER_ATTACHED,
            target_user=user,
            details=Role(role).value,
        )
        memberships.append(membership)
    return memberships


@transaction.atomic
def detach_user(structure: Structure, user, *, actor) -> None:
    """LNK-5: removes the attachment and every area of the structure at once; the main
    manager cannot be detached; only the main manager detaches a secondary manager."""
    access.require_manager(actor, structure)
    membership = (
        Membership.objects.select_for_update().filter(structure=structure, user=user).first()
    )
    if membership is None:
        raise ValidationError(_("Cet utilisateur n'est pas rattaché à la structure."))
    if membership.role == Role.MAIN_MANAGER:
        raise ValidationError(
            _(
                "Le gestionnaire principal ne peut pas être détaché : il doit d'abord transférer son rôle."
            )
        )
    if not access.can_detach(actor, membership):
        raise PermissionDenied(
            _("Seul le gestionnaire principal peut détacher un gestionnaire secondaire.")
        )
    access.revoke_all(user, structure)
    membership.delete()
    SubscriptionRequest.objects.filter(requester=user, structure=structure).settle(
        RequestStatus.REFUSED, actor=actor, comment=_("Utilisateur détaché de la structure.")
    )
    log_action(structure, actor=actor, action=ManagerActionCode.USER_DETACHED, target_user=user)


@transaction.atomic
def set_member_services(structure: Structure, user, services: Iterable[Service], *, actor) -> None:
    """SRV-3: restrict a member to some services (none = the whole structure)."""
    access.require_manager(actor, structure)
    membership = Membership.objects.of(user).on(structure).first()
    if membership is None:
        raise ValidationError(_("Cet utilisateur n'est pas rattaché à la structure."))
    services = list(services)
    if any(service.structure_id != structure.pk for service in services):
        raise ValidationError(_("Ce service n'appartient pas à la structure."))
    membership.services.set(services)
    log_action(
        structure,
        actor=actor,
        action=ManagerActionCode.SERVICES_CHANGED,
        target_user=user,
        details=", ".join(service.code for service in services) or WHOLE_STRUCTURE,
    )


@transaction.atomic
def set_secondary_manager(structure: Structure, user, *, actor, appoint: bool) -> Membership:
    """ROL-2: the main manager appoints or removes secondary managers among attached users."""
    access.require_main_manager(actor, structure)
    membership = (
        Membership.objects.select_for_update().filter(structure=structure, user=user).first()
    )
    if membership is None:
        raise ValidationError(_("Cet utilisateur n'est pas rattaché à la structure."))
    if membership.role == Role.MAIN_MANAGER:
        raise ValidationError(
            _("Le rôle de gestionnaire principal se transmet par un transfert de rôle.")
        )
    wanted = Role.SECONDARY_MANAGER if appoint else Role.USER
    if membership.role != wanted:
        membership.role = wanted
        membership.save(update_fields=["role"])
        log_action(
            structure,
            actor=actor,
            action=ManagerActionCode.SECONDARY_APPOINTED
            if appoint
            else ManagerActionCode.SECONDARY_REMOVED,
            target_user=user,
        )
    return membership


def _locked_memberships(structure: Structure) -> dict[int, Membership]:
    """The structure row and its memberships locked, by user id (ROL-3, ROL-4)."""
    Structure.objects.select_for_update().filter(pk=structure.pk).first()
    return {
        m.user_id: m for m in Membership.objects.select_for_update().filter(structure=structure)
    }


def _promote(structure: Structure, memberships, new_main, *, actor) -> Membership:
    """`new_main` becomes main manager (attached if needed), once the former one is demoted:
    the partial unique constraint "one main manager per structure" holds at every statement."""
    target = memberships.get(new_main.pk)
    if target is None:
        target = Membership.objects.create(
            user=new_main, structure=structure, role=Role.MAIN_MANAGER
        )
        access.grant_default_areas(new_main, structure, actor=actor)
    else:
        target.role = Role.MAIN_MANAGER
        target.save(update_fields=["role"])
    return target


def _technical_contact_follows(structure: Structure, new_main) -> None:
    """TEC-5: the structure's technical account takes the new main manager's contact
    address (ACC-2), as its rights follow the new manager's portfolio."""
    get_user_model().objects.filter(
        is_technical=True,
        technical_account__structure=structure,
        technical_account__is_active=True,
    ).update(contact_email=new_main.notification_email)


@transaction.atomic
def transfer_main_role(structure: Structure, *, actor, new_main) -> Membership:
    """ROL-3: the main manager hands the role over; the designated active account is
    attached if needed and becomes main manager, the former one becomes secondary.

    The structure row and its memberships are locked, and the former main manager is
    demoted before the new one is promoted: the partial unique constraint "one main
    manager per structure" holds at every statement.
    """
    memberships = _locked_memberships(structure)
    current = memberships.get(actor.pk)
    if current is None or current.role != Role.MAIN_MANAGER:
        raise PermissionDenied(_("Seul le gestionnaire principal de la structure peut le faire."))
    if new_main is None or not active_accounts().filter(pk=new_main.pk).exists():
        raise ValidationError(
            {"email": _("Le nouveau gestionnaire principal doit disposer d'un compte actif.")}
        )
    if new_main.pk == actor.pk:
        raise ValidationError({"email": _("Vous êtes déjà le gestionnaire principal.")})
    current.role = Role.SECONDARY_MANAGER
    current.save(update_fields=["role"])
    target = _promote(structure, memberships, new_main, actor=actor)
    _technical_contact_follows(structure, new_main)
    log_action(
        structure,
        actor=actor,
        action=ManagerActionCode.MAIN_MANAGER_TRANSFERRED,
        target_user=new_main,
        details=f"{actor.email} → {new_main.email}",
    )
    return target


@transaction.atomic
def appoint_main_manager(structure: Structure, *, actor, new_main) -> Membership:
    """ROL-4 / SOL-3: the support desk appoints a new main manager when the former one left
    without transferring the role; the former main manager, if any, becomes secondary."""
    if actor is None or not access.is_support(actor):
        raise PermissionDenied(
            _("Seul le support peut désigner un nouveau gestionnaire principal.")
        )
    if new_main is None or not active_accounts().filter(pk=new_main.pk).exists():
        raise ValidationError(
            {"email": _("Le nouveau gestionnaire principal doit disposer d'un compte actif.")}
        )
    memberships = _locked_memberships(structure)
    former = next((m for m in memberships.values() if m.role == Role.MAIN_MANAGER), None)
    if former is not None and former.user_id == new_main.pk:
        raise ValidationError({"email": _("Ce compte est déjà le gestionnaire principal.")})
    if former is not None:  # demoted first: one main manager per structure at every statement
        former.role = Role.SECONDARY_MANAGER
        former.save(update_fields=["role"])
    target = _promote(structure, memberships, new_main, actor=actor)
    _technical_contact_follows(structure, new_main)
    log_action(
        structure,
        actor=actor,
        action=ManagerActionCode.MAIN_MANAGER_TRANSFERRED,
        target_user=new_main,
        details=f"support: {former.user.email if former else '-'} → {new_main.email}",
    )
    return target


@transaction.atomic
def duplicate_rights(*, actor, source, target) -> list[Structure]:
    """LNK-4: copy the source user's attachments, services and subscriptions onto the
    target user, on the structures the acting manager manages only.

    Additive: the target keeps what it already has; it is attached as a simple user (a
    manager role is never copied); services are set to the source's.
    """
    if source.pk == target.pk:
        raise ValidationError(_("Choisissez deux utilisateurs différents."))
    if not active_accounts().filter(pk=target.pk).exists():
        raise ValidationError({"target_email": _("Ce compte n'est pas actif.")})
    managed = access.managed_structures(actor).values("pk")
    sources = list(
        Membership.objects.filter(user=source, structure__in=managed, structure__is_active=True)
        .select_related("structure")
        .prefetch_related("services")
    )
    if not sources:
        raise ValidationError(
            {
                "source_email": _(
                    "Cet utilisateur n'est rattaché à aucune des structures que vous gérez."
                )
            }
        )
    done = []
    for source_membership in sources:
        structure = source_membership.structure
        membership, created = Membership.objects.get_or_create(
            user=target, structure=structure, defaults={"role": Role.USER}
        )
        membership.services.set(source_membership.services.all())
        if created:
            access.grant_default_areas(target, structure, actor=actor)
        held = access.subscriptions_by_user(structure, [source.pk, target.pk])
        target_held = held.get(target.pk, {})
        for code, mode in held.get(source.pk, {}).items():
            if target_held.get(code) != Mode.CHANGE and target_held.get(code) != mode:
                access.grant_area(target, structure, code, mode, actor=actor)
        log_action(
            structure,
            actor=actor,
            action=ManagerActionCode.RIGHTS_DUPLICATED,
            target_user=target,
            details=f"{source.email} → {target.email}",
        )
        done.append(structure)
    return done
