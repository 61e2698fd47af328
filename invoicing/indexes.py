"""The indexes of the invoice lists (issue 10): each list's scope, then its default sort and
each other sort, composite, and partial where the list excludes statuses. `Invoice.Meta`
adds them; PostgreSQL reads a B-tree both ways, so one index serves a sort and its reverse.
The search indexes PostgreSQL alone has (trigram, pattern operators) are in migration
invoicing 0004."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from invoicing.enums import ENTRY_MODES, HIDDEN_FROM_RECIPIENT, RECIPIENT_TO_PROCESS, InvoiceStatus

# Partial-index conditions (issue 10): the rows a recipient may list (RCV-2), the rows its
# "Synthèse" lists, the rows of the validator's pending list. Sorted: the SQL is the same in
# every process, and PostgreSQL proves the queries' identical conditions imply them.
RECEIVABLE = ~Q(status__in=sorted(HIDDEN_FROM_RECIPIENT))
TO_PROCESS = Q(status__in=sorted(RECIPIENT_TO_PROCESS))
PENDING_VALIDATION = Q(status=InvoiceStatus.A_VALIDER_1)
# LIF-6: rejections and suspensions the supplier has not acknowledged (a query on every page
# of a supplier user, by the acknowledgement pop-up's context processor and gate).
UNACKNOWLEDGED = Q(
    acknowledged_at__isnull=True,
    status__in=sorted([InvoiceStatus.REJETEE, InvoiceStatus.SUSPENDUE]),
)

# What waits for the supplier on the Issued Synthèse (`issued.services.needing_supplier_q`):
# a supplier of 50,000 invoices has a few hundred of them, among its newest changes.
NEEDING_SUPPLIER = Q(
    status__in=sorted(
        [
            InvoiceStatus.A_RECYCLER,
            InvoiceStatus.BROUILLON,
            InvoiceStatus.REFUSEE_1,
            InvoiceStatus.SUSPENDUE,
        ]
    )
) | Q(rejection_processed=False, status=InvoiceStatus.REJETEE)

# MAN-1: entered invoices sent whose PDF is not rendered yet (the dossier's fingerprint is
# written with it); the broker-outage sweep reads them every five minutes.
ENTRY_PDF_PENDING = Q(deposit_mode__in=sorted(ENTRY_MODES), dossier_sha256="") & ~Q(
    status=InvoiceStatus.BROUILLON
)


def _index(name: str, *fields: str, condition: Q | None = None) -> models.Index:
    return models.Index(fields=list(fields), name=name, condition=condition)


LIST_INDEXES = [
    # Received (RCV-1): the scope, then each sort of Rechercher (PostgreSQL reads a
    # B-tree both ways, so one index serves a sort and its reverse).
    _index("inv_rcv_deposited", "recipient", "-deposited_at", "-id", condition=RECEIVABLE),
    _index(
        "inv_rcv_svc_deposited",
        "recipient",
        "recipient_service",
        "-deposited_at",
        "-id",
        condition=RECEIVABLE,
    ),
    _index("inv_rcv_changed", "recipient", "-status_changed_at", "-id", condition=RECEIVABLE),
    _index("inv_rcv_invoice_date", "recipient", "-invoice_date", "-id", condition=RECEIVABLE),
    _index("inv_rcv_number", "recipient", "number", "id", condition=RECEIVABLE),
    _index("inv_rcv_supplier", "recipient", "supplier_name", "id", condition=RECEIVABLE),
    _index("inv_rcv_amount", "recipient", "amount_ttc", "id", condition=RECEIVABLE),
    _index("inv_rcv_due", "recipient", "due_date", "id", condition=RECEIVABLE),
    # Received "Synthèse": what waits, earliest due first, whole structure or services.
    _index("inv_rcv_todo", "recipient", "due_date", "id", condition=TO_PROCESS),
    _index(
        "inv_rcv_svc_todo",
        "recipient",
        "recipient_service",
        "due_date",
        "id",
        condition=TO_PROCESS,
    ),
    # Issued (drafts included): the default sort, then the others of Rechercher.
    _index("inv_iss_changed", "supplier", "-status_changed_at", "-id"),
    _index("inv_iss_deposited", "supplier", "-deposited_at", "-id"),
    _index("inv_iss_invoice_date", "supplier", "-invoice_date", "-id"),
    _index("inv_iss_number", "supplier", "number", "id"),
    _index("inv_iss_amount", "supplier", "amount_ttc", "id"),
    # The Synthèse's invoices waiting for the supplier, newest change first: the default sort
    # walked the supplier's other invoices to find them (5,600 rows for 26).
    _index(
        "inv_iss_attention", "supplier", "-status_changed_at", "-id", condition=NEEDING_SUPPLIER
    ),
    # To validate: pending (oldest deposit first), decided (latest change first).
    _index("inv_val_pending", "validator", "deposited_at", "id", condition=PENDING_VALIDATION),
    _index(
        "inv_val_changed",
        "validator",
        "-status_changed_at",
        "-id",
        condition=Q(validator__isnull=False),
    ),
    # LIF-6's pop-up and gate, on every page of a supplier user.
    _index("inv_iss_unacknowledged", "supplier", "status_changed_at", condition=UNACKNOWLEDGED),
    # The beat's sweep of the entered invoices' PDFs (every five minutes) read the whole
    # table. (Tacit validation's hourly sweep reads `inv_val_pending`.)
    _index("inv_entry_pdf_pending", "deposited_at", condition=ENTRY_PDF_PENDING),
]
