"""The deposit checks of DOMAIN §5.4 (INV-1..INV-9, VAL-1, EJ-4), shared by every channel.

Pure service functions: they read the database, change nothing, and raise one
`InvoiceValidationError({field: [messages]}, {field: api_code})` listing every broken rule,
each message at its field (INV-11) in the active language, each with its API `codeRetour`
(API.md §4.4). Field names are those of the portal's deposit form; the API maps them.

    routing = check_routing(supplier=..., recipient_identifier=..., service_code=...,
                            engagement_number=...)
    checked = check_invoice(data, actor=user, supplier=structure, is_entry_mode=False)
    deposit = check_deposit(data, actor=user, supplier=structure, is_entry_mode=False)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.enums import (
    CURRENT_FRAMES,
    Frame,
    InvoiceStatus,
    InvoiceType,
    PaymentMode,
    VatExemptionReason,
    VatType,
    frame_from_code,
)
from invoicing.errors import InvoiceValidationError, ReturnCode
from invoicing.models import Invoice
from invoicing.rules import memo
from invoicing.rules.amounts import (
    check_amounts,
    check_lines,
)
from invoicing.rules.fields import (
    COMMENT_MAX,
    CURRENCIES,
    MARKET_MAX,
    NUMBER_MAX,
    NUMBER_RE,
    FieldErrors,
    duplicate_number_message,
    pk_of,
    text,
)
from invoicing.rules.routing import (
    Routing,
    check_routing,
    check_supplier,
    check_supplier_objects,
    check_validator,
    mandate_missing_message,
)
from structures.models import BankAccount, Service, Structure


@dataclass
class CheckedInvoice:
    """The values of `data`, normalised, with the referenced objects resolved."""

    frame: Frame
    values: dict[str, Any]
    supplier_service: Service | None = None
    bank_account: BankAccount | None = None
    validator: Structure | None = None
    validator_service: Service | None = None
    lines: list[dict[str, Any]] = field(default_factory=list)
    vat_lines: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class CheckedDeposit:
    routing: Routing
    invoice: CheckedInvoice


# The codes of the reference lists, as sets: `Choices.values` builds a list on each read,
# and every invoice of a lot reads four of them.
_INVOICETYPE_CODES = frozenset(InvoiceType.values)
_VATTYPE_CODES = frozenset(VatType.values)
_VATEXEMPTIONREASON_CODES = frozenset(VatExemptionReason.values)
_PAYMENTMODE_CODES = frozenset(PaymentMode.values)


def number_key(supplier_id, year: int, number: str) -> tuple:
    """The memo's key for INV-5 (a lot reads its numbers ahead, then marks those it uses)."""
    return ("number used", supplier_id, year, number)


def used_numbers(supplier_id, numbers) -> set[tuple[int, str]]:
    """{(year, number)} among `numbers` already used by the supplier (INV-5), one query."""
    return set(
        Invoice.objects.filter(supplier_id=supplier_id, number__in=list(numbers))
        .exclude(status=InvoiceStatus.BROUILLON)
        .values_list("invoice_year", "number")
    )


# INV-5's question on every deposit, written once (issue 10: the ORM compiled it twice per
# deposit, for longer than it runs). The draft status is written in the SQL, not passed:
# it is the condition of the unique index that answers (`invoice_number_unique_per_supplier_year`).
_NUMBER_USED = (
    f"SELECT 1 FROM {Invoice._meta.db_table} WHERE supplier_id = %s AND invoice_year = %s "  # noqa: S608
    f"AND number = %s AND NOT (status = '{InvoiceStatus.BROUILLON.value}') LIMIT 1"
)


def number_is_used(*, supplier, number: str, year: int, exclude_pk: int | None = None) -> bool:
    """INV-5: drafts do not count; rejected and refused invoices keep their number."""

    def used():
        if exclude_pk is not None:
            found = Invoice.objects.filter(
                supplier_id=pk_of(supplier), invoice_year=year, number=number
            ).exclude(status=InvoiceStatus.BROUILLON)
            return found.exclude(pk=exclude_pk).exists()
        with connection.cursor() as cursor:
            cursor.execute(_NUMBER_USED, [pk_of(supplier), year, number])
            return cursor.fetchone() is not None

    if exclude_pk is not None:
        return used()
    return memo.remember(number_key(pk_of(supplier), year, number), used)


def _check_frame(data: Mapping, errors: FieldErrors) -> Frame | None:
    code = text(data, "frame")
    if not code:
        errors.add("frame", _("Le cadre de facturation est obligatoire."))
        return None
    frame = frame_from_code(code)
    if frame is None:
        errors.add(
            "frame",
            _("Le cadre de facturation %(code)s est inconnu.") % {"code": code},
            ReturnCode.REFERENCE,
        )
        return None
    if frame not in CURRENT_FRAMES:
        errors.add(
            "frame",
            _(
                "Le cadre de facturation %(code)s n'est pas encore disponible : seuls les cadres "
                "A1, A2, A9 et A12 peuvent être déposés."
            )
            % {"code": frame.value},
            ReturnCode.REFERENCE,
        )
        return None
    return frame


def _check_number_and_date(
    data: Mapping, supplier, errors: FieldErrors, exclude_pk: int | None
) -> tuple[str, date | None]:
    number = text(data, "number")
    invoice_date = data.get("invoice_date")
    if not number:
        errors.add("number", _("Le numéro de facture est obligatoire."))
    elif len(number) > NUMBER_MAX:
        errors.add(
            "number",
            _("Le numéro de facture ne peut pas dépasser %(max)d caractères.")
            % {"max": NUMBER_MAX},
        )
    elif not NUMBER_RE.match(number):
        errors.add(
            "number",
            _(
                "Le numéro de facture ne peut contenir que des lettres, des chiffres et les "
                "caractères - _ / +."
            ),
        )
    if not invoice_date:
        errors.add("invoice_date", _("La date de facture est obligatoire."))
    elif not isinstance(invoice_date, date):
        errors.add("invoice_date", _("La date de facture n'est pas valide."))
        invoice_date = None
    elif invoice_date > timezone.localdate():
        errors.add(
            "invoice_date", _("La date de facture ne peut pas être postérieure à aujourd'hui.")
        )
    if (
        invoice_date
        and not errors.has("number")
        and supplier is not None
        and number_is_used(
            supplier=supplier, number=number, year=invoice_date.year, exclude_pk=exclude_pk
        )
    ):
        errors.add("number", duplicate_number_message(), ReturnCode.DUPLICATE)
    return number, invoice_date if isinstance(invoice_date, date) else None


def _check_references(data: Mapping, errors: FieldErrors) -> dict[str, Any]:
    invoice_type = text(data, "invoice_type") or InvoiceType.FACTURE
    if invoice_type not in _INVOICETYPE_CODES:
        errors.add("invoice_type", _("Le type de facture est inconnu."), ReturnCode.REFERENCE)
    original = text(data, "original_invoice_number")
    if invoice_type == InvoiceType.AVOIR:
        if not original:
            errors.add(
                "original_invoice_number",
                _("Le numéro de la facture d'origine est obligatoire pour un avoir."),
            )
        elif len(original) > NUMBER_MAX:
            errors.add(
                "original_invoice_number",
                _("Le numéro de la facture d'origine ne peut pas dépasser %(max)d caractères.")
                % {"max": NUMBER_MAX},
            )
    else:
        original = ""
    currency = (text(data, "currency") or "EUR").upper()
    if currency not in CURRENCIES:
        errors.add("currency", _("La devise %(code)s n'est pas acceptée.") % {"code": currency})
    vat_type = text(data, "vat_type")
    reason = text(data, "vat_exemption_reason")
    if not vat_type:
        errors.add("vat_type", _("Le type de TVA est obligatoire."))
    elif vat_type not in _VATTYPE_CODES:
        errors.add("vat_type", _("Le type de TVA est inconnu."), ReturnCode.REFERENCE)
    if vat_type == VatType.EXONERATION:
        if not reason:
            errors.add(
                "vat_exemption_reason",
                _("Le motif d'exonération de TVA est obligatoire pour une exonération."),
            )
        elif reason not in _VATEXEMPTIONREASON_CODES:
            errors.add(
                "vat_exemption_reason",
                _("Le motif d'exonération est inconnu."),
                ReturnCode.REFERENCE,
            )
    else:
        reason = ""
    payment_mode = text(data, "payment_mode")
    if invoice_type == InvoiceType.AVOIR:
        payment_mode = ""  # §5.3: optional and ignored on a credit note
    elif not payment_mode:
        errors.add("payment_mode", _("Le mode de règlement est obligatoire pour une facture."))
    elif payment_mode not in _PAYMENTMODE_CODES:
        errors.add("payment_mode", _("Le mode de règlement est inconnu."), ReturnCode.REFERENCE)
    market = text(data, "market_number")
    if len(market) > MARKET_MAX:
        errors.add(
            "market_number",
            _("Le numéro de marché ne peut pas dépasser %(max)d caractères.") % {"max": MARKET_MAX},
        )
    comment = text(data, "comment")
    if len(comment) > COMMENT_MAX:
        errors.add(
            "comment",
            _("Le commentaire ne peut pas dépasser %(max)d caractères.") % {"max": COMMENT_MAX},
        )
    return {
        "invoice_type": invoice_type,
        "original_invoice_number": original,
        "currency": currency,
        "vat_type": vat_type,
        "vat_exemption_reason": reason,
        "payment_mode": payment_mode,
        "market_number": market,
        "comment": comment,
    }


def check_invoice(
    data: Mapping[str, Any],
    *,
    actor,
    supplier,
    is_entry_mode: bool,
    exclude_pk: int | None = None,
) -> CheckedInvoice:
    """INV-1, INV-2, INV-5..INV-9, VAL-1 and the field limits of §5.3.

    `data` holds the deposit form's cleaned values: frame, number, invoice_date (a date),
    invoice_type, original_invoice_number, currency, vat_type, vat_exemption_reason,
    payment_mode, market_number, comment, amount_ht, amount_tva, amount_ttc,
    global_discount, global_discount_reason, amount_to_pay, supplier_service and
    bank_account (instances or ids), validator_identifier, validator_service_code, and in
    entry mode lines (dicts: designation, quantity, unit, unit_price, discount, vat_rate)
    with optional vat_lines (rate, base_ht, amount_tva). `exclude_pk`: the invoice being
    checked (a draft) for INV-5.
    """
    errors = FieldErrors()
    check_supplier(supplier, actor=actor, errors=errors)
    if is_entry_mode and supplier is not None and not supplier.has_billing_mandate:
        errors.add("supplier", mandate_missing_message(supplier), ReturnCode.NOT_ALLOWED)
    frame = _check_frame(data, errors)
    number, invoice_date = _check_number_and_date(data, supplier, errors, exclude_pk)
    references = _check_references(data, errors)
    lines = check_lines(list(data.get("lines") or []), errors) if is_entry_mode else []
    amounts, vat_lines = check_amounts(data, errors, is_entry_mode=is_entry_mode, lines=lines)
    supplier_service, bank_account = check_supplier_objects(data, supplier, errors)
    validator = validator_service = None
    if frame is not None:
        try:
            validator, validator_service = check_validator(
                frame=frame,
                supplier=supplier,
                validator_identifier=text(data, "validator_identifier"),
                validator_service_code=text(data, "validator_service_code"),
            )
        except InvoiceValidationError as exc:
            errors.merge(exc)
    errors.raise_if_any()
    return CheckedInvoice(
        frame=frame,
        values={"number": number, "invoice_date": invoice_date, **references, **amounts},
        supplier_service=supplier_service,
        bank_account=bank_account,
        validator=validator,
        validator_service=validator_service,
        lines=lines,
        vat_lines=vat_lines,
    )


def check_deposit(
    data: Mapping[str, Any],
    *,
    actor,
    supplier,
    is_entry_mode: bool,
    exclude_pk: int | None = None,
) -> CheckedDeposit:
    """Every check of §5.4 at once: the user sees all broken rules in one go."""
    errors = FieldErrors()
    routing = checked = None
    try:
        routing = check_routing(
            supplier=supplier,
            recipient_identifier=text(data, "recipient_identifier"),
            service_code=text(data, "recipient_service_code"),
            engagement_number=text(data, "engagement_number"),
        )
    except InvoiceValidationError as exc:
        errors.merge(exc)
    try:
        checked = check_invoice(
            data,
            actor=actor,
            supplier=supplier,
            is_entry_mode=is_entry_mode,
            exclude_pk=exclude_pk,
        )
    except InvoiceValidationError as exc:
        errors.merge(exc)
    errors.raise_if_any()
    return CheckedDeposit(routing=routing, invoice=checked)
