"""What an invoice's detail page reads, in statements compiled once per process and kept
prepared on each PostgreSQL connection (`portal.prepared`; issue 10).

A detail page read the invoice through the user's scoped queryset, then its attachments,
lines, VAT lines and history: five statements compiled by the ORM on every request and
planned by PostgreSQL against the invoice table's many partial indexes. That was more than
half of the page's time, for primary-key reads. Here each statement has one parameter, an
id, so its prepared plan is the one a custom plan would be.

    invoice(pk, related)    the invoice with `related` joined, or None; the caller checks
                            that the user may see it (`queries.in_received_scope`, ...)
    load_children(invoice)  its attachments, lines and VAT lines, as `prefetch_related`
                            would leave them (`invoice.lines.all()` reads no more)
    attachments(invoice)    its attachments alone
    events(invoice)         its history, with each event's actor
"""

from __future__ import annotations

from django.db.models import Model

from invoicing.models import Attachment, Invoice, InvoiceLine, StatusEvent, VatLine
from portal.params import MAX_ID
from portal.prepared import Prepared

_SENTINEL = -7_000_000_005  # an id no row has: marks where the call's id goes

_invoices: dict[tuple[str, ...], Prepared] = {}


def invoice(pk: int, related: tuple[str, ...]) -> Invoice | None:
    """The invoice `pk` with `related` (select_related names) joined, or None (also for an
    id no column holds: the ORM's own range check, which a prepared statement skips)."""
    if not 0 < pk <= MAX_ID:
        return None
    statement = _invoices.get(related)
    if statement is None:
        statement = _invoices[related] = Prepared(
            lambda _vendor: Invoice.objects.select_related(*related).filter(pk=_SENTINEL),
            _SENTINEL,
        )
    found = statement.run(pk)
    return found[0] if found else None


def _of_invoice(model: type[Model], *related: str) -> Prepared:
    """`invoice.<related manager>.all()` of `model`, in its Meta ordering."""
    return Prepared(
        lambda _vendor: model.objects.select_related(*related).filter(invoice_id=_SENTINEL),
        _SENTINEL,
    )


# (related manager name: prefetch_related's cache key, model, statement)
_CHILDREN = (
    ("attachments", Attachment, _of_invoice(Attachment)),
    ("lines", InvoiceLine, _of_invoice(InvoiceLine)),
    ("vat_lines", VatLine, _of_invoice(VatLine)),
)
_EVENTS = _of_invoice(StatusEvent, "actor")


def _attach(invoice_: Invoice, model: type[Model], rows: list) -> list:
    field = model._meta.get_field("invoice")
    for row in rows:
        field.set_cached_value(row, invoice_)
    return rows


def load_children(invoice_: Invoice) -> None:
    """Read the invoice's attachments, lines and VAT lines into the related managers'
    prefetch cache, as `prefetch_related("attachments", "lines", "vat_lines")` does."""
    cache = invoice_.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, model, statement in _CHILDREN:
        queryset = getattr(invoice_, name).get_queryset()  # lazy: no query
        queryset._result_cache = _attach(invoice_, model, statement.run(invoice_.pk))
        queryset._prefetch_done = True
        cache[name] = queryset


def attachments(invoice_: Invoice) -> list[Attachment]:
    """`list(invoice.attachments.all())`: the prefetched ones, else one prepared read."""
    prefetched = getattr(invoice_, "_prefetched_objects_cache", {}).get("attachments")
    if prefetched is not None:
        return list(prefetched)
    return _attach(invoice_, Attachment, _CHILDREN[0][2].run(invoice_.pk))


def events(invoice_: Invoice) -> list[StatusEvent]:
    """The invoice's history (`invoice.events.select_related("actor")`), oldest first."""
    return _attach(invoice_, StatusEvent, _EVENTS.run(invoice_.pk))
