"""Memberships (a user's role on a structure), the areas opened on a structure and the
managers' history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from structures.enums import MANAGER_ROLES, ManagerActionCode, Role
from structures.models.structures import Service, Structure


class MembershipQuerySet(models.QuerySet):
    """Filters that speak the domain (les-emplois `MembershipQuerySet`)."""

    def active(self) -> MembershipQuerySet:
        """Memberships of active accounts."""
        return self.filter(user__is_active=True)

    def managers(self) -> MembershipQuerySet:
        return self.filter(role__in=MANAGER_ROLES)

    def main_managers(self) -> MembershipQuerySet:
        return self.filter(role=Role.MAIN_MANAGER)

    def simple_users(self) -> MembershipQuerySet:
        return self.filter(role=Role.USER)

    def of(self, user) -> MembershipQuerySet:
        """The user's memberships. A technical account (TEC-5) holds those of the current
        main manager of the structure it was created for: its rights follow that
        manager's portfolio and move with a main-manager transfer, with nothing copied."""
        if getattr(user, "is_technical", False):
            principal = self.model.objects.filter(
                role=Role.MAIN_MANAGER,
                structure__technical_accounts__user=user,
                structure__technical_accounts__is_active=True,
            ).values("user")[:1]
            # A technical user without a TechnicalAccount row (older data) keeps its own.
            return self.filter(Q(user=user) | Q(user__in=principal))
        return self.filter(user=user)

    def on(self, structure) -> MembershipQuerySet:
        return self.filter(structure_id=getattr(structure, "pk", structure))


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

    objects = MembershipQuerySet.as_manager()

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
        return self.role in MANAGER_ROLES

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
    action = models.CharField(_("Action"), max_length=50, choices=ManagerActionCode.choices)
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
