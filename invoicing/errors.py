"""Domain errors of invoicing. Each carries the API `codeRetour` (API.md §4.4) and a
translated message naming the field at fault (INV-11); the web turns them into messages or
form errors, the API into `{codeRetour, libelle}`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class InvoiceError(Exception):
    code = 20005
    default_message = _("La demande est invalide.")

    def __init__(self, message=None, *, field: str | None = None, code: int | None = None):
        self.message = message if message is not None else self.default_message
        self.field = field
        if code is not None:
            self.code = code
        super().__init__(str(self.message))


class NotFound(InvoiceError):
    code = 20000
    default_message = _("La demande de paiement est inconnue du système.")


class NotAllowed(InvoiceError):
    code = 20001
    default_message = _("L'utilisateur n'a pas les habilitations nécessaires.")


class IllegalTransition(InvoiceError):
    """LIF-1."""

    code = 20002
    default_message = _(
        "Incohérence au niveau du statut d'origine ou de destination de la facture."
    )


class ReasonRequired(InvoiceError):
    code = 20015
    default_message = _("Le motif est obligatoire.")


class StatusChangedMeanwhile(IllegalTransition):
    """Two reviewers on the same invoice: the second one is told, nothing happens twice."""

    default_message = _(
        "Le statut de la facture a changé entre-temps : rechargez la page avant d'agir."
    )


class InvoiceValidationError(InvoiceError):
    """Several field errors at once: {field: [messages]} (each with its own API code)."""

    def __init__(self, errors: dict[str, list], codes: dict[str, int] | None = None):
        self.errors = errors
        self.codes = codes or {}
        first_field = next(iter(errors), None)
        first_message = errors[first_field][0] if first_field else _("La demande est invalide.")
        code = self.codes.get(first_field, 20005) if first_field else 20005
        super().__init__(first_message, field=first_field, code=code)
