"""Domain errors of invoicing. Each carries the API `codeRetour` (API.md §4.4) and a
translated message naming the field at fault (INV-11); the web turns them into messages or
form errors, the API into `{codeRetour, libelle}`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReturnCode(models.IntegerChoices):
    """Every Chorus Pro `codeRetour` of the mimic (API.md §4.4), with its French libellé."""

    NOT_FOUND = 20000, _("La demande de paiement est inconnue du système.")
    NOT_ALLOWED = 20001, _("L'utilisateur n'a pas les habilitations nécessaires.")
    ILLEGAL_TRANSITION = (
        20002,
        _("Incohérence au niveau du statut d'origine ou de destination de la facture."),
    )
    TOO_LARGE = 20003, _("Le fichier dépasse la taille maximale autorisée (10 Mo).")
    FILE_REFUSED = 20004, _("L'extension du fichier n'est pas autorisée.")
    FORMAT = 20005, _("Un champ obligatoire est absent ou mal formaté.")
    REFERENCE = 20006, _("La valeur n'appartient pas à sa liste de référence.")
    RECIPIENT = 20007, _("Le destinataire est inconnu ou inactif.")
    SERVICE = 20008, _("Le code service est obligatoire pour ce destinataire.")
    ENGAGEMENT = 20009, _("Le numéro d'engagement est obligatoire pour ce destinataire.")
    ENGAGEMENT_OR_SERVICE = (
        20010,
        _("Le numéro d'engagement ou le code service doit être renseigné."),
    )
    DUPLICATE = 20011, _("Ce numéro de facture a déjà été utilisé.")
    VALIDATOR = 20012, _("La structure valideur est obligatoire.")
    AMOUNTS = 20013, _("Les montants de la facture sont incohérents.")
    RECYCLE_FIELDS = (
        20014,
        _(
            "Seuls le destinataire, le code service et le numéro d'engagement peuvent être modifiés."
        ),
    )
    REASON_REQUIRED = 20015, _("Le motif est obligatoire.")
    SUPPLIER = 20016, _("La structure fournisseur est inconnue ou inactive.")
    BANK = 20017, _("Les coordonnées bancaires sont inconnues pour ce fournisseur.")
    UNKNOWN_ATTACHMENT = 20018, _("La pièce jointe est inconnue.")


class InvoiceError(Exception):
    code = ReturnCode.FORMAT
    default_message = _("La demande est invalide.")

    def __init__(self, message=None, *, field: str | None = None, code: int | None = None):
        self.message = message if message is not None else self.default_message
        self.field = field
        if code is not None:
            self.code = code
        super().__init__(str(self.message))


class NotFound(InvoiceError):
    code = ReturnCode.NOT_FOUND
    default_message = _("La demande de paiement est inconnue du système.")


class NotAllowed(InvoiceError):
    code = ReturnCode.NOT_ALLOWED
    default_message = _("L'utilisateur n'a pas les habilitations nécessaires.")


class IllegalTransition(InvoiceError):
    """LIF-1."""

    code = ReturnCode.ILLEGAL_TRANSITION
    default_message = _(
        "Incohérence au niveau du statut d'origine ou de destination de la facture."
    )


class ReasonRequired(InvoiceError):
    code = ReturnCode.REASON_REQUIRED
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
        code = self.codes.get(first_field, ReturnCode.FORMAT) if first_field else ReturnCode.FORMAT
        super().__init__(first_message, field=first_field, code=code)
