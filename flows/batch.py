"""FLW-5..FLW-8 for a batch of a flow's invoices (issue 13: ≥ 200 invoices/s per worker).

    errors = integrate_batch(flow, [(position, item), …])   {position: listeErreurDP entries}

Two phases. First each invoice on its own, outside any transaction: its XML parsed once
(one lxml tree for the schema, the EN 16931 rules, the mapping and the embedded files), the
schema compiled once per process (`flows.validation`), FLW-6's supplier, FLW-7's mapping,
and its files stored (rows not yet written). Then the batch in one short transaction:
`invoicing.deposit.bulk.send_many` runs the portal's checks on each invoice (§5.4, the same
functions) against references read for the whole batch, and writes the accepted invoices,
their files' rows, history, activity events and commitment links with one INSERT per table;
then the batch's FlowInvoice records. A query count of O(1) per batch, not per invoice.

A crash in the transaction rolls the batch back whole and forgets its stored files: the
retry integrates it again. The E1 PDFs and the certificates come after (`complete_documents`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from flows import files, validation
from flows.mapping import deposit_data
from flows.models import Flow, FlowInvoice
from invoicing import parties
from invoicing.deposit.bulk import Deposit, send_many
from invoicing.deposit.forms import deposit_structures
from invoicing.enums import DepositMode
from invoicing.recognition import UnreadableFile, xmlsafe
from invoicing.recognition.structured import values_of
from invoicing.rules import memo

UNKNOWN_SUPPLIER = (
    "L'identifiant fournisseur de la demande de paiement n'est pas référencé dans notre système"
)


@dataclass
class Pending:
    """An invoice that passed the flow's own checks, its files stored, for `send_many`."""

    position: int
    values: dict
    deposit: Deposit
    stored: list[str]


def dp_error(values: dict | None, reason) -> dict:
    """One `listeErreurDP` entry (API.md §5.9)."""
    values = values or {}
    return {
        "identifiantDestinataire": values.get("recipient_siret")
        or values.get("recipient_siren")
        or None,
        "identifiantFournisseur": values.get("supplier_siret")
        or values.get("supplier_siren")
        or None,
        "numeroDP": values.get("invoice_number") or None,
        "libelleErreurDP": str(reason),
    }


def supplier_of(flow: Flow, values: dict):
    """FLW-6: BT-30 must be a structure the depositor may issue for."""
    if flow.created_by is None:
        return None
    siret, siren = values.get("supplier_siret"), values.get("supplier_siren")

    def read():
        structures = deposit_structures(flow.created_by)
        found = parties.supplier_siret(siret, siren, structures)
        return structures.filter(identifier=found).first() if found else None

    return memo.remember(("flow supplier", flow.created_by_id, siret, siren), read)


def prepare(flow: Flow, item, position: int) -> Pending | list[dict]:
    """One invoice up to its checks of §5.4: a Pending, or its `listeErreurDP` entries."""
    values = None
    try:
        root = xmlsafe.parse(item.xml)
        values = values_of(root)
    except UnreadableFile as exc:
        return [dp_error(values, exc.message)]
    reasons = validation.schema_errors(root, facturx=item.pdf is not None)
    reasons += validation.en16931_errors(values)
    if reasons:
        return [dp_error(values, reason) for reason in reasons]
    supplier = supplier_of(flow, values)
    if supplier is None:
        return [dp_error(values, UNKNOWN_SUPPLIER)]
    data = deposit_data(values, supplier)
    stored = []
    try:
        main, extras, digest = files.store_invoice_files(flow, item, values, root, stored=stored)
    except files.RefusedAttachment as exc:
        files.forget(stored)
        return [dp_error(values, exc.message)]
    except BaseException:
        files.forget(stored)
        raise
    return Pending(position, values, Deposit(data, main, extras, dossier_sha256=digest), stored)


def integrate_batch(flow: Flow, items) -> dict[int, list[dict]]:
    """The invoices `items` ((position, Item) pairs, read one at a time): {position:
    errors} for each of them, [] for an invoice integrated."""
    outcome: dict[int, list[dict]] = {}
    pending: list[Pending] = []
    try:
        for position, item in items:
            prepared = prepare(flow, item, position)
            item = None  # noqa: PLW2901 - not held while the next entry is read
            if isinstance(prepared, Pending):
                pending.append(prepared)
            else:
                outcome[position] = prepared
        if pending:
            _write(flow, pending)
    except BaseException:
        for entry in pending:
            files.forget(entry.stored)  # the transaction rolled their rows back
        raise
    for entry in pending:
        error = entry.deposit.error
        if error is None:
            outcome[entry.position] = []
            continue
        files.forget(entry.stored)  # a refused invoice: no row was written
        outcome[entry.position] = [
            dp_error(entry.values, message)
            for messages in error.errors.values()
            for message in messages
        ]
    return outcome


def _write(flow: Flow, pending: list[Pending]) -> None:
    mode = DepositMode.UPLOAD_API if flow.channel == "API" else DepositMode.UPLOAD_PORTAIL
    with transaction.atomic():
        send_many(
            [entry.deposit for entry in pending],
            actor=flow.created_by,
            deposit_mode=(mode, flow.syntax),
        )
        FlowInvoice.objects.bulk_create(
            FlowInvoice(flow=flow, invoice=entry.deposit.invoice, position=entry.position)
            for entry in pending
            if entry.deposit.invoice is not None
        )
