"""Technical accounts and API connections (DOMAIN §11, TEC-1..TEC-9).

A technical account is an `accounts.User` with `is_technical` (it cannot log into the
portal) plus a `TechnicalAccount` row naming the structure it was created for. Its rights
are resolved by `structures.access` through the *current* main manager of that structure
(TEC-5), so they follow a main-manager transfer without any write here.

A connection is an OAuth2 application (django-oauth-toolkit `Application`, client
credentials) declared by a structure; revoking it deletes its tokens at once (TEC-9).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.enums import Environment, UsageType
from structures.models import Structure


class TechnicalAccount(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="technical_account"
    )
    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="technical_accounts"
    )
    # TEC-2: the <n> of TECH_<n>_<identifier>@<domain>, a global sequence.
    sequence = models.PositiveIntegerField(unique=True)
    is_active = models.BooleanField(_("Actif"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    password_set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("compte technique")
        verbose_name_plural = _("comptes techniques")
        constraints = [
            # TEC-1: at most one active technical account per structure.
            models.UniqueConstraint(
                fields=["structure"],
                condition=Q(is_active=True),
                name="one_active_technical_account_per_structure",
            )
        ]

    def __str__(self) -> str:
        return self.user.email


class Connection(models.Model):
    """An API application declared in the CONNECTIONS area (TEC-6, TEC-7)."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="connections")
    name = models.CharField(_("Nom de l'application"), max_length=100, unique=True)
    environment = models.CharField(_("Environnement"), max_length=20, choices=Environment.choices)
    usage = models.CharField(_("Type d'usage"), max_length=20, choices=UsageType.choices)
    contact_name = models.CharField(_("Nom du contact technique"), max_length=150)
    contact_email = models.EmailField(_("Adresse électronique du contact technique"))
    contact_phone = models.CharField(_("Téléphone du contact technique"), max_length=30, blank=True)
    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        on_delete=models.CASCADE,
        related_name="connection",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("Révoquée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("raccordement API")
        verbose_name_plural = _("raccordements API")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["structure", "-created_at"], name="connection_by_structure")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
