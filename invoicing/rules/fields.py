"""What every deposit check shares: the error collector, the field limits (read from the
models), money rounding and the reading of submitted values."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from invoicing.errors import InvoiceValidationError, ReturnCode
from invoicing.models import Attachment, Invoice, InvoiceLine


def max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


# §5.3 field limits: the models say them once.
NUMBER_MAX = max_length(Invoice, "number")
REFERENCE_MAX = max_length(Invoice, "engagement_number")
MARKET_MAX = max_length(Invoice, "market_number")
COMMENT_MAX = max_length(Invoice, "comment")
DISCOUNT_REASON_MAX = max_length(Invoice, "global_discount_reason")
MANDATE_MAX = max_length(Invoice, "mandate_number")
LINE_DESIGNATION_MAX = max_length(InvoiceLine, "designation")
ATTACHMENT_DESIGNATION_MAX = max_length(Attachment, "designation")  # ATT-6

NUMBER_RE = re.compile(r"^[A-Za-z0-9_/+\-]+$")
CENT = Decimal("0.01")
TOLERANCE = Decimal("0.01")  # INV-7, per VAT line
CURRENCIES = ("EUR", "USD", "GBP", "CHF", "JPY", "CAD", "AUD", "DKK", "SEK", "NOK", "PLN", "CZK")
CURRENCIES += ("HUF", "RON", "BGN", "XPF", "MAD", "TND", "CNY")


# Amounts are bounded by their column (numeric(19, 6) holds 13 integer digits): a larger
# value would fail at the database, or at the rounding of the totals (issue 9).
_MONEY_FIELD = Invoice._meta.get_field("amount_ht")
AMOUNT_DECIMAL_PLACES = _MONEY_FIELD.decimal_places
AMOUNT_MAX = (
    Decimal(10) ** (_MONEY_FIELD.max_digits - _MONEY_FIELD.decimal_places)
    - Decimal(10) ** -_MONEY_FIELD.decimal_places
)


def amount_in_bounds(value: Any) -> bool:
    """A finite amount the money columns can store (lines, VAT lines and totals alike)."""
    try:
        value = Decimal(str(value))
    except ArithmeticError:
        return False
    return value.is_finite() and abs(value) <= AMOUNT_MAX


def bounded_amount(value: Any) -> Decimal | None:
    """The amount as a Decimal, or None when it is not a finite number within the bounds
    (a pre-filled value out of bounds is dropped, not carried into the form)."""
    try:
        value = Decimal(str(value))
    except ArithmeticError:
        return None
    return value if amount_in_bounds(value) else None


def amount_too_large_message() -> str:
    return _("Le montant dépasse la valeur maximale autorisée (%(max)s).") % {
        "max": f"{AMOUNT_MAX.quantize(CENT, rounding=ROUND_DOWN):,.2f}".replace(
            ",", "\u202f"
        ).replace(".", ",")
    }


def duplicate_number_message() -> str:
    return _("Ce numéro de facture a déjà été utilisé")


class FieldErrors:
    """Collects {field: [messages]} and {field: code}; the first code of a field wins. The
    deposit services use it too, so every broken rule reaches the user at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list] = {}
        self.codes: dict[str, int] = {}

    def add(self, name: str, message, code: int = ReturnCode.FORMAT) -> None:
        self.errors.setdefault(name, []).append(message)
        self.codes.setdefault(name, code)

    def merge(self, exc: InvoiceValidationError) -> None:
        for name, messages in exc.errors.items():
            for message in messages:
                self.add(name, message, exc.codes.get(name, ReturnCode.FORMAT))

    def has(self, name: str) -> bool:
        return name in self.errors

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvoiceValidationError(self.errors, self.codes)


def money(value: Any) -> Decimal:
    """A Decimal rounded half-up to the cent (the portal's totals)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def normalise_identifier(value: str | None) -> str:
    return re.sub(r"\s+", "", value or "")


def text(data: Mapping, name: str) -> str:
    value = data.get(name)
    return "" if value is None else str(value).strip()


def decimal(data: Mapping, name: str, errors: FieldErrors, *, required: bool = True):
    value = data.get(name)
    if value in (None, ""):
        if required:
            errors.add(name, _("Ce montant est obligatoire."))
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        number = None
    if number is None or not number.is_finite():
        errors.add(name, _("Ce montant n'est pas un nombre valide."))
        return None
    if not amount_in_bounds(number):
        errors.add(name, amount_too_large_message(), ReturnCode.AMOUNTS)
        return None
    return number


def pk_of(value):
    return getattr(value, "pk", value)
