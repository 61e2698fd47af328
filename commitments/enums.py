"""Commitment enumerations: values are the API codes (API.md §9.1), labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CommitmentType(models.TextChoices):
    """EJ-1. Issue 5 also names "marché" and "contrat": both are AUTRE_CONTRAT, the API's
    code for every contract that is neither a lease, a grant, an order form nor a work order
    (adding a MARCHE code would produce a value no API client knows)."""

    BAIL = "BAIL", _("Bail")
    SUBVENTION = "SUBVENTION", _("Subvention")
    BON_DE_COMMANDE = "BON_DE_COMMANDE", _("Bon de commande")
    ORDRE_DE_SERVICE = "ORDRE_DE_SERVICE", _("Ordre de service")
    AUTRE_CONTRAT = "AUTRE_CONTRAT", _("Autres contrats (marché, contrat)")


class CommitmentState(models.TextChoices):
    """`etatCourantEngagementJuridique` (EJ-2): derived from the active flag."""

    COMMANDE = "COMMANDE", _("Actif (commande)")
    INACTIF = "INACTIF", _("Inactif")


class SupplierAnswer(models.TextChoices):
    """`reponseFournisseur` (EJ-3); no answer yet is null."""

    ACCEPTEE = "ACCEPTEE", _("Acceptée")
    REFUSEE = "REFUSEE", _("Refusée")
