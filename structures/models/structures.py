"""Structures (legal entities), their services and bank details, and the direct-FK guardian
permission models on Structure (one row per user, structure, area and mode)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from portal import areas
from structures.enums import IdentifierType, StructureKind


class AddressMixin(models.Model):
    street = models.CharField(_("Adresse"), max_length=255, blank=True)
    address_complement = models.CharField(_("Complément d'adresse"), max_length=255, blank=True)
    postcode = models.CharField(_("Code postal"), max_length=20, blank=True)
    city = models.CharField(_("Ville"), max_length=100, blank=True)
    country = models.CharField(_("Pays"), max_length=2, default="FR")

    class Meta:
        abstract = True

    @property
    def address_lines(self) -> list[str]:
        city = " ".join(part for part in (self.postcode, self.city) if part)
        return [part for part in (self.street, self.address_complement, city) if part]


class Structure(AddressMixin):
    identifier_type = models.CharField(
        _("Type d'identifiant"), max_length=20, choices=IdentifierType.choices
    )
    identifier = models.CharField(_("Identifiant"), max_length=80, db_index=True)
    company_name = models.CharField(_("Raison sociale"), max_length=255, db_index=True)
    kind = models.CharField(
        _("Type de structure"),
        max_length=10,
        choices=StructureKind.choices,
        default=StructureKind.PRIVEE,
    )
    # SIR-1: a local authority (collectivité locale) changes its SIRET through the support desk.
    is_local_authority = models.BooleanField(_("Collectivité locale"), default=False)
    is_active = models.BooleanField(_("Active"), default=True)
    email = models.EmailField(_("Adresse électronique"), blank=True)
    phone = models.CharField(_("Téléphone"), max_length=30, blank=True)
    rcs_number = models.CharField(_("Numéro RCS"), max_length=50, blank=True)
    vat_number = models.CharField(_("Numéro de TVA intracommunautaire"), max_length=20, blank=True)
    pacage_number = models.CharField(_("Numéro PACAGE"), max_length=20, blank=True)

    # Recipient parameters (STR-11).
    service_code_required = models.BooleanField(_("Code service obligatoire"), default=False)
    engagement_required = models.BooleanField(_("Numéro d'engagement obligatoire"), default=False)
    engagement_or_service_required = models.BooleanField(
        _("Numéro d'engagement ou code service obligatoire"), default=False
    )
    payment_status_not_reported = models.BooleanField(
        _("Statut de mise en paiement non remonté"), default=False
    )
    # Flags stored and returned by the API, without behaviour in the first version (STR-12).
    is_moa = models.BooleanField(_("Maîtrise d'ouvrage"), default=False)
    is_moa_only = models.BooleanField(_("Maîtrise d'ouvrage uniquement"), default=False)
    edi_connection = models.BooleanField(_("Connexion EDI"), default=False)
    receive_data_via_edi = models.BooleanField(_("Recevoir les données via EDI"), default=False)
    is_delegated_validator = models.BooleanField(_("Valideur délégué"), default=False)
    not_publishable_insee = models.BooleanField(_("Non diffusible INSEE"), default=False)
    # DOMAIN §5.10: informational due date = deposit date + this period.
    payment_delay_days = models.PositiveSmallIntegerField(
        _("Délai de paiement (jours)"), default=30
    )

    origin = models.ForeignKey(
        "self",
        verbose_name=_("Structure d'origine"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    billing_mandate_accepted_at = models.DateTimeField(
        _("Mandat de facturation accepté le"), null=True, blank=True
    )
    billing_mandate_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    deactivated_at = models.DateTimeField(_("Désactivée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        ordering = ["company_name", "id"]
        constraints = [
            # STR-5: an identifier is unique among active structures.
            models.UniqueConstraint(
                fields=["identifier_type", "identifier"],
                condition=Q(is_active=True),
                name="structure_identifier_unique_active",
            ),
        ]
        indexes = [
            models.Index(fields=["postcode"]),
            models.Index(fields=["kind", "is_active"]),
            # The public directory's order (DIR-2/3): a page of a name search walks it and
            # stops at its 20th match instead of sorting every match.
            models.Index(
                fields=["company_name", "id"],
                condition=Q(kind="PUBLIQUE", is_active=True),
                name="structure_directory_order",
            ),
        ]
        default_permissions = ()
        permissions = areas.permission_definitions()

    def __str__(self) -> str:
        return f"{self.identifier} — {self.company_name}"

    @property
    def is_public(self) -> bool:
        return self.kind == StructureKind.PUBLIQUE

    @property
    def siren(self) -> str:
        return self.identifier[:9] if self.identifier_type == IdentifierType.SIRET else ""

    @property
    def nic(self) -> str:
        return self.identifier[9:] if self.identifier_type == IdentifierType.SIRET else ""

    @property
    def has_billing_mandate(self) -> bool:
        return self.billing_mandate_accepted_at is not None


class Service(AddressMixin):
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="services")
    code = models.CharField(_("Code du service"), max_length=100)
    name = models.CharField(_("Nom du service"), max_length=255)
    description = models.TextField(_("Description"), blank=True)
    valid_from = models.DateField(_("Début de validité"), null=True, blank=True)
    valid_until = models.DateField(_("Fin de validité"), null=True, blank=True)
    is_active = models.BooleanField(_("Actif"), default=True)
    engagement_required = models.BooleanField(_("Numéro d'engagement obligatoire"), default=False)
    payment_status_managed = models.BooleanField(_("Gère la mise en paiement"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "code"], name="service_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def is_usable(self, on=None) -> bool:
        """SRV-2: active and today within the validity dates."""
        day = on or timezone.localdate()
        if not self.is_active:
            return False
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_until and day > self.valid_until)


class BankAccount(models.Model):
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="bank_accounts")
    label = models.CharField(_("Libellé"), max_length=100)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11)
    is_factor = models.BooleanField(_("Affactureur"), default=False)
    is_active = models.BooleanField(_("Active"), default=True)

    class Meta:
        verbose_name = _("coordonnées bancaires")
        verbose_name_plural = _("coordonnées bancaires")
        ordering = ["label", "id"]

    def __str__(self) -> str:
        return f"{self.label} ({self.iban})"


class StructureUserObjectPermission(UserObjectPermissionBase):
    """Direct-FK guardian permissions: one row per (user, structure, area, mode)."""

    content_object = models.ForeignKey(Structure, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class StructureGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Structure, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False
