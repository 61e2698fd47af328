"""The caller's scope (API.md §4.8): the scoped querysets of `invoicing.queries` and
`structures.access`, read for the technical account (TEC-5: the structures its main
manager manages). An object outside the scope is answered like an unknown one (SCP-3)."""

from __future__ import annotations

from django.db.models import QuerySet

from api.criteria import Criteria
from api.errors import ApiError
from invoicing import queries
from invoicing.enums import HIDDEN_FROM_RECIPIENT, InvoiceStatus
from invoicing.errors import ReturnCode
from invoicing.models import Invoice
from portal.areas import AreaCode, Mode
from structures import access
from structures.models import Structure


def supplier_invoices(user, mode: Mode | str = Mode.VIEW) -> QuerySet[Invoice]:
    return queries.issued_invoices(user, mode).exclude(status=InvoiceStatus.BROUILLON)


def supplier_sees(user, invoice: Invoice) -> bool:
    """`invoice in supplier_invoices(user)` read on the row already loaded (no query):
    the same two conditions, the supplier holding ISSUED and not a draft."""
    if invoice.status == InvoiceStatus.BROUILLON:
        return False
    return invoice.supplier_id in access.structure_ids_with_area(user, AreaCode.ISSUED)


def recipient_invoices(user, mode: Mode | str = Mode.VIEW) -> QuerySet[Invoice]:
    return queries.received_invoices(user, mode)


def validator_invoices(user, mode: Mode | str = Mode.VIEW) -> QuerySet[Invoice]:
    return queries.invoices_to_validate(user, mode)


# The same scopes as criteria (api.criteria: the searches' statements compiled once per
# shape); tests/api/test_tuple_rows.py holds them equal to the querysets above.


def supplier_criteria(user) -> Criteria:
    """`supplier_invoices(user)`."""
    ids = access.structure_ids_with_area(user, AreaCode.ISSUED)
    return Criteria().filter("supplier_id__in", ids).exclude("status", InvoiceStatus.BROUILLON)


def recipient_criteria(user) -> Criteria:
    """`recipient_invoices(user)` (`queries.received_in_scope`)."""
    groups = [
        [("recipient_id", structure_id)]
        if services is None
        else [("recipient_id", structure_id), ("recipient_service_id__in", services)]
        for structure_id, services in queries.received_scope(user).items()
    ]
    return (
        Criteria()
        .any_of(groups, none_is_nothing=True)
        .exclude("status__in", sorted(HIDDEN_FROM_RECIPIENT))
    )


def validator_criteria(user) -> Criteria:
    """`validator_invoices(user)`."""
    ids = access.structure_ids_with_area(user, AreaCode.TO_VALIDATE)
    return Criteria().filter("validator_id__in", ids).exclude("status", InvoiceStatus.BROUILLON)


def visible_invoices(user) -> QuerySet[Invoice]:
    return queries.any_visible(user).exclude(status=InvoiceStatus.BROUILLON)


def one(queryset: QuerySet, pk: int, *, code: int = ReturnCode.NOT_FOUND):
    # One row by primary key: no ORDER BY to compile or run (`first()` would add one).
    found = next(iter(queryset.filter(pk=pk).order_by()[:1]), None)
    if found is None:
        raise ApiError(code)
    return found


def structures_in_scope(user) -> QuerySet[Structure]:
    """SCP-1: every structure the technical account's main manager manages."""
    return access.managed_structures(user)


def structure_ids_with(user, area: str, mode: Mode | str = Mode.VIEW) -> list[int]:
    return access.structure_ids_with_area(user, area, mode)


def require_area_if_in_scope(user, structure_id: int | None, area: AreaCode) -> None:
    """SCP-2/SCP-3: a structure in scope without the area → 20001; out of scope → 20000."""
    if structure_id is None or structure_id in structure_ids_with(user, area):
        return
    if access.member_structures(user).filter(pk=structure_id).exists():
        raise ApiError(ReturnCode.NOT_ALLOWED)
    raise ApiError(ReturnCode.NOT_FOUND)
