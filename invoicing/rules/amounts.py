"""Amounts: lines, VAT recap and totals of an online entry (INV-6..INV-9, half-up to the
cent)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from invoicing.errors import ReturnCode
from invoicing.rules.fields import (
    CENT,
    DISCOUNT_REASON_MAX,
    LINE_DESIGNATION_MAX,
    TOLERANCE,
    FieldErrors,
    amount_in_bounds,
    amount_too_large_message,
    decimal,
    money,
    text,
)


def line_in_bounds(line: Mapping) -> bool:
    """Quantity, unit price, discount and the line's amount all fit their columns."""
    try:
        values = [
            Decimal(str(line.get(name) or 0)) for name in ("quantity", "unit_price", "discount")
        ]
    except ArithmeticError:
        return False
    if not all(amount_in_bounds(value) for value in values):
        return False
    quantity, unit_price, discount = values
    return amount_in_bounds(quantity * unit_price - discount)


def totals_in_bounds(totals: Mapping) -> bool:
    """The computed totals and VAT lines fit their columns."""
    amounts = [totals[name] for name in ("amount_ht", "amount_tva", "amount_ttc")]
    for vat in totals["vat_lines"]:
        amounts += [vat["base_ht"], vat["amount_tva"]]
    return all(amount_in_bounds(value) for value in amounts)


def line_amount(line: Mapping) -> Decimal:
    quantity = Decimal(str(line.get("quantity") or 0))
    unit_price = Decimal(str(line.get("unit_price") or 0))
    discount = Decimal(str(line.get("discount") or 0))
    return money(quantity * unit_price - discount)


def compute_totals(lines: list[Mapping], global_discount: Any = 0) -> dict[str, Any]:
    """The VAT recap by rate and the totals of entry mode, half-up to the cent."""
    by_rate: dict[Decimal, Decimal] = {}
    for line in lines:
        rate = Decimal(str(line.get("vat_rate") or 0)).quantize(CENT)
        by_rate[rate] = by_rate.get(rate, Decimal("0")) + line_amount(line)
    vat_lines = [
        {"rate": rate, "base_ht": money(base), "amount_tva": money(base * rate / 100)}
        for rate, base in sorted(by_rate.items())
    ]
    amount_ht = sum((v["base_ht"] for v in vat_lines), Decimal("0"))
    amount_tva = sum((v["amount_tva"] for v in vat_lines), Decimal("0"))
    discount = money(global_discount or 0)
    amount_ttc = money(amount_ht + amount_tva - discount)
    return {
        "vat_lines": vat_lines,
        "amount_ht": money(amount_ht),
        "amount_tva": money(amount_tva),
        "global_discount": discount,
        "amount_ttc": amount_ttc,
        "amount_to_pay": amount_ttc,
    }


def check_lines(lines: list[Mapping], errors: FieldErrors) -> list[dict[str, Any]]:
    if not lines:
        errors.add("lines", _("Ajoutez au moins une ligne de poste."))
        return []
    checked = []
    for index, line in enumerate(lines, start=1):
        designation = str(line.get("designation") or "").strip()
        problems = []
        if not designation:
            problems.append(_("la désignation est obligatoire"))
        elif len(designation) > LINE_DESIGNATION_MAX:
            problems.append(
                _("la désignation dépasse %(max)d caractères") % {"max": LINE_DESIGNATION_MAX}
            )
        try:
            quantity = Decimal(str(line.get("quantity")))
            unit_price = Decimal(str(line.get("unit_price")))
            discount = Decimal(str(line.get("discount") or 0))
            vat_rate = Decimal(str(line.get("vat_rate")))
        except ArithmeticError:
            problems.append(_("la quantité, le prix unitaire et le taux de TVA sont obligatoires"))
        else:
            if quantity <= 0:
                problems.append(_("la quantité doit être positive"))
            if unit_price < 0:
                problems.append(_("le prix unitaire ne peut pas être négatif"))
            if discount < 0 or discount > quantity * unit_price:
                problems.append(_("la remise doit être comprise entre 0 et le montant de la ligne"))
            if not Decimal("0") <= vat_rate <= Decimal("100"):
                problems.append(_("le taux de TVA doit être compris entre 0 et 100"))
            if not line_in_bounds(line):
                problems.append(amount_too_large_message())
        if problems:
            errors.add(
                "lines",
                _("Ligne %(n)d : %(problems)s.") % {"n": index, "problems": ", ".join(problems)},
            )
            continue
        checked.append(
            {
                "position": index,
                "reference": str(line.get("reference") or "").strip()[:50],
                "designation": designation,
                "quantity": quantity,
                "unit": str(line.get("unit") or "").strip()[:20],
                "unit_price": unit_price,
                "discount": discount,
                "vat_rate": vat_rate.quantize(CENT),
                "amount_ht": line_amount(line),
            }
        )
    return checked


def check_amounts(
    data: Mapping, errors: FieldErrors, *, is_entry_mode: bool, lines: list[dict]
) -> tuple[dict[str, Any], list[dict]]:
    """INV-7."""
    ht = decimal(data, "amount_ht", errors)
    tva = decimal(data, "amount_tva", errors)
    ttc = decimal(data, "amount_ttc", errors)
    discount = decimal(data, "global_discount", errors, required=False) or Decimal("0")
    to_pay = decimal(data, "amount_to_pay", errors)
    reason = text(data, "global_discount_reason")
    vat_lines: list[dict] = []
    for name, value in (("amount_ht", ht), ("amount_tva", tva), ("amount_ttc", ttc)):
        if value is not None and value < 0:
            errors.add(name, _("Ce montant ne peut pas être négatif."), ReturnCode.AMOUNTS)
    if discount < 0:
        errors.add(
            "global_discount", _("La remise globale ne peut pas être négative."), ReturnCode.AMOUNTS
        )
    if discount > 0 and not reason:
        errors.add(
            "global_discount_reason",
            _("Le motif de la remise globale est obligatoire quand une remise est saisie."),
        )
    if len(reason) > DISCOUNT_REASON_MAX:
        errors.add(
            "global_discount_reason",
            _("Le motif de la remise ne peut pas dépasser %(max)d caractères.")
            % {"max": DISCOUNT_REASON_MAX},
        )
    if is_entry_mode and lines:
        computed = compute_totals(lines, discount)
        if not totals_in_bounds(computed):
            errors.add("lines", amount_too_large_message(), ReturnCode.AMOUNTS)
            return values_of(ht, tva, ttc, discount, reason, to_pay), []
        given = data.get("vat_lines") or computed["vat_lines"]
        vat_lines = check_vat_recap(given, computed["vat_lines"], errors)
        tolerance = TOLERANCE * max(1, len(computed["vat_lines"]))
        if ht is not None and abs(ht - computed["amount_ht"]) > tolerance:
            errors.add(
                "amount_ht",
                _("Le montant HT ne correspond pas à la somme des bases du récapitulatif de TVA."),
                ReturnCode.AMOUNTS,
            )
        if tva is not None and abs(tva - computed["amount_tva"]) > tolerance:
            errors.add(
                "amount_tva",
                _("Le montant de TVA ne correspond pas au récapitulatif de TVA."),
                ReturnCode.AMOUNTS,
            )
    tolerance = TOLERANCE * max(1, len(vat_lines))
    if None not in (ht, tva, ttc) and abs(ttc - (ht + tva - discount)) > tolerance:
        errors.add(
            "amount_ttc",
            _(
                "Le montant TTC ne correspond pas au montant HT augmenté de la TVA et diminué de "
                "la remise globale."
            ),
            ReturnCode.AMOUNTS,
        )
    if to_pay is not None:
        if to_pay < 0:
            errors.add(
                "amount_to_pay", _("Le net à payer ne peut pas être négatif."), ReturnCode.AMOUNTS
            )
        elif ttc is not None and to_pay > ttc:
            errors.add(
                "amount_to_pay",
                _("Le net à payer ne peut pas dépasser le montant TTC."),
                ReturnCode.AMOUNTS,
            )
    return values_of(ht, tva, ttc, discount, reason, to_pay), vat_lines


def values_of(ht, tva, ttc, discount, reason, to_pay) -> dict[str, Any]:
    return {
        "amount_ht": ht,
        "amount_tva": tva,
        "amount_ttc": ttc,
        "global_discount": discount,
        "global_discount_reason": reason if discount > 0 else "",
        "amount_to_pay": to_pay,
    }


def check_vat_recap(given: list[Mapping], computed: list[dict], errors: FieldErrors) -> list[dict]:
    """INV-7, entry modes: the recap must match the lines, rate by rate."""
    expected = {v["rate"]: v for v in computed}
    seen = set()
    for vat in given:
        try:
            rate = Decimal(str(vat.get("rate"))).quantize(CENT)
            base = Decimal(str(vat.get("base_ht")))
            amount = Decimal(str(vat.get("amount_tva")))
            if not (amount_in_bounds(base) and amount_in_bounds(amount)):
                raise ArithmeticError
        except ArithmeticError:
            errors.add("vat_lines", _("Une ligne du récapitulatif de TVA est incomplète."))
            return computed
        wanted = expected.get(rate)
        seen.add(rate)
        if (
            wanted is None
            or abs(base - wanted["base_ht"]) > TOLERANCE
            or abs(amount - wanted["amount_tva"]) > TOLERANCE
        ):
            errors.add(
                "vat_lines",
                _("Le récapitulatif de TVA au taux de %(rate)s %% ne correspond pas aux lignes.")
                % {"rate": rate},
                ReturnCode.AMOUNTS,
            )
    if seen != set(expected) and not errors.has("vat_lines"):
        errors.add(
            "vat_lines",
            _("Le récapitulatif de TVA ne reprend pas tous les taux des lignes."),
            ReturnCode.AMOUNTS,
        )
    return computed
