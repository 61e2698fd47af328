"""Scoped querysets of sollicitations (ARCHITECTURE rule 2): a sollicitation outside them
is a 404. Received ones are scoped by structure and services exactly like received invoices."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from invoicing.enums import HIDDEN_FROM_RECIPIENT
from invoicing.queries import issued_invoices
from portal.areas import AreaCode
from requests_app.models import Sollicitation
from structures import access

LIST_RELATED = ("sender", "sender_structure", "addressee_structure", "addressee_service", "invoice")


def sent(user) -> QuerySet[Sollicitation]:
    """REQUESTS_SENT: the sollicitations the user sent from a structure he still belongs to,
    or attached to no structure (to the support desk)."""
    ids = access.structure_ids_with_area(user, AreaCode.REQUESTS_SENT)
    return Sollicitation.objects.filter(
        Q(sender_structure_id__in=ids) | Q(sender_structure__isnull=True), sender_id=user.pk
    )


def received(user) -> QuerySet[Sollicitation]:
    """REQUESTS_RECEIVED: addressed to the user's structures, within his services (SRV-3);
    a sollicitation transferred to the support desk leaves the structure's list."""
    ids = access.structure_ids_with_area(user, AreaCode.REQUESTS_RECEIVED)
    condition = Q(pk__in=[])
    for structure_id, services in access.service_scope(user, ids).items():
        if services is None:
            condition |= Q(addressee_structure_id=structure_id)
        else:
            condition |= Q(addressee_structure_id=structure_id, addressee_service_id__in=services)
    return Sollicitation.objects.filter(condition, at_support=False)


def support_queue(user) -> QuerySet[Sollicitation]:
    if not access.is_support(user):
        return Sollicitation.objects.none()
    return Sollicitation.objects.filter(at_support=True)


def invoices_for_follow_up(user):
    """SUIVI_FACTURE: an invoice issued by the user's structures that its recipient already
    sees (RCV-2), the only ones its recipient service can answer about."""
    return (
        issued_invoices(user)
        .exclude(status__in=HIDDEN_FROM_RECIPIENT)
        .exclude(recipient__isnull=True)
    )
