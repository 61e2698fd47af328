"""Sollicitation categories, subcategories and statuses (DOMAIN §9)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    SUIVI_FACTURE = "SUIVI_FACTURE", _("Suivi d'une facture")
    GESTION_STRUCTURES_UTILISATEURS = (
        "GESTION_STRUCTURES_UTILISATEURS",
        _("Gestion des structures et utilisateurs"),
    )
    RACCORDEMENT_EDI_API = "RACCORDEMENT_EDI_API", _("Raccordement EDI/API")
    PROBLEME_TECHNIQUE = "PROBLEME_TECHNIQUE", _("Problème technique")


class Subcategory(models.TextChoices):
    CREATION_STRUCTURE_PUBLIQUE = (
        "CREATION_STRUCTURE_PUBLIQUE",
        _("Demande de création de structure publique"),
    )
    NOUVEAU_GESTIONNAIRE_PRINCIPAL = (
        "NOUVEAU_GESTIONNAIRE_PRINCIPAL",
        _("Désignation d'un nouveau gestionnaire principal"),
    )
    # SIR-1: only from the SIRET change of a local authority (not offered in the form).
    CHANGEMENT_SIRET = "CHANGEMENT_SIRET", _("Changement de SIRET d'une collectivité locale")


# SOL-1: the subcategories each category offers (none: the field stays empty).
SUBCATEGORIES: dict[str, tuple[str, ...]] = {
    Category.SUIVI_FACTURE: (),
    Category.GESTION_STRUCTURES_UTILISATEURS: (
        Subcategory.CREATION_STRUCTURE_PUBLIQUE,
        Subcategory.NOUVEAU_GESTIONNAIRE_PRINCIPAL,
    ),
    Category.RACCORDEMENT_EDI_API: (),
    Category.PROBLEME_TECHNIQUE: (),
}


class SolStatus(models.TextChoices):
    NOUVELLE = "NOUVELLE", _("Nouvelle")
    EN_COURS = "EN_COURS", _("En cours de traitement")
    EN_ATTENTE_COMPLEMENT = "EN_ATTENTE_COMPLEMENT", _("En attente de complément")
    REPONDUE = "REPONDUE", _("Répondue")
    RELANCEE = "RELANCEE", _("Relancée")
    CLOTUREE = "CLOTUREE", _("Clôturée")


# SOL-4: what "Mes sollicitations à traiter" lists.
TO_PROCESS = (SolStatus.NOUVELLE, SolStatus.EN_COURS, SolStatus.RELANCEE)


class Action(models.TextChoices):
    CREATE = "CREATE", _("Création")
    OPEN = "OPEN", _("Prise en charge")
    ASK_INFO = "ASK_INFO", _("Demande de complément")
    REPLY = "REPLY", _("Complément apporté")
    ANSWER = "ANSWER", _("Réponse")
    RELAUNCH = "RELAUNCH", _("Relance")
    TRANSFER = "TRANSFER", _("Transfert au support")
    CLOSE = "CLOSE", _("Clôture")


class Side(models.TextChoices):
    """Who acts: the sender, or the addressee (a structure's users, or the support desk)."""

    SENDER = "SENDER", _("Émetteur")
    ADDRESSEE = "ADDRESSEE", _("Destinataire")
