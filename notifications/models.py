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
