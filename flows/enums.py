"""Flow enumerations (DOMAIN §12, API.md §5.9, §10.5, §10.10): values are the API codes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FlowState(models.TextChoices):
    """`etatCourantFlux`: the produced subset (API.md §10.10)."""

    IN_RECU = "IN_RECU", _("Flux reçu")
    IN_EN_COURS_TRAITEMENT_CPP = "IN_EN_COURS_TRAITEMENT_CPP", _("En cours de traitement")
    IN_INTEGRE = "IN_INTEGRE", _("Intégré")
    IN_INTEGRE_PARTIEL = "IN_INTEGRE_PARTIEL", _("Intégré partiellement")
    IN_REJETE = "IN_REJETE", _("Rejeté")


FINAL_STATES = frozenset({FlowState.IN_INTEGRE, FlowState.IN_INTEGRE_PARTIEL, FlowState.IN_REJETE})


class FlowSyntax(models.TextChoices):
    """FLW-2 / API.md §10.5: the accepted `syntaxeFlux`."""

    UBL = "IN_DP_E1_UBL_INVOICE", _("UBL 2.1")
    CII = "IN_DP_E1_CII_16B", _("CII D16B")
    FACTURX = "IN_DP_E2_CII_FACTURX", _("Factur-X")


# API.md §5.9: the interface code of each syntax (`codeInterfaceFlux`).
INTERFACE_CODES = {
    FlowSyntax.UBL: "FSO1110A",
    FlowSyntax.CII: "FSO1111A",
    FlowSyntax.FACTURX: "FSO1112A",
}


class FlowChannel(models.TextChoices):
    PORTAIL = "PORTAIL", _("Portail")
    API = "API", _("API")


class ErrorNature(models.TextChoices):
    """`natureErreur` of a technical error."""

    FICHIER = "FICHIER", _("Fichier")
    SYNTAXE = "SYNTAXE", _("Syntaxe")
    TRAITEMENT = "TRAITEMENT", _("Traitement")
