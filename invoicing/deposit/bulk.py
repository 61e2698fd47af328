"""Many invoices sent at once: a flow's lot (issue 13), at a few queries per batch.

    send_many(deposits, actor=, deposit_mode=)   each Deposit gets its invoice or its error

Each invoice is checked exactly as `send_invoice` checks one, by the same functions
(`validate_deposit`, so every rule of §5.4 and the dossier size), and gets the same row,
snapshot, history (T2, then T4 after commit), activity events, dossier fingerprint and
commitment link. What changes is how the database is read and written: the references
every check reads (recipients and their RECEIVED area, services, the invoice numbers already
used, the commitments) are read for the whole batch first, into the `memo.batch()` the
caller holds; the rows are written with one INSERT per table. The files are already stored,
their rows not yet (`Deposit.main`, `Deposit.attachments`, unsaved): a refused invoice
leaves no row, only files for the caller to forget.

Run inside `memo.batch()` and a transaction. Two invoices of the batch with one number: the
second is refused as a number already used, as if sent one after the other.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction

from commitments import rules as commitment_rules
from invoicing import workflow
from invoicing.deposit.services import (
    _fill_sent,
    _is_number_conflict,
    _snapshot,
    validate_deposit,
)
from invoicing.deposit.uploads import field_error
from invoicing.documents.files import sha256_of_paths
from invoicing.errors import InvoiceValidationError, ReturnCode
from invoicing.models import Attachment, Invoice
from invoicing.rules import checks, fields, memo, routing
from invoicing.rules.fields import text
from structures.models import Service


@dataclass
class Deposit:
    """One invoice of the batch: the deposit form's `data` (with its `supplier`), its main
    file and complementary files (stored, rows unsaved). `send_many` sets `invoice` or
    `error`."""

    data: dict[str, Any]
    main: Attachment
    attachments: list[Attachment] = field(default_factory=list)
    # sha256_of_paths of main + attachments, when the caller has their bytes at hand.
    dossier_sha256: str = ""
    invoice: Invoice | None = None
    error: InvoiceValidationError | None = None


def prefetch(deposits: list[Deposit]) -> None:
    """Read the batch's references into the memo, in at most five queries, whatever the
    number of invoices: what `check_deposit` then asks for each invoice is answered from it."""
    datas = [deposit.data for deposit in deposits]
    recipients = routing.find_recipients(text(data, "recipient_identifier") for data in datas)
    for identifier, recipient in recipients.items():
        memo.put(routing.recipient_key(identifier), recipient)
    found = {recipient.pk: recipient for recipient in recipients.values() if recipient}
    codes = {text(data, "recipient_service_code") for data in datas} - {""}
    if codes and found:
        services = {
            (service.structure_id, service.code): service
            for service in Service.objects.filter(structure__in=list(found), code__in=codes)
        }
        for recipient_id in found:
            for code in codes:
                memo.put(
                    routing.service_key(recipient_id, code), services.get((recipient_id, code))
                )
    by_supplier = defaultdict(list)
    for data in datas:
        if data.get("supplier") is not None:
            by_supplier[data["supplier"]].append(data)
    for supplier, group in by_supplier.items():
        numbers = {text(data, "number") for data in group} - {""}
        years = {d["invoice_date"].year for d in group if isinstance(d.get("invoice_date"), date)}
        used = checks.used_numbers(supplier.pk, numbers) if numbers and years else set()
        for number in numbers:
            for year in years:
                memo.put(checks.number_key(supplier.pk, year, number), (year, number) in used)
        if found and any(text(data, "engagement_number") for data in group):
            for key, published in commitment_rules.published_for(supplier, found.values()).items():
                memo.put(key, published)


@transaction.atomic
def send_many(deposits: list[Deposit], *, actor, deposit_mode: tuple[str, str]) -> list[Invoice]:
    """Check each deposit as `send_invoice` would, then write the accepted ones together.
    Returns the invoices created (in the order of `deposits`); each refused deposit holds
    its `error`. Must run inside `memo.batch()`."""
    if not memo.active():
        raise RuntimeError("send_many needs a memo.batch()")
    prefetch(deposits)
    accepted = []
    for deposit in deposits:
        try:
            checked = validate_deposit(
                deposit.data, actor=actor, main=deposit.main, attachments=deposit.attachments
            )
        except InvoiceValidationError as exc:
            deposit.error = exc
            continue
        supplier = deposit.data["supplier"]
        invoice = Invoice()
        _fill_sent(invoice, deposit.data, checked)
        _snapshot(invoice, checked, supplier)
        invoice.deposit_mode, invoice.deposit_format = deposit_mode
        invoice.dossier_sha256 = deposit.dossier_sha256 or sha256_of_paths(
            [a.path for a in (deposit.main, *deposit.attachments)]
        )
        # INV-5 within the batch: the next invoice with this number is refused.
        memo.put(checks.number_key(supplier.pk, invoice.invoice_date.year, invoice.number), True)
        deposit.invoice = invoice
        accepted.append(deposit)
    invoices = _submit(accepted, actor=actor)
    if not invoices:
        return []
    accepted = [deposit for deposit in accepted if deposit.error is None]
    rows = []
    for deposit in accepted:
        for attachment in (deposit.main, *deposit.attachments):
            attachment.invoice = deposit.invoice
            rows.append(attachment)
    Attachment.objects.bulk_create(rows)
    commitment_rules.link_new_invoices(invoices)
    return invoices


def _submit(accepted: list[Deposit], *, actor) -> list[Invoice]:
    """`workflow.submit_many` of the accepted deposits. A number another deposit took
    after the read-ahead (INV-5's unique constraint) refuses that invoice as a duplicate,
    as `send_invoice` does, instead of rolling the whole batch back."""
    for attempt in (1, 2):
        if not accepted:
            return []
        try:
            return workflow.submit_many([deposit.invoice for deposit in accepted], actor=actor)
        except IntegrityError as exc:
            if attempt == 2 or not _is_number_conflict(exc):
                raise
        for deposit in accepted:  # the savepoint rolled them back: new rows again
            deposit.invoice.pk = None
            deposit.invoice._state.adding = True
        taken: dict[int, set] = {}
        for deposit in accepted:
            invoice = deposit.invoice
            if invoice.supplier_id not in taken:
                taken[invoice.supplier_id] = checks.used_numbers(
                    invoice.supplier_id,
                    {
                        d.invoice.number
                        for d in accepted
                        if d.invoice.supplier_id == invoice.supplier_id
                    },
                )
            if (invoice.invoice_year, invoice.number) in taken[invoice.supplier_id]:
                deposit.error = field_error(
                    "number", fields.duplicate_number_message(), ReturnCode.DUPLICATE
                )
                deposit.invoice = None
        accepted = [deposit for deposit in accepted if deposit.error is None]
    return []
