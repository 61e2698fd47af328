"""Use cases of the members side of structures (DOMAIN §4): link requests, direct
attachment, roles, transfer of the main-manager role, duplication of rights, areas opened
on a structure and subscriptions.

Plain functions, one transaction each, keyword-only `actor`. Rights are checked through
`structures.access`; every manager action is written to the history in the same
transaction; mails go through the notifications outbox.
"""

from __future__ import annotations

from collections.abc import Iterable

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.services import notify_user, send_transactional
from portal import areas
from portal.areas import Mode, Subscription
from structures import access
from structures.enums import MANAGER_ROLES, RequestStatus, Role
from structures.history import log_action
from structures.models import LinkRequest, Membership, Service, Structure, SubscriptionRequest

# Codes written to ManagerAction.action by this module, with their labels.
ACTION_LABELS = {
    "link_request_approved": gettext_lazy("Demande de rattachement validée"),
    "link_request_refused": gettext_lazy("Demande de rattachement refusée"),
    "user_attached": gettext_lazy("Utilisateur rattaché"),
    "user_detached": gettext_lazy("Utilisateur détaché"),
    "services_changed": gettext_lazy("Services de l'utilisateur modifiés"),
    "secondary_appointed": gettext_lazy("Gestionnaire secondaire nommé"),
    "secondary_removed": gettext_lazy("Gestionnaire secondaire retiré"),
    "main_manager_transferred": gettext_lazy("Rôle de gestionnaire principal transféré"),
    "rights_duplicated": gettext_lazy("Droits dupliqués"),
    "area_opened": gettext_lazy("Espace ouvert"),
    "area_closed": gettext_lazy("Espace fermé"),
    "subscription_approved": gettext_lazy("Demande d'abonnement validée"),
    "subscription_refused": gettext_lazy("Demande d'abonnement refusée"),
    "subscriptions_changed": gettext_lazy("Abonnements modifiés"),
}

SEARCH_MIN_LENGTH = 3


# --- Helpers -------------------------------------------------------------------------


def _require_manager(actor, structure: Structure) -> None:
    if not access.is_manager(actor, structure):
        raise PermissionDenied(_("Vous n'êtes pas gestionnaire de cette structure."))


def _require_main_manager(actor, structure: Structure) -> None:
    if not access.is_main_manager(actor, structure):
        raise PermissionDenied(_("Seul le gestionnaire principal de la structure peut le faire."))


def _absolute(url_name: str, *args) -> str:
    return settings.PORTAL_BASE_URL + reverse(url_name, args=args)


def _structure_context(structure: Structure) -> dict:
    return {
        "structure_name": structure.company_name,
        "structure_identifier": structure.identifier,
    }


def _managers_of(structure: Structure) -> QuerySet:
    return get_user_model().objects.filter(
        memberships__structure=structure, memberships__role__in=MANAGER_ROLES, is_active=True
    )


def _notify_managers(structure: Structure, template: str, *, context: dict, key: str) -> None:
    """NOT-3: a link or subscription request is an activity event for the managers."""
    for manager in _managers_of(structure):
        notify_user(
            manager,
            template,
            context=context,
            structure=structure,
            dedup_key=f"{key}:{manager.pk}",
        )


def _send_decision(user, template: str, *, context: dict, structure: Structure, key: str) -> None:
    """NOT-1: decisions are transactional mails to the requester (rendered at once in the
    requester's language, so lazy labels are fine in the context)."""
    send_transactional(user, template, context=context, structure=structure, dedup_key=key)


def _close_pending_subscription_requests(
    user_ids: Iterable[int] | None, structure: Structure, *, actor, comment: str, codes=None
) -> int:
    pending = SubscriptionRequest.objects.filter(structure=structure, status=RequestStatus.PENDING)
    if user_ids is not None:
        pending = pending.filter(requester_id__in=list(user_ids))
    if codes is not None:
        pending = pending.filter(area__in=list(codes))
    return pending.update(
        status=RequestStatus.REFUSED,
        comment=comment,
        decided_by=actor,
        decided_at=timezone.now(),
    )


# --- Accounts and structures lookups --------------------------------------------------


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


def search_accounts(query: str, *, limit: int = 20) -> list:
    """ "Rechercher un utilisateur": active accounts by connection address or name."""
    query = (query or "").strip()
    if len(query) < SEARCH_MIN_LENGTH:
        return []
    condition = (
        Q(email__icontains=query) | Q(first_name__icontains=query) | Q(last_name__icontains=query)
    )
    return list(active_accounts().filter(condition).order_by("email")[:limit])


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


# --- Link requests (LNK-1, LNK-2) ---------------------------------------------------


@transaction.atomic
def request_links(
    *, actor, structures: Iterable[Structure], services: Iterable[Service] = ()
) -> list[LinkRequest]:
    """Ask to be attached to one or several structures, optionally to some services.

    Nothing is created if one of the structures is refused (inactive, already attached,
    request already pending): the caller shows the messages.
    """
    structures = list(dict.fromkeys(structures))
    services = list(services)
    if not structures:
        raise ValidationError(_("Choisissez au moins une structure."))
    ids = [structure.pk for structure in structures]
    attached = set(
        Membership.objects.filter(user=actor, structure_id__in=ids).values_list(
            "structure_id", flat=True
        )
    )
    pending = set(
        LinkRequest.objects.filter(
            requester=actor, structure_id__in=ids, status=RequestStatus.PENDING
        ).values_list("structure_id", flat=True)
    )
    errors = []
    for structure in structures:
        name = structure.company_name
        if not structure.is_active:
            errors.append(_("La structure « %(name)s » est inactive.") % {"name": name})
        elif structure.pk in attached:
            errors.append(
                _("Vous êtes déjà rattaché à la structure « %(name)s ».") % {"name": name}
            )
        elif structure.pk in pending:
            errors.append(
                _("Une demande de rattachement à la structure « %(name)s » est déjà en attente.")
                % {"name": name}
            )
    for service in services:
        if service.structure_id not in ids:
            errors.append(
                _("Le service « %(code)s » n'appartient pas aux structures choisies.")
                % {"code": service.code}
            )
    if errors:
        raise ValidationError(errors)
    created = []
    for structure in structures:
        try:
            with transaction.atomic():
                link_request = LinkRequest.objects.create(requester=actor, structure=structure)
        except IntegrityError as exc:  # a double submit racing this one
            raise ValidationError(
                _("Une demande de rattachement à la structure « %(name)s » est déjà en attente.")
                % {"name": structure.company_name}
            ) from exc
        link_request.services.set([s for s in services if s.structure_id == structure.pk])
        created.append(link_request)
        _notify_managers(
            structure,
            "link_request_received",
            context={
                **_structure_context(structure),
                "requester_name": actor.get_full_name() or actor.email,
                "requester_email": actor.email,
                "url": _absolute("structures:manager"),
            },
            key=f"link_request_received:{link_request.pk}",
        )
    return created


@transaction.atomic
def decide_link_request(
    link_request: LinkRequest | int, *, actor, approve: bool, comment: str = ""
) -> LinkRequest:
    """LNK-2: a manager of the structure validates (simple user, with the requested
    services, default areas) or refuses (with a comment) a pending request."""
    pk = getattr(link_request, "pk", link_request)
    link_request = (
        LinkRequest.objects.select_for_update(of=("self",))
        .select_related("structure", "requester")
        .get(pk=pk)
    )
    structure = link_request.structure
    _require_manager(actor, structure)
    if not link_request.is_pending:
        raise ValidationError(_("Cette demande a déjà été traitée."))
    comment = (comment or "").strip()
    requester = link_request.requester
    if approve:
        if not structure.is_active:
            raise ValidationError(_("La structure est inactive : le rattachement est impossible."))
        membership, created = Membership.objects.get_or_create(
            user=requester, structure=structure, defaults={"role": Role.USER}
        )
        if created:
            membership.services.set(link_request.services.all())
            access.grant_default_areas(requester, structure, actor=actor)
    elif not comment:
        raise ValidationError({"comment": _("Indiquez le motif du refus.")})
    link_request.record_decision(
        RequestStatus.APPROVED if approve else RequestStatus.REFUSED, actor=actor, comment=comment
    )
    log_action(
        structure,
        actor=actor,
        action="link_request_approved" if approve else "link_request_refused",
        target_user=requester,
        details=comment,
    )
    _send_decision(
        requester,
        "link_request_decided",
        context={
            **_structure_context(structure),
            "approved": approve,
            "status_label": RequestStatus(link_request.status).label,
            "comment": comment,
            "url": _absolute("structures:my_links"),
        },
        structure=structure,
        key=f"link_request_decided:{link_request.pk}",
    )
    return link_request


# --- Direct attachment, roles, detachment (LNK-3, LNK-5, ROL-2) -----------------------


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
        _require_manager(actor, structure)
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
        LinkRequest.objects.filter(
            requester=user, structure=structure, status=RequestStatus.PENDING
        ).update(
            status=RequestStatus.APPROVED,
            comment=_("Rattachement effectué directement par un gestionnaire."),
            decided_by=actor,
            decided_at=timezone.now(),
        )
        log_action(
            structure,
            actor=actor,
            action="user_attached",
            target_user=user,
            details=str(Role(role).label),
        )
        memberships.append(membership)
    return memberships


@transaction.atomic
def detach_user(structure: Structure, user, *, actor) -> None:
    """LNK-5: removes the attachment and every area of the structure at once; the main
    manager cannot be detached; only the main manager detaches a secondary manager."""
    _require_manager(actor, structure)
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
    if membership.role == Role.SECONDARY_MANAGER and not access.is_main_manager(actor, structure):
        raise PermissionDenied(
            _("Seul le gestionnaire principal peut détacher un gestionnaire secondaire.")
        )
    access.revoke_all(user, structure)
    membership.delete()
    _close_pending_subscription_requests(
        [user.pk], structure, actor=actor, comment=_("Utilisateur détaché de la structure.")
    )
    log_action(structure, actor=actor, action="user_detached", target_user=user)


@transaction.atomic
def set_member_services(structure: Structure, user, services: Iterable[Service], *, actor) -> None:
    """SRV-3: restrict a member to some services (none = the whole structure)."""
    _require_manager(actor, structure)
    membership = Membership.objects.filter(structure=structure, user=user).first()
    if membership is None:
        raise ValidationError(_("Cet utilisateur n'est pas rattaché à la structure."))
    services = list(services)
    if any(service.structure_id != structure.pk for service in services):
        raise ValidationError(_("Ce service n'appartient pas à la structure."))
    membership.services.set(services)
    log_action(
        structure,
        actor=actor,
        action="services_changed",
        target_user=user,
        details=", ".join(service.code for service in services) or _("Toute la structure"),
    )


@transaction.atomic
def set_secondary_manager(structure: Structure, user, *, actor, appoint: bool) -> Membership:
    """ROL-2: the main manager appoints or removes secondary managers among attached users."""
    _require_main_manager(actor, structure)
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
            action="secondary_appointed" if appoint else "secondary_removed",
            target_user=user,
        )
    return membership


@transaction.atomic
def transfer_main_role(structure: Structure, *, actor, new_main) -> Membership:
    """ROL-3: the main manager hands the role over; the designated active account is
    attached if needed and becomes main manager, the former one becomes secondary.

    The structure row and its memberships are locked, and the former main manager is
    demoted before the new one is promoted: the partial unique constraint "one main
    manager per structure" holds at every statement.
    """
    Structure.objects.select_for_update().filter(pk=structure.pk).first()
    memberships = {
        m.user_id: m for m in Membership.objects.select_for_update().filter(structure=structure)
    }
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
    target = memberships.get(new_main.pk)
    if target is None:
        target = Membership.objects.create(
            user=new_main, structure=structure, role=Role.MAIN_MANAGER
        )
        access.grant_default_areas(new_main, structure, actor=actor)
    else:
        target.role = Role.MAIN_MANAGER
        target.save(update_fields=["role"])
    log_action(
        structure,
        actor=actor,
        action="main_manager_transferred",
        target_user=new_main,
        details=f"{actor.email} → {new_main.email}",
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
            action="rights_duplicated",
            target_user=target,
            details=f"{source.email} → {target.email}",
        )
        done.append(structure)
    return done


# --- Areas opened on a structure (AREA-3, AREA-7, AREA-9) -----------------------------


def openable_areas() -> list[areas.Area]:
    """Areas a manager can open or close: built and subscribable (the catalogue's order)."""
    return [area for area in areas.subscribable_areas() if area.built]


def requestable_areas() -> list[areas.Area]:
    return openable_areas()


@transaction.atomic
def open_structure_area(structure: Structure, code: str, *, actor) -> None:
    _require_manager(actor, structure)
    area = areas.BY_CODE.get(code)
    if area is None or area not in openable_areas() or area.always_open:
        raise ValidationError(_("Cet espace ne s'ouvre pas sur une structure."))
    if access.is_area_open(structure, code):
        return
    if not access.can_open_area(structure, code):
        if code == "COMMITMENTS":
            raise ValidationError(
                _(
                    "L'espace Engagements ne peut être ouvert sur une structure privée qu'après la mise en paiement d'une de ses factures."
                )
            )
        raise ValidationError(_("Cet espace ne peut pas être ouvert sur cette structure."))
    access.open_area(structure, code, actor=actor)
    log_action(structure, actor=actor, action="area_opened", details=code)


@transaction.atomic
def close_structure_area(structure: Structure, code: str, *, actor) -> None:
    """AREA-9: closing removes every subscription to the area; pending requests for it
    are refused."""
    _require_manager(actor, structure)
    area = areas.BY_CODE.get(code)
    if area is None or not area.subscribable or area.always_open:
        raise ValidationError(_("Cet espace est ouvert sur toutes les structures."))
    if not access.is_area_open(structure, code):
        return
    access.close_area(structure, code, actor=actor)
    _close_pending_subscription_requests(
        None,
        structure,
        actor=actor,
        comment=_("L'espace a été fermé sur la structure."),
        codes=[code],
    )
    log_action(structure, actor=actor, action="area_closed", details=code)


# --- Subscriptions (AREA-2, AREA-4, AREA-6) -----------------------------------------


def _check_subscribable(structure: Structure, code: str) -> areas.Area:
    area = areas.BY_CODE.get(code)
    if area is None or area not in requestable_areas():
        raise ValidationError({"area": _("On ne s'abonne pas à cet espace.")})
    if not access.is_area_open(structure, code):
        raise ValidationError(
            {
                "area": _(
                    "L'espace « %(area)s » n'est pas ouvert sur cette structure : un gestionnaire doit d'abord l'ouvrir."
                )
                % {"area": area.label}
            }
        )
    return area


@transaction.atomic
def request_subscription(
    *, actor, structure: Structure, code: str, mode: Mode | str
) -> SubscriptionRequest | None:
    """AREA-4: ask a manager for an area of the structure in a mode. For a self-service
    area (ISSUED, AREA-2) the subscription is made at once and None is returned."""
    mode = Mode(mode)
    membership = access.membership_of(actor, structure)
    if membership is None:
        raise ValidationError({"structure": _("Vous n'êtes pas rattaché à cette structure.")})
    area = _check_subscribable(structure, code)
    if membership.is_manager:
        raise ValidationError(
            _(
                "En tant que gestionnaire, vous disposez déjà de tous les espaces ouverts sur la structure."
            )
        )
    held = access.subscriptions_by_user(structure, [actor.pk]).get(actor.pk, {})
    if held.get(code) == mode:
        raise ValidationError(_("Vous êtes déjà abonné à cet espace dans ce mode."))
    if area.subscription == Subscription.SELF:
        access.grant_area(actor, structure, code, mode, actor=actor)
        return None
    if SubscriptionRequest.objects.filter(
        requester=actor, structure=structure, area=code, status=RequestStatus.PENDING
    ).exists():
        raise ValidationError(_("Une demande d'abonnement à cet espace est déjà en attente."))
    try:
        with transaction.atomic():
            subscription_request = SubscriptionRequest.objects.create(
                requester=actor, structure=structure, area=code, mode=mode
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("Une demande d'abonnement à cet espace est déjà en attente.")
        ) from exc
    _notify_managers(
        structure,
        "subscription_request_received",
        context={
            **_structure_context(structure),
            "requester_name": actor.get_full_name() or actor.email,
            "requester_email": actor.email,
            "area_label": area.label,
            "mode_label": areas.MODE_LABELS[mode],
            "url": _absolute("structures:manager"),
        },
        key=f"subscription_request_received:{subscription_request.pk}",
    )
    return subscription_request


@transaction.atomic
def decide_subscription_request(
    subscription_request: SubscriptionRequest | int, *, actor, approve: bool, comment: str = ""
) -> SubscriptionRequest:
    pk = getattr(subscription_request, "pk", subscription_request)
    subscription_request = (
        SubscriptionRequest.objects.select_for_update(of=("self",))
        .select_related("structure", "requester")
        .get(pk=pk)
    )
    structure = subscription_request.structure
    requester = subscription_request.requester
    _require_manager(actor, structure)
    if not subscription_request.is_pending:
        raise ValidationError(_("Cette demande a déjà été traitée."))
    comment = (comment or "").strip()
    if approve:
        if access.membership_of(requester, structure) is None:
            raise ValidationError(_("Le demandeur n'est plus rattaché à la structure."))
        _check_subscribable(structure, subscription_request.area)
        access.grant_area(
            requester, structure, subscription_request.area, subscription_request.mode, actor=actor
        )
    elif not comment:
        raise ValidationError({"comment": _("Indiquez le motif du refus.")})
    subscription_request.record_decision(
        RequestStatus.APPROVED if approve else RequestStatus.REFUSED, actor=actor, comment=comment
    )
    log_action(
        structure,
        actor=actor,
        action="subscription_approved" if approve else "subscription_refused",
        target_user=requester,
        details=f"{subscription_request.area} ({subscription_request.mode}) {comment}".strip(),
    )
    area = areas.get(subscription_request.area)
    _send_decision(
        requester,
        "subscription_request_decided",
        context={
            **_structure_context(structure),
            "approved": approve,
            "status_label": RequestStatus(subscription_request.status).label,
            "area_label": area.label,
            "mode_label": areas.MODE_LABELS[Mode(subscription_request.mode)],
            "comment": comment,
            "url": _absolute("structures:my_subscriptions"),
        },
        structure=structure,
        key=f"subscription_request_decided:{subscription_request.pk}",
    )
    return subscription_request


@transaction.atomic
def remove_self_service_subscription(*, actor, structure: Structure, code: str = "ISSUED") -> None:
    """AREA-2: any attached user removes a self-service area for themselves."""
    if access.membership_of(actor, structure) is None:
        raise ValidationError(_("Vous n'êtes pas rattaché à cette structure."))
    area = areas.BY_CODE.get(code)
    if area is None or area.subscription != Subscription.SELF:
        raise ValidationError(_("Cet abonnement ne peut être retiré que par un gestionnaire."))
    access.revoke_area(actor, structure, code, actor=actor)


@transaction.atomic
def set_subscriptions(
    structure: Structure, grid: dict[int, dict[str, str | None]], *, actor
) -> int:
    """AREA-6: a manager sets, in one transaction, the subscriptions of the listed simple
    users: grid = {user_id: {area_code: "view" | "change" | None}}; an area left out of a
    user's row is unsubscribed. Returns the number of changes."""
    _require_manager(actor, structure)
    opened = access.opened_area_codes(structure)
    allowed_codes = [area.code for area in requestable_areas()]
    members = {
        m.user_id: m
        for m in Membership.objects.filter(
            structure=structure, user_id__in=list(grid), role=Role.USER
        ).select_related("user")
    }
    errors = []
    unknown = set(grid) - set(members)
    if unknown:
        errors.append(
            _("Certains utilisateurs ne sont pas des utilisateurs simples de la structure.")
        )
    for row in grid.values():
        for code, mode in row.items():
            if not mode:
                continue
            if code not in allowed_codes:
                errors.append(_("On ne s'abonne pas à l'espace %(code)s.") % {"code": code})
            elif code not in opened:
                errors.append(
                    _("L'espace « %(area)s » n'est pas ouvert sur cette structure.")
                    % {"area": areas.get(code).label}
                )
            elif mode not in (Mode.VIEW, Mode.CHANGE):
                errors.append(_("Mode inconnu."))
    if errors:
        raise ValidationError(sorted(set(errors)))
    current = access.subscriptions_by_user(structure, list(grid))
    changes = 0
    for user_id, row in grid.items():
        user = members[user_id].user
        held = current.get(user_id, {})
        changed = []
        for code in allowed_codes:
            if code not in opened:
                continue
            wanted = row.get(code) or None
            if (held.get(code) or None) == wanted:
                continue
            if wanted:
                access.grant_area(user, structure, code, wanted, actor=actor)
                SubscriptionRequest.objects.filter(
                    requester=user, structure=structure, area=code, status=RequestStatus.PENDING
                ).update(
                    status=RequestStatus.APPROVED,
                    comment=_("Abonnement effectué directement par un gestionnaire."),
                    decided_by=actor,
                    decided_at=timezone.now(),
                )
                changed.append(f"{code}={wanted}")
            else:
                access.revoke_area(user, structure, code, actor=actor)
                changed.append(f"{code}=-")
        if changed:
            changes += len(changed)
            log_action(
                structure,
                actor=actor,
                action="subscriptions_changed",
                target_user=user,
                details=", ".join(changed),
            )
    return changes
