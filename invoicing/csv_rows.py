"""The rows of the CSV export of an invoice list (Issued and Received, issue 11): the current
search results, one line per invoice, from the snapshot columns of the invoice (what was
deposited), in one streamed query whatever the number of rows."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.enums import Frame, InvoiceStatus

CHUNK = 2000
CENT = Decimal("0.01")
AMOUNTS = ("amount_ht", "amount_tva", "amount_ttc", "amount_to_pay")
COLUMNS = (
    "number",
    "invoice_type",
    "invoice_date",
    "deposited_at",
    "frame",
    "status",
    "supplier_identifier",
    "supplier_name",
    "recipient_identifier",
    "recipient_name",
    "recipient_service_code",
    "engagement_number",
    "amount_ht",
    "amount_tva",
    "amount_ttc",
    "amount_to_pay",
    "currency",
    "supplier__identifier",
    "supplier__company_name",
)


def header() -> list[str]:
    return [
        _("Numéro de facture"),
        _("Type"),
        _("Date de facture"),
        _("Date de dépôt"),
        _("Cadre de facturation"),
        _("Statut"),
        _("SIRET fournisseur"),
        _("Fournisseur"),
        _("SIRET destinataire"),
        _("Destinataire"),
        _("Code service destinataire"),
        _("N° d'engagement"),
        _("Montant HT"),
        _("Montant TVA"),
        _("Montant TTC"),
        _("Net à payer"),
        _("Devise"),
    ]


def _money(value):
    return None if value is None else Decimal(value).quantize(CENT)


def _label(enum, value: str) -> str:
    try:
        return str(enum(value).label)
    except ValueError:
        return value


def invoice_rows(queryset: QuerySet) -> Iterator[list]:
    """The header, then one row per invoice of `queryset` (its filters and order kept)."""
    yield header()
    types = {"FACTURE": _("Facture"), "AVOIR": _("Avoir")}
    for row in queryset.values_list(*COLUMNS).iterator(chunk_size=CHUNK):
        values = dict(zip(COLUMNS, row, strict=True))
        deposited = values["deposited_at"]
        yield [
            values["number"],
            types.get(values["invoice_type"], values["invoice_type"]),
            values["invoice_date"].isoformat() if values["invoice_date"] else "",
            timezone.localtime(deposited).strftime("%Y-%m-%d %H:%M") if deposited else "",
            _label(Frame, values["frame"]),
            _label(InvoiceStatus, values["status"]),
            values["supplier_identifier"] or values["supplier__identifier"],
            values["supplier_name"] or values["supplier__company_name"],
            values["recipient_identifier"],
            values["recipient_name"],
            values["recipient_service_code"],
            values["engagement_number"],
            *(_money(values[name]) for name in AMOUNTS),
            values["currency"],
        ]
