"""Legal commitments (engagements juridiques, DOMAIN §8) and their link to invoices.

Thin models: the rules (EJ-1..4) live in `commitments.services` and `commitments.rules`.
The link to invoices is a table of its own, so that `invoicing` does not depend on this app.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commitments.enums import CommitmentState, CommitmentType, SupplierAnswer
from invoicing.documents.stored_model import DescribedFile

NUMBER_MAX_LENGTH = 50  # same as Invoice.engagement_number


class Commitment(models.Model):
    recipient = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("Structure publique"),
        on_delete=models.PROTECT,
        related_name="published_commitments",
    )
    number = models.CharField(_("Numéro d'engagement"), max_length=NUMBER_MAX_LENGTH)
    commitment_type = models.CharField(
        _("Type d'engagement"), max_length=20, choices=CommitmentType.choices
    )
    label = models.CharField(_("Objet"), max_length=255, blank=True)
    supplier = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("Fournisseur"),
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    # Snapshot of the identifier typed by the public structure (the supplier may change SIRET).
    supplier_identifier = models.CharField(_("Identifiant du fournisseur"), max_length=80)
    service = models.ForeignKey(
        "structures.Service",
        verbose_name=_("Service"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commitments",
    )
    amount_ht = models.DecimalField(
        _("Montant HT"), max_digits=19, decimal_places=2, default=Decimal("0")
    )
    currency = models.CharField(_("Devise"), max_length=3, default="EUR")
    date = models.DateField(_("Date de l'engagement"), default=timezone.localdate)
    valid_from = models.DateField(_("Début de validité"), null=True, blank=True)
    valid_until = models.DateField(_("Fin de validité"), null=True, blank=True)
    is_active = models.BooleanField(_("Actif"), default=True)
    supplier_answer = models.CharField(
        _("Réponse du fournisseur"),
        max_length=10,
        choices=SupplierAnswer.choices,
        null=True,
        blank=True,
    )
    answered_at = models.DateTimeField(_("Répondu le"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("Créé le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("engagement juridique")
        verbose_name_plural = _("engagements juridiques")
        ordering = ["-date", "-id"]
        constraints = [
            # EJ-1: unique per recipient structure; "ej-1" and "EJ-1" are the same number.
            models.UniqueConstraint(
                F("recipient"), Upper("number"), name="commitment_number_unique_per_recipient"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "is_active", "date"], name="commitment_recipient"),
            models.Index(fields=["supplier", "is_active", "date"], name="commitment_supplier"),
            models.Index(fields=["number"], name="commitment_number"),
            # The lists' default sort (-date, -id) for each side (issue 10).
            models.Index(fields=["recipient", "-date", "-id"], name="commitment_recipient_date"),
            models.Index(fields=["supplier", "-date", "-id"], name="commitment_supplier_date"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def state(self) -> str:
        """API `etatCourantEngagementJuridique` (EJ-2)."""
        return CommitmentState.COMMANDE if self.is_active else CommitmentState.INACTIF

    def get_state_display(self) -> str:
        return CommitmentState(self.state).label


class CommitmentInvoice(models.Model):
    """EJ-4: an invoice linked to the commitment its engagement number matches (at most one)."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.PROTECT, related_name="invoice_links"
    )
    invoice = models.OneToOneField(
        "invoicing.Invoice", on_delete=models.CASCADE, related_name="commitment_link"
    )
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("facture liée à un engagement")
        verbose_name_plural = _("factures liées aux engagements")
        ordering = ["-linked_at", "-id"]

    def __str__(self) -> str:
        return f"{self.commitment_id} <- {self.invoice_id}"


class CommitmentAttachment(DescribedFile):
    """EJ-1: a file of a legal commitment, added by the publishing structure and downloadable
    by whoever sees the commitment (its publisher and its supplier, EJ-2, EJ-3)."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="attachments")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("pièce jointe d'engagement")
        verbose_name_plural = _("pièces jointes d'engagement")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["commitment", "created_at", "id"], name="commitment_attachment")
        ]

    def get_download_url(self) -> str:
        return reverse("commitments:attachment", args=[self.commitment_id, self.pk])

    def get_delete_url(self) -> str:
        return reverse("commitments:attachment_delete", args=[self.commitment_id, self.pk])
