"""Enumerations of the API app (DOMAIN §11)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Environment(models.TextChoices):
    """TEC-6/TEC-8: an application gets tokens only on a deployment of its environment."""

    QUALIFICATION = "QUALIFICATION", _("Qualification")
    PRODUCTION = "PRODUCTION", _("Production")


class UsageType(models.TextChoices):
    DIRECT = "DIRECT", _("Raccordement direct")
    EDITEUR = "EDITEUR", _("Éditeur")
    CONCENTRATEUR = "CONCENTRATEUR", _("Concentrateur")
