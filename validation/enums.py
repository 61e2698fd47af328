"""Enumerations of the validation circuit (DOMAIN §6)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RefusalReason(models.TextChoices):
    """VAL-4: the validator picks a reason, then may add free text (product decision)."""

    NOT_MY_PARTNER = (
        "PAS_MON_SOUS_TRAITANT",
        _("Le fournisseur n'est pas mon sous-traitant / cotraitant"),
    )
    WRONG_AMOUNT = "MONTANT_INCORRECT", _("Montant incorrect")
    NOT_DONE = "PRESTATION_NON_REALISEE", _("Prestation non réalisée")
    MISSING_DOCUMENTS = "PIECES_MANQUANTES", _("Pièces justificatives manquantes")
    OTHER = "AUTRE", _("Autre")
