"""A structured file (UBL, CII, Factur-X) and the deposit form that disagree (issue 13).

The portal lets the user correct every pre-filled field (REC-7, INV-10), but a structured
file is also read by the recipient's software: when what is sent differs from what the XML
says (recipient, number, date, amounts), the user is told on the confirmation page, before
"Confirmer et envoyer". For a flow, the XML alone counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from invoicing import parties
from invoicing.recognition import Prefill
from invoicing.rules.fields import normalise_identifier

TOLERANCE = Decimal("0.01")  # INV-7's tolerance
LABELS = {
    "recipient_identifier": _("SIRET du destinataire"),
    "number": _("Numéro de facture"),
    "invoice_date": _("Date de facture"),
    "amount_ht": _("Montant HT"),
    "amount_tva": _("Montant TVA"),
    "amount_ttc": _("Montant TTC"),
    "amount_to_pay": _("Net à payer"),
}


@dataclass(frozen=True)
class Disagreement:
    field: str
    in_file: str
    in_form: str

    @property
    def label(self):
        return LABELS[self.field]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def disagreements(prefill: Prefill | None, data: Mapping[str, Any]) -> list[Disagreement]:
    """The fields whose form value differs from the structured file's; [] for a PDF."""
    if prefill is None or prefill.source != "xml":
        return []
    in_file = {
        "recipient_identifier": parties.recipient_siret(
            prefill.recipient_siret, prefill.recipient_siren
        )
        or prefill.recipient_siren,
        "number": prefill.invoice_number,
        "invoice_date": prefill.invoice_date,
        "amount_ht": prefill.amount_ht,
        "amount_tva": prefill.amount_tva,
        "amount_ttc": prefill.amount_ttc,
        "amount_to_pay": prefill.amount_to_pay,
    }
    found = []
    for name, expected in in_file.items():
        if expected in (None, ""):
            continue
        given = data.get(name)
        if isinstance(expected, Decimal):
            differs = given in (None, "") or abs(Decimal(given) - expected) > TOLERANCE
        elif name == "recipient_identifier":
            differs = normalise_identifier(given) != normalise_identifier(expected)
        else:
            differs = _text(given) != _text(expected)
        if differs:
            found.append(Disagreement(name, _text(expected), _text(given)))
    return found
