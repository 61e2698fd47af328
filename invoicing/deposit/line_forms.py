"""The lines of the online entry (the "Saisie" deposit form): one form per line, at most
500 of them (DATA_UPLOAD_MAX_NUMBER_FIELDS in portal/settings.py is sized for it)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from invoicing.deposit.forms import MONEY_WIDGET, VAT_RATES, dsfr_classes, validate_amount_bounds
from invoicing.models import InvoiceLine
from invoicing.rules import amounts, fields
from portal.params import ControlCharactersMixin


class LineForm(ControlCharactersMixin, forms.Form):
    designation = forms.CharField(
        label=_("Désignation"), max_length=fields.LINE_DESIGNATION_MAX, required=False
    )
    quantity = forms.DecimalField(
        label=_("Quantité"),
        required=False,
        max_digits=19,
        decimal_places=6,
        validators=[validate_amount_bounds],
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    unit = forms.CharField(
        label=_("Unité"), max_length=fields.max_length(InvoiceLine, "unit"), required=False
    )
    unit_price = forms.DecimalField(
        label=_("Prix unitaire HT"),
        required=False,
        max_digits=19,
        decimal_places=6,
        validators=[validate_amount_bounds],
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    discount = forms.DecimalField(
        label=_("Remise HT"),
        required=False,
        max_digits=19,
        decimal_places=2,
        validators=[validate_amount_bounds],
        widget=forms.NumberInput(attrs=MONEY_WIDGET),
    )
    vat_rate = forms.ChoiceField(
        label=_("Taux de TVA (%)"),
        choices=[(rate, f"{rate.replace('.', ',')} %") for rate in VAT_RATES],
        initial="20",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dsfr_classes(self)

    def clean(self):
        data = super().clean()
        quantity, unit_price = data.get("quantity"), data.get("unit_price")
        if quantity is not None and unit_price is not None:
            line = {**data, "discount": data.get("discount") or 0}
            if not amounts.line_in_bounds(line):
                self.add_error("unit_price", fields.amount_too_large_message())
        return data

    def line(self) -> dict | None:
        """The typed values, or None for an empty row."""
        data = getattr(self, "cleaned_data", {}) or {}
        if not any(
            data.get(name) not in (None, "") for name in ("designation", "quantity", "unit_price")
        ):
            return None
        if self.cleaned_data.get("DELETE"):
            return None
        return {
            "designation": data.get("designation") or "",
            "quantity": data.get("quantity"),
            "unit": data.get("unit") or "",
            "unit_price": data.get("unit_price"),
            "discount": data.get("discount") or Decimal("0"),
            "vat_rate": data.get("vat_rate") or "0",
        }


MAX_ENTRY_LINES = 500


class BaseLineFormSet(forms.BaseFormSet):
    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_many_forms": _("Une facture saisie compte au plus %(num)d lignes."),
    }


LineFormSet = forms.formset_factory(
    LineForm,
    formset=BaseLineFormSet,
    extra=0,
    can_delete=True,
    max_num=MAX_ENTRY_LINES,
    validate_max=True,
)


def lines_of(formset) -> list[dict]:
    return [line for form in formset.forms if (line := form.line()) is not None]
