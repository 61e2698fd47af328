"""Areas of a structure (AREA-2..9): which areas a manager opens and closes, and the
subscriptions a manager sets or a user removes for themselves.

Plain functions, one transaction each, keyword-only `actor`; guardian rows and opened areas
are written by `structures.access` only.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal import areas
from portal.areas import AreaCode, Mode, Subscription
from structures import access
from structures.enums import ManagerActionCode, RequestStatus, Role
from structures.history import log_action
from structures.models import Membership, Structure, SubscriptionRequest

# The invoice status that lets a private structure open COMMITMENTS (AREA-7).
PAYMENT_STATUS = "MISE_EN_PAIEMENT"


def _has_invoice_in_payment(structure: Structure) -> bool:
    """AREA-7: one of the structure's issued invoices has reached MISE_EN_PAIEMENT.

    Read through the app registry: invoicing imports structures, so importing its models
    here would be a cycle.
    """
    invoice_model = apps.get_model("invoicing", "Invoice")
    event_model = apps.get_model("invoicing", "StatusEvent")
    return (
        invoice_model.objects.filter(supplier=structure, status=PAYMENT_STATUS).exists()
        or event_model.objects.filter(invoice__supplier=structure, status=PAYMENT_STATUS).exists()
    )


def can_open_area(structure: Structure, code: str) -> bool:
    """May a manager open area `code` on `structure` now (AREA-3, AREA-7)?

    False for areas that are not opened per structure (always open, role-based, staff).
    """
    area = areas.BY_CODE.get(code)
    if area is None or not area.subscribable or area.always_open:
        return False
    if code == AreaCode.COMMITMENTS and not structure.is_public:
        return _has_invoice_in_payment(structure)
    return True


def openable_areas() -> list[areas.Area]:
    """Areas a manager can open or close: built and subscribable (the catalogue's order)."""
    return [area for area in areas.subscribable_areas() if area.built]


def requestable_areas() -> list[areas.Area]:
    return openable_areas()


@transaction.atomic
def open_structure_area(structure: Structure, code: str, *, actor) -> None:
    access.require_manager(actor, structure)
    area = areas.BY_CODE.get(code)
    if area is None or area not in openable_areas() or area.always_open:
        raise ValidationError(_("Cet espace ne s'ouvre pas sur une structure."))
    if access.is_area_open(structure, code):
        return
    if not can_open_area(structure, code):
        if code == AreaCode.COMMITMENTS:
            raise ValidationError(
                _(
                    "L'espace Engagements ne peut être ouvert sur une structure privée qu'après la mise en paiement d'une de ses factures."
                )
            )
        raise ValidationError(_("Cet espace ne peut pas être ouvert sur cette structure."))
    access.open_area(structure, code, actor=actor)
    log_action(structure, actor=actor, action=ManagerActionCode.AREA_OPENED, details=code)


@transaction.atomic
def close_structure_area(structure: Structure, code: str, *, actor) -> None:
    """AREA-9: closing removes every subscription to the area; pending requests for it
    are refused."""
    access.require_manager(actor, structure)
    area = areas.BY_CODE.get(code)
    if area is None or not area.subscribable or area.always_open:
        raise ValidationError(_("Cet espace est ouvert sur toutes les structures."))
    if not access.is_area_open(structure, code):
        return
    access.close_area(structure, code, actor=actor)
    SubscriptionRequest.objects.filter(structure=structure, area=code).settle(
        RequestStatus.REFUSED, actor=actor, comment=_("L'espace a été fermé sur la structure.")
    )
    log_action(structure, actor=actor, action=ManagerActionCode.AREA_CLOSED, details=code)


def check_subscribable(structure: Structure, code: str) -> areas.Area:
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
def remove_self_service_subscription(
    *, actor, structure: Structure, code: str = AreaCode.ISSUED
) -> None:
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
    access.require_manager(actor, structure)
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
                    requester=user, structure=structure, area=code
                ).settle(
                    RequestStatus.APPROVED,
                    actor=actor,
                    comment=_("Abonnement effectué directement par un gestionnaire."),
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
                action=ManagerActionCode.SUBSCRIPTIONS_CHANGED,
                target_user=user,
                details=", ".join(changed),
            )
    return changes
