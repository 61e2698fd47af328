"""The caller's scope (API.md §4.8): the scoped querysets of `invoicing.queries` and
`structures.access`, read for the technical account (TEC-5: the structures its main
manager manages). An object outside the scope is answered like an unknown one (SCP-3)."""

from __future__ import annotations

from django.db.models import QuerySet

from api.errors import ApiError
from invoicing import queries
from invoicing.enums import InvoiceStatus
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
