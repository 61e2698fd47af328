"""LIF-6: rejected and suspended invoices the supplier must acknowledge, and the pop-up that
asks for it. The rule (once per session, on the Synthèse every time, on every page once an
invoice has waited 7 days) lives here; the template tag only shows what `popup` computed."""

from __future__ import annotations

from datetime import timedelta

from django.core.paginator import Page
from django.db import connection, transaction
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from invoicing import workflow
from invoicing.enums import InvoiceStatus
from invoicing.errors import IllegalTransition
from invoicing.models import Invoice
from portal.areas import AreaCode, Mode
from portal.pagination import BoundedPaginator
from structures import access

S = InvoiceStatus
ACKNOWLEDGEMENT_DELAY_DAYS = 7  # §5.10: after 7 days acknowledging is mandatory (LIF-6)
ACKNOWLEDGEABLE = (S.REJETEE, S.SUSPENDUE)
POPUP_SESSION_KEY = "issued_ack_popup_shown"
HIDDEN = {"show": False}
PENDING_ATTR = "_lif6_pending"


# The pop-up lists the oldest ones, the page all of them a page at a time (a supplier of
# 50,000 invoices may have thousands waiting, issue 10); "Tout acquitter" acknowledges them
# all. The pop-up is on every Synthèse: one page of the portal's lists, not a hundred rows.
SHOWN = 25
PAGE_SIZE = 100
# What a row of the list shows (`invoicing.issued.rows.acknowledgement_rows`), read as
# named tuples (no model instance per row).
ROW_COLUMNS = ("pk", "number", "recipient_name", "status", "status_changed_at", "status_comment")
BLOCKS_ATTR = "_lif6_blocks"


class Pending(list):
    """The oldest `SHOWN` invoices waiting for acknowledgement; `total` counts them all."""

    total: int = 0


def _unacknowledged(structure_ids):
    return Invoice.objects.filter(
        supplier_id__in=structure_ids,
        status__in=ACKNOWLEDGEABLE,
        acknowledged_at__isnull=True,
    )


def _rows(structure_ids):
    """What the list shows, oldest first, as named tuples."""
    return (
        _unacknowledged(structure_ids)
        .order_by("status_changed_at", "id")
        .values_list(*ROW_COLUMNS, named=True)
    )


def pending_acknowledgements(user) -> Pending:
    """REJETEE and SUSPENDUE invoices not yet acknowledged, on the structures where the
    user holds ISSUED in modification mode (only they can acknowledge, so only they are
    asked to), oldest first, `SHOWN` at most (a second query counts them past that). The
    rights are cached on the user for the request."""
    structure_ids = _change_structure_ids(user)
    pending = Pending()
    if not structure_ids:
        return pending
    pending.extend(_rows(structure_ids)[:SHOWN])
    pending.total = len(pending)
    if pending.total == SHOWN:
        pending.total = _unacknowledged(structure_ids).count()
    return pending


def pending_page(user, number) -> Page:
    """The acknowledgement page: every pending invoice, `PAGE_SIZE` a page, oldest first (the
    pop-up lists the `SHOWN` oldest), as named tuples."""
    return BoundedPaginator(_rows(_change_structure_ids(user)), PAGE_SIZE).get_page(number)


def _change_structure_ids(user) -> list[int]:
    return access.structure_ids_with_area(user, AreaCode.ISSUED, Mode.CHANGE)


def blocking_threshold():
    return timezone.now() - timedelta(days=ACKNOWLEDGEMENT_DELAY_DAYS)


def acknowledgement_mandatory(pending: list[Invoice]) -> bool:
    """LIF-6: dismissible while every listed invoice changed status less than 7 days ago
    (the list is oldest first)."""
    threshold = blocking_threshold()
    return any(invoice.status_changed_at <= threshold for invoice in pending)


def acknowledgement_blocks(user) -> bool:
    """The server-side gate: one invoice waits for acknowledgement for 7 days or more. One
    EXISTS on the partial index of unacknowledged invoices (not the list: every page of a
    supplier asks), kept on the user for the request; the pending list when it is read."""
    blocks = getattr(user, BLOCKS_ATTR, None)
    if blocks is None:
        pending = getattr(user, PENDING_ATTR, None)
        if pending is not None:
            blocks = acknowledgement_mandatory(pending)
        else:
            structure_ids = _change_structure_ids(user)
            blocks = bool(structure_ids) and _one_waits_since(structure_ids, blocking_threshold())
        setattr(user, BLOCKS_ATTR, blocks)
    return blocks


# The gate's EXISTS, asked by every page of a supplier user once the pop-up was shown,
# written once (issue 10: the ORM built it for about a millisecond of CPU on each page, more
# than it runs). The statuses are written in the SQL, not passed: with the acknowledgement
# they are the condition of the partial index that answers (`inv_iss_unacknowledged`).
_ACKNOWLEDGEABLE_SQL = ", ".join(f"'{status.value}'" for status in sorted(ACKNOWLEDGEABLE))
_WAITING_SINCE = (
    f'SELECT 1 FROM {Invoice._meta.db_table} WHERE "supplier_id" IN ({{ids}}) '  # noqa: S608
    f'AND "acknowledged_at" IS NULL AND "status" IN ({_ACKNOWLEDGEABLE_SQL}) '
    'AND "status_changed_at" <= %s LIMIT 1'
)


def _one_waits_since(structure_ids: list[int], threshold) -> bool:
    """An unacknowledged REJETEE or SUSPENDUE invoice of these structures whose status
    changed at `threshold` or before."""
    ids = [int(pk) for pk in structure_ids]
    with connection.cursor() as cursor:
        cursor.execute(
            _WAITING_SINCE.format(ids=", ".join(["%s"] * len(ids))),
            [*ids, connection.ops.adapt_datetimefield_value(threshold)],
        )
        return cursor.fetchone() is not None


def _forget(user) -> None:
    for name in (PENDING_ATTR, BLOCKS_ATTR):
        if hasattr(user, name):
            delattr(user, name)


def _pending_of_request(user) -> Pending:
    """`pending_acknowledgements`, cached on the user object (the request's) for the
    request: never across requests."""
    pending = getattr(user, PENDING_ATTR, None)
    if pending is None:
        pending = pending_acknowledgements(user)
        setattr(user, PENDING_ATTR, pending)
    return pending


@transaction.atomic
def acknowledge_many(user, invoice_ids: list[int] | None) -> int:
    """Acknowledge the selected pending invoices (all of them when `invoice_ids` is None).
    Ids outside the user's pending list are ignored. Returns how many were acknowledged."""
    pending = _unacknowledged(_change_structure_ids(user)).order_by("status_changed_at", "id")
    if invoice_ids is not None:
        pending = pending.filter(pk__in={int(pk) for pk in invoice_ids})
    done = 0
    for invoice in pending:
        try:
            workflow.acknowledge(invoice, actor=user)
        except IllegalTransition:
            continue  # its status changed meanwhile (completed, recycled...): nothing to do
        done += 1
    _forget(user)  # the request's gate and pop-up read them again
    return done


class Popup:
    """The pop-up of one request. base.html and the Synthèse may both hold the tag: the first
    `take()` gets the pop-up, the next ones nothing."""

    def __init__(self, request):
        self._request = request
        self._taken = False

    def take(self) -> dict:
        if self._taken:
            return HIDDEN
        self._taken = True
        return popup(self._request)


def _lists_pending(request) -> bool:
    """The pop-up lists the pending invoices on this request: on the Synthèse every time,
    elsewhere once per session (and on every page once acknowledging is mandatory)."""
    match = getattr(request, "resolver_match", None)
    on_synthesis = match is not None and match.view_name == "invoicing:issued"
    return on_synthesis or not request.session.get(POPUP_SESSION_KEY, False)


def request_blocks(request) -> bool:
    """`acknowledgement_blocks` for the area's gate: from the pending list when this
    request's pop-up lists it anyway (one read for both), else one EXISTS."""
    if _lists_pending(request):
        return acknowledgement_mandatory(_pending_of_request(request.user))
    return acknowledgement_blocks(request.user)


def popup(request) -> dict:
    """What the pop-up shows for this request: on the Synthèse every time, elsewhere once per
    session (i.e. after login) unless it has become mandatory (an invoice changed status 7
    days ago or more): then on every page, without a close button. Two queries at most (the
    user's rights, usually already cached for the tab bar, and the list), one EXISTS when
    it was already shown and stays dismissible."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return HIDDEN
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name == "invoicing:issued_acknowledgements":
        return HIDDEN  # that page is the acknowledgement form itself
    seen = request.session.get(POPUP_SESSION_KEY, False)
    if not _lists_pending(request) and not acknowledgement_blocks(user):
        return HIDDEN  # already shown in this session, and still dismissible
    pending = _pending_of_request(user)
    if not pending:
        return HIDDEN
    if not seen:
        request.session[POPUP_SESSION_KEY] = True
    return {
        "show": True,
        "pending": pending,
        "pending_total": pending.total,
        "mandatory": acknowledgement_mandatory(pending),
        "next_url": request.get_full_path(),
        "delay_days": ACKNOWLEDGEMENT_DELAY_DAYS,
    }


def context_processor(request) -> dict:
    """Registered in settings: `{% issued_acknowledgement_modal %}` shows
    `issued_acknowledgement`. Lazy, so a page without the tag runs no query."""
    return {"issued_acknowledgement": SimpleLazyObject(lambda: Popup(request))}
