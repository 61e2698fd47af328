"""Sollicitations (DOMAIN §9): the request, its numbering counter, and its history, which is
also the message thread (an entry with a message is shown in the thread)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests_app.enums import Action, Category, Side, SolStatus, Subcategory


class Counter(models.Model):
    """SOL-7: one row per year, locked (select_for_update) while a number is taken, in the
    transaction that creates the sollicitation: no gap, no duplicate."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Sollicitation(models.Model):
    number = models.CharField(_("Numéro"), max_length=20, unique=True)
    category = models.CharField(_("Catégorie"), max_length=40, choices=Category.choices)
    subcategory = models.CharField(
        _("Sous-catégorie"), max_length=40, choices=Subcategory.choices, blank=True
    )
    subject = models.CharField(_("Objet"), max_length=200)
    status = models.CharField(
        _("Statut"), max_length=30, choices=SolStatus.choices, default=SolStatus.NOUVELLE
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Émetteur"),
        on_delete=models.PROTECT,
        related_name="sent_sollicitations",
    )
    sender_structure = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("Structure émettrice"),
        null=True,  # a user attached to no structure may write to the support desk
        blank=True,
        on_delete=models.PROTECT,
        related_name="sent_sollicitations",
    )
    invoice = models.ForeignKey(
        "invoicing.Invoice",
        verbose_name=_("Facture"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sollicitations",
    )
    # The addressee: a structure (and maybe one of its services), or the support desk.
    addressee_structure = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("Structure destinataire"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_sollicitations",
    )
    addressee_service = models.ForeignKey(
        "structures.Service",
        verbose_name=_("Service destinataire"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at_support = models.BooleanField(_("Au support"), default=False)
    # SOL-3: the data of a guided request (structure to create, new main manager).
    details = models.JSONField(_("Données de la demande"), default=dict, blank=True)
    created_at = models.DateTimeField(_("Date de dépôt"), default=timezone.now)
    status_changed_at = models.DateTimeField(_("Dernier changement"), default=timezone.now)

    class Meta:
        verbose_name = _("sollicitation")
        verbose_name_plural = _("sollicitations")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["sender", "status", "-created_at"], name="sol_sender_status"),
            models.Index(fields=["sender", "-created_at"], name="sol_sender_created"),
            models.Index(
                fields=["addressee_structure", "status", "-created_at"], name="sol_addressee"
            ),
            models.Index(fields=["at_support", "status", "-created_at"], name="sol_support"),
            models.Index(fields=["category", "-created_at"], name="sol_category"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"


class Entry(models.Model):
    """One line of the history (SOL-2: author and date of every transition); those with a
    message make the thread."""

    sollicitation = models.ForeignKey(
        Sollicitation, on_delete=models.CASCADE, related_name="entries"
    )
    action = models.CharField(_("Action"), max_length=20, choices=Action.choices)
    side = models.CharField(_("Côté"), max_length=10, choices=Side.choices)
    previous_status = models.CharField(max_length=30, choices=SolStatus.choices, blank=True)
    status = models.CharField(_("Statut"), max_length=30, choices=SolStatus.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField(_("Message"), blank=True)
    created_at = models.DateTimeField(_("Date"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.created_at:%Y-%m-%d %H:%M}"


class EntryFile(models.Model):
    """An attachment of a message (§5.5 rules), stored like invoice attachments."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="files")
    file_path = models.CharField(max_length=255)
    original_name = models.CharField(_("Nom du fichier"), max_length=50)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return self.original_name
