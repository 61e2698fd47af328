"""The deposit form's initial values: from the recognised file (REC-7, suggestions only) or
from a draft being resumed."""

from __future__ import annotations

import re
from decimal import Decimal

from invoicing import parties
from invoicing.deposit import uploads
from invoicing.deposit.forms import VAT_RATES, deposit_structure_ids, deposit_structures
from invoicing.enums import (
    CURRENT_FRAMES,
    InvoiceType,
)
from invoicing.recognition import Prefill
from invoicing.rules import fields
from structures.models import BankAccount, Structure


def line_initial(invoice) -> list[dict]:
    return [
        {
            "designation": line.designation,
            "quantity": line.quantity.normalize(),
            "unit": line.unit,
            "unit_price": line.unit_price.normalize(),
            "discount": line.discount.quantize(Decimal("0.01")),
            "vat_rate": _rate_choice(line.vat_rate),
        }
        for line in invoice.lines.all()
    ]


def _rate_choice(rate: Decimal) -> str:
    text = format(rate.normalize(), "f")
    return text if text in VAT_RATES else "20"


# --- Pre-fill (REC-7, FMT-0) ------------------------------------------------------------

_IBAN_SPACES = re.compile(r"\s+")


def initial_from_prefill(prefill: Prefill, *, user) -> dict:
    """Recognised values as the form's initial data; unrecognised fields stay empty."""
    initial: dict = {}
    simple = {
        "invoice_number": "number",
        "invoice_date": "invoice_date",
        "original_invoice_number": "original_invoice_number",
        "recipient_siret": "recipient_identifier",
        "service_code": "recipient_service_code",
        "engagement_number": "engagement_number",
        "market_number": "market_number",
        "amount_ht": "amount_ht",
        "amount_tva": "amount_tva",
        "amount_ttc": "amount_ttc",
        "amount_to_pay": "amount_to_pay",
        "comment": "comment",
    }
    for source, target in simple.items():
        value = getattr(prefill, source, None)
        if isinstance(value, Decimal):
            # The form takes cents; a value out of the columns' bounds is dropped (issue 9).
            value = fields.bounded_amount(value)
            value = fields.money(value) if value is not None else None
        if value not in (None, ""):
            initial[target] = value
    if prefill.invoice_type in InvoiceType.values:
        initial["invoice_type"] = prefill.invoice_type
    if prefill.currency and prefill.currency.upper() in fields.CURRENCIES:
        initial["currency"] = prefill.currency.upper()
    if prefill.frame in {frame.value for frame in CURRENT_FRAMES}:
        initial["frame"] = prefill.frame
        # VAL-1: the validator an A9 / A12 file names (a SIREN only when unambiguous).
        validator = prefill.validator_siret or parties.resolve_siren(
            prefill.validator_siren, Structure.objects.filter(is_active=True)
        )
        if validator:
            initial["validator_identifier"] = validator
    if "amount_to_pay" not in initial and "amount_ttc" in initial:
        initial["amount_to_pay"] = initial["amount_ttc"]
    if "recipient_identifier" not in initial and prefill.recipient_siren:
        resolved = parties.recipient_siret(None, prefill.recipient_siren)
        if resolved:
            initial["recipient_identifier"] = resolved
    supplier = None
    supplier_siret = parties.supplier_siret(
        prefill.supplier_siret, prefill.supplier_siren, deposit_structures(user)
    )
    if supplier_siret:
        structures = list(deposit_structures(user))
        siret = fields.normalise_identifier(supplier_siret)
        supplier = next((s for s in structures if s.identifier == siret), None)
    if supplier is not None:
        initial["supplier"] = supplier.pk
    if prefill.supplier_iban:
        iban = _IBAN_SPACES.sub("", prefill.supplier_iban).upper()
        candidates = BankAccount.objects.filter(
            structure__in=[supplier] if supplier else structures, is_active=True
        )
        for account in candidates:
            if _IBAN_SPACES.sub("", account.iban).upper() == iban:
                initial["bank_account"] = account.pk
                initial.setdefault("supplier", account.structure_id)
                break
    return initial


def initial_from_invoice(invoice) -> dict:
    """A draft back into the form."""
    initial = {
        name: getattr(invoice, name)
        for name in (
            "frame",
            "invoice_type",
            "original_invoice_number",
            "currency",
            "vat_type",
            "vat_exemption_reason",
            "payment_mode",
            "engagement_number",
            "market_number",
            "number",
            "invoice_date",
            "global_discount_reason",
            "comment",
            "recipient_identifier",
            "recipient_service_code",
            "validator_identifier",
        )
    }
    for name in ("amount_ht", "amount_tva", "amount_ttc", "global_discount", "amount_to_pay"):
        value = getattr(invoice, name)
        initial[name] = value.quantize(Decimal("0.01")) if value else None
    initial["supplier"] = invoice.supplier_id
    initial["supplier_service"] = invoice.supplier_service_id
    initial["bank_account"] = invoice.bank_account_id
    initial["validator_service_code"] = (
        invoice.validator_service.code if invoice.validator_service_id else ""
    )
    main = invoice.attachments.filter(is_main=True).first()
    initial["main_attachment"] = main.pk if main else None
    return initial


def form_initial(user, structure, *, draft, main, prefilled: dict | None = None) -> dict:
    """The deposit form's initial values: the draft's, else the main file's pre-fill, with
    the current structure as supplier when the user may deposit for it. `prefilled`: the
    `initial_from_prefill` of the main file, when the caller has it already."""
    if draft is not None:
        return initial_from_invoice(draft)
    initial = {}
    if main is not None:
        if prefilled is None:
            prefilled = initial_from_prefill(uploads.stored_prefill(main), user=user)
        initial = dict(prefilled)
        initial["main_attachment"] = main.pk
    if (
        "supplier" not in initial
        and structure is not None
        and structure.is_active
        and structure.pk in deposit_structure_ids(user)
    ):
        initial["supplier"] = structure.pk
    if "bank_account" not in initial and initial.get("supplier"):
        # The structure's only bank account is the one to use: pre-selected (issue 11).
        accounts = list(
            BankAccount.objects.filter(
                structure_id=initial["supplier"], is_active=True
            ).values_list("pk", flat=True)[:2]
        )
        if len(accounts) == 1:
            initial["bank_account"] = accounts[0]
    return initial
