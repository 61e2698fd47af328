"""Structures (legal entities), their services, bank details, memberships and opened areas.

Rights are never read from these tables directly by views: `structures.access` is the only
module that grants, revokes and checks them (ARCHITECTURE rule 2).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from portal import areas
from structures.enums import IdentifierType, RequestStatus, Role, StructureKind


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
        indexes = [models.Index(fields=["postcode"]), models.Index(fields=["kind", "is_active"])]
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


class Membership(models.Model):
    """A user's attachment (rattachement) to a structure, with a role (DOMAIN §4.1)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("Rôle"), max_length=30, choices=Role.choices, default=Role.USER)
    # SRV-3: empty means the whole structure.
    services = models.ManyToManyField(Service, blank=True, related_name="memberships")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("rattachement")
        verbose_name_plural = _("rattachements")
        constraints = [
            models.UniqueConstraint(fields=["user", "structure"], name="membership_unique"),
            # ROL-1: exactly one main manager per structure (at most one, enforced here).
            models.UniqueConstraint(
                fields=["structure"],
                condition=Q(role=Role.MAIN_MANAGER),
                name="membership_one_main_manager",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.structure} ({self.role})"

    @property
    def is_manager(self) -> bool:
        return self.role in (Role.MAIN_MANAGER, Role.SECONDARY_MANAGER)

    @property
    def is_main_manager(self) -> bool:
        return self.role == Role.MAIN_MANAGER


class OpenedArea(models.Model):
    """An area opened on a structure by its managers (AREA-3)."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="opened_areas")
    area = models.CharField(_("Espace"), max_length=30)
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("espace ouvert")
        verbose_name_plural = _("espaces ouverts")
        constraints = [
            models.UniqueConstraint(fields=["structure", "area"], name="opened_area_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.area} @ {self.structure_id}"


class ManagerAction(models.Model):
    """Append-only history of manager actions on a structure (Manager activities block)."""

    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="manager_actions"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("Action"), max_length=50)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    details = models.CharField(_("Détails"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("action de gestionnaire")
        verbose_name_plural = _("actions de gestionnaire")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["structure", "-created_at"], name="manager_action_struct")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"


class DecidedRequest(models.Model):
    """What link and subscription requests share: a manager decides, the row stays as
    history (LNK-2, AREA-4)."""

    status = models.CharField(
        _("Statut"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    comment = models.TextField(_("Commentaire de la décision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Décidée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("Décidée le"), null=True, blank=True)
    created_at = models.DateTimeField(_("Demandée le"), default=timezone.now, editable=False)

    class Meta:
        abstract = True

    @property
    def is_pending(self) -> bool:
        return self.status == RequestStatus.PENDING

    def record_decision(self, status: str, *, actor, comment: str) -> None:
        self.status = status
        self.comment = comment
        self.decided_by = actor
        self.decided_at = timezone.now()
        self.save(update_fields=["status", "comment", "decided_by", "decided_at"])


class LinkRequest(DecidedRequest):
    """A request to be attached to a structure (LNK-1/LNK-2); the row stays as history."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Demandeur"),
        on_delete=models.CASCADE,
        related_name="link_requests",
    )
    structure = models.ForeignKey(
        Structure,
        verbose_name=_("Structure"),
        on_delete=models.CASCADE,
        related_name="link_requests",
    )
    # Optional: empty means the whole structure (SRV-3).
    services = models.ManyToManyField(
        Service, verbose_name=_("Services"), blank=True, related_name="link_requests"
    )

    class Meta:
        verbose_name = _("demande de rattachement")
        verbose_name_plural = _("demandes de rattachement")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A double submit cannot create a second pending request.
            models.UniqueConstraint(
                fields=["requester", "structure"],
                condition=Q(status=RequestStatus.PENDING),
                name="link_request_one_pending",
            ),
        ]
        indexes = [
            # The managers' pending list and the requester's history.
            models.Index(
                fields=["structure", "status", "created_at"], name="link_req_struct_status"
            ),
            models.Index(fields=["requester", "created_at"], name="link_req_requester"),
        ]

    def __str__(self) -> str:
        return f"{self.requester_id} -> {self.structure_id} ({self.status})"


class SubscriptionRequest(DecidedRequest):
    """A request to subscribe to an area of a structure (AREA-4); the row stays as history."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Demandeur"),
        on_delete=models.CASCADE,
        related_name="subscription_requests",
    )
    structure = models.ForeignKey(
        Structure,
        verbose_name=_("Structure"),
        on_delete=models.CASCADE,
        related_name="subscription_requests",
    )
    area = models.CharField(_("Espace"), max_length=30)
    mode = models.CharField(
        _("Mode"),
        max_length=10,
        choices=[(mode.value, label) for mode, label in areas.MODE_LABELS.items()],
    )

    class Meta:
        verbose_name = _("demande d'abonnement")
        verbose_name_plural = _("demandes d'abonnement")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["requester", "structure", "area"],
                condition=Q(status=RequestStatus.PENDING),
                name="subscription_request_one_pending",
            ),
        ]
        indexes = [
            models.Index(
                fields=["structure", "status", "created_at"], name="sub_req_struct_status"
            ),
            models.Index(fields=["requester", "created_at"], name="sub_req_requester"),
        ]

    def __str__(self) -> str:
        return f"{self.requester_id} -> {self.structure_id}/{self.area} ({self.status})"

    @property
    def area_label(self) -> str:
        area = areas.BY_CODE.get(self.area)
        return str(area.label) if area else self.area

    @property
    def mode_label(self) -> str:
        return str(areas.MODE_LABELS.get(self.mode, self.mode))


class StructureUserObjectPermission(UserObjectPermissionBase):
    """Direct-FK guardian permissions: one row per (user, structure, area, mode)."""

    content_object = models.ForeignKey(Structure, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class StructureGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Structure, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False


__all__ = [
    "BankAccount",
    "LinkRequest",
    "ManagerAction",
    "Membership",
    "OpenedArea",
    "RequestStatus",
    "Service",
    "Structure",
    "StructureGroupObjectPermission",
    "StructureUserObjectPermission",
    "SubscriptionRequest",
]
