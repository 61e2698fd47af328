"""The mail outbox (NOT-5): every mail is a row written in the transaction that caused it."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailStatus(models.TextChoices):
    PENDING = "PENDING", _("En attente d'envoi")
    SENT = "SENT", _("Envoyé")
    FAILED = "FAILED", _("Échec définitif")


class Email(models.Model):
    to = models.EmailField(_("Destinataire"))
    subject = models.CharField(_("Objet"), max_length=255)
    body_text = models.TextField(_("Texte"))
    body_html = models.TextField(_("HTML"), blank=True)
    template = models.CharField(_("Modèle"), max_length=100)
    language = models.CharField(_("Langue"), max_length=5, default="fr")
    status = models.CharField(
        _("Statut"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("Tentatives"), default=0)
    last_error = models.TextField(_("Dernière erreur"), blank=True)
    created_at = models.DateTimeField(_("Créé le"), default=timezone.now)
    sent_at = models.DateTimeField(_("Envoyé le"), null=True, blank=True)
    # Exponential back-off after a transient failure; the periodic sweep honours it.
    next_attempt_at = models.DateTimeField(_("Prochain essai"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbox_emails",
    )
    structure = models.ForeignKey(
        "structures.Structure",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbox_emails",
    )
    # NOT-5: "at most once per event and recipient"; NULL for mails that may repeat
    # (an activation link asked twice is two events).
    dedup_key = models.CharField(max_length=200, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("courriel")
        verbose_name_plural = _("courriels")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="email_status_created"),
            models.Index(fields=["-created_at"], name="email_created_desc"),
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"

    def as_message(self) -> EmailMultiAlternatives:
        message = EmailMultiAlternatives(
            subject=self.subject,
            body=self.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[self.to],
            headers={"X-Portal-Email-Id": str(self.pk)},
        )
        if self.body_html:
            message.attach_alternative(self.body_html, "text/html")
        return message


class EventKind(models.TextChoices):
    """NOT-3: the activity events a digest reports."""

    INVOICE_STATUS = "INVOICE_STATUS", _("Changement de statut d'une facture émise")
    INVOICE_RECEIVED = "INVOICE_RECEIVED", _("Nouvelle facture reçue")
    INVOICE_TO_VALIDATE = "INVOICE_TO_VALIDATE", _("Facture à valider")
    LINK_REQUEST = "LINK_REQUEST", _("Demande de rattachement")
    SUBSCRIPTION_REQUEST = "SUBSCRIPTION_REQUEST", _("Demande d'abonnement")
    SOLLICITATION_CREATED = "SOLLICITATION_CREATED", _("Nouvelle sollicitation")
    SOLLICITATION_ANSWERED = "SOLLICITATION_ANSWERED", _("Sollicitation répondue")
    SOLLICITATION_INFO_REQUESTED = (
        "SOLLICITATION_INFO_REQUESTED",
        _("Complément demandé sur une sollicitation"),
    )
    SOLLICITATION_RELAUNCHED = "SOLLICITATION_RELAUNCHED", _("Sollicitation relancée")
    FLOW_REJECTED = "FLOW_REJECTED", _("Flux rejeté")
    FLOW_PARTIALLY_INTEGRATED = "FLOW_PARTIALLY_INTEGRATED", _("Flux intégré partiellement")


# NOT-3 / FLW-11: the managers of the structure also see these, whatever areas it opened.
MANAGERS_ALSO = frozenset({EventKind.FLOW_REJECTED, EventKind.FLOW_PARTIALLY_INTEGRATED})


class ActivityEvent(models.Model):
    """One activity event (NOT-3, NOT-5), written in the transaction of the change.

    Its audience is stated, not listed: the users holding `area` on `structure` (within
    `service` when set, SRV-3), or only `user` when set. Digests read it at send time, so a
    user who lost a right no longer sees the event."""

    kind = models.CharField(max_length=40, choices=EventKind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    # None only for a sollicitation of a user attached to no structure (`user` or SUPPORT).
    structure = models.ForeignKey(
        "structures.Structure",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activity_events",
    )
    area = models.CharField(max_length=20)
    service = models.ForeignKey(
        "structures.Service", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activity_events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    link = models.CharField(max_length=200, blank=True)  # a path of the portal
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["structure", "created_at"], name="activity_structure_created"),
            models.Index(fields=["user", "created_at"], name="activity_user_created"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.structure_id} {self.created_at:%Y-%m-%d %H:%M}"
