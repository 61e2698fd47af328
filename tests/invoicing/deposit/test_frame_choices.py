"""The billing frame drop-down of the PDF and entry forms follows the request's language
(issue 11): its labels were put together once, at import, in the language of that moment."""

from __future__ import annotations

from django.utils import translation

from invoicing.deposit.forms import DepositForm


def _frame_options(language: str) -> dict[str, str]:
    with translation.override(language):
        field = DepositForm.base_fields["frame"]
        return {value: str(label) for value, label in field.widget.choices}


def test_frame_choices_are_english_in_english_and_french_in_french():
    english, french = _frame_options("en"), _frame_options("fr")
    assert english["A1_FACTURE_FOURNISSEUR"] == "A1 — Invoice deposited by a supplier"
    assert french["A1_FACTURE_FOURNISSEUR"] == "A1 — Dépôt par un fournisseur d'une facture"
    assert english["A9_FACTURE_SOUSTRAITANT"].startswith("A9 — ")
    assert english["A9_FACTURE_SOUSTRAITANT"] != french["A9_FACTURE_SOUSTRAITANT"]
