"""Link requests (LNK-1, LNK-2) and subscription requests (AREA-4): a user asks, the
managers are told, one of them decides through `decide_request` (the one decision
function), and the requester is mailed.

Plain functions, one transaction each, keyword-only `actor`; mails go through the
notifications outbox.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from notifications import activity
from notifications.models import EventKind
from notifications.services import send_transactional
from portal import areas
from portal.areas import Mode, Subscription
from structures import access, openings
from structures.enums import ManagerActionCode, RequestStatus, Role
from structures.history import log_action
from structures.models import LinkRequest, Membership, Service, Structure, SubscriptionRequest


def _absolute(url_name: str, *args) -> str:
    return settings.PORTAL_BASE_URL + reverse(url_name, args=args)


def _structure_context(structure: Structure) -> dict:
    return {
        "structure_name": structure.company_name,
        "structure_identifier": structure.identifier,
    }


def _notify_managers(structure: Structure, kind: str, *, actor, params: dict) -> None:
    """NOT-3: a link or subscription request is an activity event for the managers (the
    users holding MANAGER on the structure), reported in their digest."""
    activity.record(
        kind,
        structure=structure,
        area=areas.AreaCode.MANAGER,
        link=("structures:manager",),
        params={"requester": actor.get_full_name() or actor.email, **params},
        actor=actor,
    )


def _send_decision(user, template: str, *, context: dict, structure: Structure, key: str) -> None:
    """NOT-1: decisions are transactional mails to the requester (rendered at once in the
    requester's language, so lazy labels are fine in the context)."""
    send_transactional(user, template, context=context, structure=structure, dedup_key=key)


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
        Membership.objects.of(actor)
        .filter(structure_id__in=ids)
        .values_list("structure_id", flat=True)
    )
    pending = set(
        LinkRequest.objects.filter(requester=actor, structure_id__in=ids)
        .pending()
        .values_list("structure_id", flat=True)
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
        _notify_managers(structure, EventKind.LINK_REQUEST, actor=actor, params={})
    return created


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
    area = openings.check_subscribable(structure, code)
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
    if (
        SubscriptionRequest.objects.filter(requester=actor, structure=structure, area=code)
        .pending()
        .exists()
    ):
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
        structure, EventKind.SUBSCRIPTION_REQUEST, actor=actor, params={"area": code, "mode": mode}
    )
    return subscription_request


def _approve_link(link_request: LinkRequest, *, actor) -> None:
    """LNK-2: the requester becomes a simple user, with the requested services and the
    default areas."""
    structure = link_request.structure
    if not structure.is_active:
        raise ValidationError(_("La structure est inactive : le rattachement est impossible."))
    membership, created = Membership.objects.get_or_create(
        user=link_request.requester, structure=structure, defaults={"role": Role.USER}
    )
    if created:
        membership.services.set(link_request.services.all())
        access.grant_default_areas(link_request.requester, structure, actor=actor)


def _approve_subscription(subscription_request: SubscriptionRequest, *, actor) -> None:
    structure = subscription_request.structure
    requester = subscription_request.requester
    if access.membership_of(requester, structure) is None:
        raise ValidationError(_("Le demandeur n'est plus rattaché à la structure."))
    openings.check_subscribable(structure, subscription_request.area)
    access.grant_area(
        requester, structure, subscription_request.area, subscription_request.mode, actor=actor
    )


@dataclass(frozen=True)
class _Kind:
    """What differs between deciding a link request and a subscription request."""

    approve: Callable
    approved: ManagerActionCode
    refused: ManagerActionCode
    template: str
    url_name: str


_KINDS = {
    LinkRequest: _Kind(
        _approve_link,
        ManagerActionCode.LINK_REQUEST_APPROVED,
        ManagerActionCode.LINK_REQUEST_REFUSED,
        "link_request_decided",
        "structures:my_links",
    ),
    SubscriptionRequest: _Kind(
        _approve_subscription,
        ManagerActionCode.SUBSCRIPTION_APPROVED,
        ManagerActionCode.SUBSCRIPTION_REFUSED,
        "subscription_request_decided",
        "structures:my_subscriptions",
    ),
}


@transaction.atomic
def decide_request(
    request: LinkRequest | SubscriptionRequest, *, actor, approve: bool, comment: str = ""
) -> LinkRequest | SubscriptionRequest:
    """LNK-2, AREA-4: a manager of the structure validates or refuses (with a comment) a
    pending link or subscription request; the row is locked, the decision recorded, written
    to the history and mailed to the requester."""
    model = type(request)
    kind = _KINDS[model]
    request = (
        model.objects.select_for_update(of=("self",))
        .select_related("structure", "requester")
        .get(pk=request.pk)
    )
    structure = request.structure
    requester = request.requester
    access.require_manager(actor, structure)
    if not request.is_pending:
        raise ValidationError(_("Cette demande a déjà été traitée."))
    comment = (comment or "").strip()
    if approve:
        kind.approve(request, actor=actor)
    elif not comment:
        raise ValidationError({"comment": _("Indiquez le motif du refus.")})
    request.record_decision(
        RequestStatus.APPROVED if approve else RequestStatus.REFUSED, actor=actor, comment=comment
    )
    context = {
        **_structure_context(structure),
        "approved": approve,
        "status_label": RequestStatus(request.status).label,
        "comment": comment,
        "url": _absolute(kind.url_name),
    }
    details = comment
    if model is SubscriptionRequest:
        details = f"{request.area} ({request.mode}) {comment}".strip()
        context["area_label"] = areas.get(request.area).label
        context["mode_label"] = areas.MODE_LABELS[Mode(request.mode)]
    log_action(
        structure,
        actor=actor,
        action=kind.approved if approve else kind.refused,
        target_user=requester,
        details=details,
    )
    _send_decision(
        requester,
        kind.template,
        context=context,
        structure=structure,
        key=f"{kind.template}:{request.pk}",
    )
    return request


def decide_link_request(link_request: LinkRequest | int, **decision) -> LinkRequest:
    return decide_request(_get(LinkRequest, link_request), **decision)


def decide_subscription_request(
    subscription_request: SubscriptionRequest | int, **decision
) -> SubscriptionRequest:
    return decide_request(_get(SubscriptionRequest, subscription_request), **decision)


def _get(model, request):
    return request if isinstance(request, model) else model(pk=request)
