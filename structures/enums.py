from django.db import models
from django.utils.translation import gettext_lazy as _


class IdentifierType(models.TextChoices):
    SIRET = "SIRET", _("SIRET (14 chiffres)")
    UE_HORS_FRANCE = "UE_HORS_FRANCE", _("Structure européenne hors France")
    HORS_UE = "HORS_UE", _("Structure hors Union européenne")
    RIDET = "RIDET", _("RIDET (Nouvelle-Calédonie)")
    TAHITI = "TAHITI", _("Numéro TAHITI (Polynésie française)")
    AUTRE = "AUTRE", _("Autre identifiant")
    PARTICULIER = "PARTICULIER", _("Particulier")


class StructureKind(models.TextChoices):
    PRIVEE = "PRIVEE", _("Privée")
    PUBLIQUE = "PUBLIQUE", _("Publique")


class Role(models.TextChoices):
    MAIN_MANAGER = "GESTIONNAIRE_PRINCIPAL", _("Gestionnaire principal")
    SECONDARY_MANAGER = "GESTIONNAIRE_SECONDAIRE", _("Gestionnaire secondaire")
    USER = "UTILISATEUR_SIMPLE", _("Utilisateur simple")


MANAGER_ROLES = (Role.MAIN_MANAGER, Role.SECONDARY_MANAGER)


class RequestStatus(models.TextChoices):
    PENDING = "EN_ATTENTE", _("En attente")
    APPROVED = "VALIDEE", _("Validée")
    REFUSED = "REFUSEE", _("Refusée")
