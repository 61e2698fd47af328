"""Scoped querysets: the only way views fetch invoices (ARCHITECTURE rule 2).

Filter by structure first (the user's structures holding the area), then by invoice; never
`get_objects_for_user` over the invoice table. An invoice outside the scope is a 404.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from invoicing.enums import HIDDEN_FROM_RECIPIENT, InvoiceStatus
from invoicing.models import Invoice
from portal.areas import AreaCode, Mode
from structures import access


def issued_invoices(user, mode: Mode | str = Mode.VIEW) -> QuerySet[Invoice]:
    """Invoices of the supplier structures where the user holds ISSUED (drafts included)."""
    ids = access.structure_ids_with_area(user, AreaCode.ISSUED, mode)
    return Invoice.objects.filter(supplier_id__in=ids)


def in_issued_scope(user, invoice: Invoice, mode: Mode | str = Mode.VIEW) -> bool:
    """Whether `issued_invoices(user, mode)` holds `invoice`, without a query past the
    user's holdings (read once per request)."""
    return invoice.supplier_id in access.structure_ids_with_area(user, AreaCode.ISSUED, mode)


def received_invoices(user, mode: Mode | str = Mode.VIEW) -> QuerySet[Invoice]:
    """Invoices addressed to the user's structures holding RECEIVED, within their services
    (SRV-3), from MISE_A_DISPOSITION on (RCV-2)."""
    return received_in_scope(received_scope(user, mode))


def received_scope(user, mode: Mode | str = Mode.VIEW) -> dict[int, set[int] | None]:
    """The user's RECEIVED structures → None (every service) or their service ids (SRV-3)."""
    ids = access.structure_ids_with_area(user, AreaCode.RECEIVED, mode)
    return access.service_scope(user, ids)


def received_in_scope(scope: dict[int, set[int] | None]) -> QuerySet[Invoice]:
    """`received_invoices` for a scope `received_scope` gave."""
    condition = Q(pk__in=[])
    for structure_id, services in scope.items():
        if services is None:
            condition |= Q(recipient_id=structure_id)
        else:
            condition |= Q(recipient_id=structure_id, recipient_service_id__in=services)
    # Sorted: the partial indexes' condition (models.RECEIVABLE), word for word.
    return Invoice.objects.filter(condition).exclude(status__in=sorted(HIDDEN_FROM_RECIPIENT))


def in_received_scope(scope: dict[int, set[int] | None], invoice: Invoice) -> bool:
    """Whether `received_in_scope(scope)` holds `invoice`, without a query (a detail page
    reads the invoice by its primary key first: `invoicing.detail_reads`)."""
    if invoice.status in HIDDEN_FROM_RECIPIENT or invoice.recipient_id not in scope:
        return False
    services = scope[invoice.recipient_id]
    return services is None or invoice.recipient_service_id in services


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


# --- Date filters (issue 10) ------------------------------------------------------------


def day_start(day: date) -> datetime:
    """Midnight of `day` in the portal's time zone (Europe/Paris), as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


def on_or_after(field: str, day: date) -> Q:
    """`field` (a timestamp) on `day` or later, Paris time: a range an index serves, where
    `field__date__gte` computes a date per row."""
    return Q(**{f"{field}__gte": day_start(day)})


def on_or_before(field: str, day: date) -> Q:
    """`field` on `day` or earlier, Paris time: before the next day's midnight (half-open)."""
    return Q(**{f"{field}__lt": day_start(day + timedelta(days=1))})


# --- Party searches (issue 10) ----------------------------------------------------------

MIN_IDENTIFIER_PREFIX = 3  # DOMAIN DIR-3 / LNK-1: a partial identifier has 3 characters or more


def is_identifier_start(term: str) -> bool:
    compact = "".join(term.split())
    return compact.isdigit() and len(compact) >= MIN_IDENTIFIER_PREFIX


def party_search(party: str, term: str) -> Q:
    """A supplier / recipient search field: digits (3 or more, spaces ignored) are the start
    of its identifier (SIRET…), anything else a part of its name. Each form has its index on
    PostgreSQL (a B-tree with pattern operators, a trigram index on the name), where
    "identifier or name" could use neither."""
    if is_identifier_start(term):
        return Q(**{f"{party}_identifier__startswith": "".join(term.split())})
    return Q(**{f"{party}_name__icontains": term.strip()})
