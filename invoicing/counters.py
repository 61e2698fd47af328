"""The counters of the logged-in homepage (issue 11): per structure of the user, how many
invoices wait for them, each linking to the list that shows them.

Bounded: one query per kind of counter, whatever the number of structures (a capped count
per structure in a subquery), and each count stops at CAP + 1 rows, so that a structure with
300,000 invoices costs no more than one with a thousand; above CAP the page shows "999+".
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import IntegerField, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from invoicing import queries
from invoicing.enums import InvoiceStatus as S
from invoicing.received.services import TO_PROCESS
from structures.models import Structure

CAP = 999


class _CappedCount(Subquery):
    """COUNT(*) over a LIMITed subquery: the count stops at the subquery's limit."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) capped)"
    output_field = IntegerField()


@dataclass(frozen=True)
class Counter:
    kind: str
    label: str
    count: int
    url: str

    @property
    def shown(self) -> str:
        return f"{CAP}+" if self.count > CAP else str(self.count)


@dataclass(frozen=True)
class _Kind:
    code: str
    label: object
    column: str  # the invoice's column that names the structure

    def invoices(self, user) -> QuerySet:
        if self.code == "to_process":
            return queries.received_invoices(user).filter(status__in=TO_PROCESS)
        if self.code == "suspended":
            return queries.issued_invoices(user).filter(status=S.SUSPENDUE)
        if self.code == "to_validate":
            return queries.invoices_to_validate(user).filter(status=S.A_VALIDER_1)
        return queries.issued_invoices(user).filter(status=S.REJETEE, acknowledged_at__isnull=True)

    def url(self, structure_id: int) -> str:
        if self.code == "to_process":
            return reverse("invoicing:received")
        if self.code == "to_validate":
            return reverse("validation:to_validate")
        status = S.SUSPENDUE if self.code == "suspended" else S.REJETEE
        query = urlencode({"structure": structure_id, "status": status.value})
        return f"{reverse('invoicing:issued_search')}?{query}"


KINDS = (
    _Kind("to_process", _("Factures à traiter"), "recipient_id"),
    _Kind("suspended", _("Factures suspendues"), "supplier_id"),
    _Kind("to_validate", _("Factures à valider"), "validator_id"),
    _Kind("rejected", _("Rejets non acquittés"), "supplier_id"),
)


def home_counters(user, structure_ids: list[int]) -> dict[int, list[Counter]]:
    """Structure id → its non-zero counters, in KINDS order."""
    counters: dict[int, list[Counter]] = {pk: [] for pk in structure_ids}
    if not structure_ids:
        return counters
    for kind in KINDS:
        invoices = kind.invoices(user).filter(**{kind.column: OuterRef("pk")})
        capped = _CappedCount(invoices.order_by().values("pk")[: CAP + 1])
        rows = (
            Structure.objects.filter(pk__in=structure_ids)
            .annotate(count=capped)
            .filter(count__gt=0)
            .values_list("pk", "count")
        )
        for pk, count in rows:
            counters[pk].append(Counter(kind.code, str(kind.label), count, kind.url(pk)))
    return counters
