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


class ManagerActionCode(models.TextChoices):
    """What a manager did (the history of Manager activities): one vocabulary, stored in
    `ManagerAction.action`."""

    STRUCTURE_CREATED = "STRUCTURE_CREATED", _("Structure créée")
    STRUCTURE_UPDATED = "STRUCTURE_UPDATED", _("Données de la structure modifiées")
    SERVICE_CREATED = "SERVICE_CREATED", _("Service créé")
    SERVICE_UPDATED = "SERVICE_UPDATED", _("Service modifié")
    BANK_ACCOUNT_CREATED = "BANK_ACCOUNT_CREATED", _("Coordonnées bancaires ajoutées")
    BANK_ACCOUNT_UPDATED = "BANK_ACCOUNT_UPDATED", _("Coordonnées bancaires modifiées")
    BANK_ACCOUNT_DEACTIVATED = "BANK_ACCOUNT_DEACTIVATED", _("Coordonnées bancaires désactivées")
    BILLING_MANDATE_ACCEPTED = "BILLING_MANDATE_ACCEPTED", _("Mandat de facturation souscrit")
    SIRET_CHANGED = "SIRET_CHANGED", _("Identifiant modifié : structure désactivée")
    STRUCTURE_DUPLICATED_FROM = (
        "STRUCTURE_DUPLICATED_FROM",
        _("Structure créée par changement d'identifiant"),
    )
    LINK_REQUEST_APPROVED = "LINK_REQUEST_APPROVED", _("Demande de rattachement validée")
    LINK_REQUEST_REFUSED = "LINK_REQUEST_REFUSED", _("Demande de rattachement refusée")
    USER_ATTACHED = "USER_ATTACHED", _("Utilisateur rattaché")
    USER_DETACHED = "USER_DETACHED", _("Utilisateur détaché")
    SERVICES_CHANGED = "SERVICES_CHANGED", _("Services de l'utilisateur modifiés")
    SECONDARY_APPOINTED = "SECONDARY_APPOINTED", _("Gestionnaire secondaire nommé")
    SECONDARY_REMOVED = "SECONDARY_REMOVED", _("Gestionnaire secondaire retiré")
    MAIN_MANAGER_TRANSFERRED = (
        "MAIN_MANAGER_TRANSFERRED",
        _("Rôle de gestionnaire principal transféré"),
    )
    RIGHTS_DUPLICATED = "RIGHTS_DUPLICATED", _("Droits dupliqués")
    AREA_OPENED = "AREA_OPENED", _("Espace ouvert")
    AREA_CLOSED = "AREA_CLOSED", _("Espace fermé")
    SUBSCRIPTION_APPROVED = "SUBSCRIPTION_APPROVED", _("Demande d'abonnement validée")
    SUBSCRIPTION_REFUSED = "SUBSCRIPTION_REFUSED", _("Demande d'abonnement refusée")
    SUBSCRIPTIONS_CHANGED = "SUBSCRIPTIONS_CHANGED", _("Abonnements modifiés")
