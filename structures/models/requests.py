"""Link requests and subscription requests: a manager decides, the row stays as history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import areas
from structures.enums import RequestStatus
from structures.models.structures import Service, Structure


class DecidedRequestQuerySet(models.QuerySet):
    def pending(self) -> DecidedRequestQuerySet:
        return self.filter(status=RequestStatus.PENDING)

    def settle(self, status: str, *, actor, comment: str) -> int:
        """Decide every pending request of the queryset at once (a manager's direct action
        answers them), each through `record_decision`; the rows are locked first."""
        rows = list(self.pending().select_for_update(of=("self",)))
        for row in rows:
            row.record_decision(status, actor=actor, comment=comment)
        return len(rows)


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

    objects = DecidedRequestQuerySet.as_manager()

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
