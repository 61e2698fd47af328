"""Scoped querysets: the only way views fetch invoices (ARCHITECTURE rule 2).

Filter by structure first (the user's structures holding the area), then by invoice; never
`get_objects_for_user` over the invoice table. An invoice outside the scope is a 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from invoicing.enums import HIDDEN_FROM_RECIPIENT, InvoiceStatus
from invoicing.models import Invoice
from portal.areas import AreaCode, Mode
from structures import access


def issued_invoices(user, mode: Mode | str = Mode.VIEW) -> QuerySet[Invoice]:
    """Invoices of the supplier structures where the user holds ISSUED (drafts included)."""
    ids = access.structure_ids_with_area(user, AreaCode.ISSUED, mode)
    return Invoice.objects.filter(supplier_id__in=ids)


def received_invoices(user, mode: Mode | str = Mode.VIEW) -> QuerySet[Invoice]:
    """Invoices addressed to the user's structures holding RECEIVED, within their services
    (SRV-3), from MISE_A_DISPOSITION on (RCV-2)."""
    ids = access.structure_ids_with_area(user, AreaCode.RECEIVED, mode)
    scope = access.service_scope(user, ids)
    condition = Q(pk__in=[])
    for structure_id, services in scope.items():
        if services is None:
            condition |= Q(recipient_id=structure_id)
        else:
            condition |= Q(recipient_id=structure_id, recipient_service_id__in=services)
    return Invoice.objects.filter(condition).exclude(status__in=HIDDEN_FROM_RECIPIENT)


def invoices_to_validate(user, mode: Mode | str = Mode.VIEW) -> QuerySet[Invoice]:
    """A9/A12 invoices whose validator is one of the user's structures holding TO_VALIDATE."""
    ids = access.structure_ids_with_area(user, AreaCode.TO_VALIDATE, mode)
    return Invoice.objects.filter(validator_id__in=ids).exclude(status=InvoiceStatus.BROUILLON)


def any_visible(user) -> QuerySet[Invoice]:
    """Every invoice the user may see in any area (attachment downloads, assistant)."""
    return Invoice.objects.filter(
        Q(pk__in=issued_invoices(user).values("pk"))
        | Q(pk__in=received_invoices(user).values("pk"))
        | Q(pk__in=invoices_to_validate(user).values("pk"))
    )
