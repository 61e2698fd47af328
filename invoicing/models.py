"""Invoices are snapshots (ARCHITECTURE rule 6): the parties' identity is copied at deposit, and
a deposited invoice is never edited, only moved through statuses by `invoicing.workflow`."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from invoicing.enums import (
    ActionCode,
    AttachmentType,
    DepositFormat,
    DepositMode,
    Frame,
    InvoiceStatus,
    InvoiceType,
    PaymentMode,
    VatExemptionReason,
    VatType,
)
from invoicing.indexes import LIST_INDEXES

MONEY = {"max_digits": 19, "decimal_places": 6}  # DAT-4: six decimals stored


def payment_due_date(deposited_at: datetime | None, delay_days: int | None) -> date | None:
    """DOMAIN §5.10: the deposit's calendar day in the portal's time zone (not UTC's: a
    deposit just after midnight in Paris is still the previous day in UTC) + the recipient's
    legal payment period."""
    if deposited_at is None or delay_days is None:
        return None
    return timezone.localdate(deposited_at) + timedelta(days=delay_days)


class Invoice(models.Model):
    # --- Routing (the only fields recycling may change, T16) --------------------------
    supplier = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("Fournisseur"),
        on_delete=models.PROTECT,
        related_name="issued_invoices",
    )
    supplier_service = models.ForeignKey(
        "structures.Service",
        verbose_name=_("Service fournisseur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    bank_account = models.ForeignKey(
        "structures.BankAccount",
        verbose_name=_("Coordonnées bancaires"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recipient = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("Destinataire"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_invoices",
    )
    recipient_service = models.ForeignKey(
        "structures.Service",
        verbose_name=_("Service destinataire"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_invoices",
    )
    validator = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("Valideur (titulaire / mandataire)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices_to_validate",
    )
    validator_service = models.ForeignKey(
        "structures.Service",
        verbose_name=_("Service valideur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    # --- Invoice data (§5.3) -----------------------------------------------------------
    frame = models.CharField(
        _("Cadre de facturation"), max_length=60, choices=Frame.choices, default=Frame.A1
    )
    status = models.CharField(
        _("Statut"), max_length=40, choices=InvoiceStatus.choices, default=InvoiceStatus.BROUILLON
    )
    number = models.CharField(_("Numéro de facture"), max_length=20, blank=True)
    invoice_date = models.DateField(_("Date de facture"), null=True, blank=True)
    # INV-5 is per calendar year of the invoice date; kept as a column for the constraint.
    invoice_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    invoice_type = models.CharField(
        _("Type"), max_length=10, choices=InvoiceType.choices, default=InvoiceType.FACTURE
    )
    original_invoice_number = models.CharField(_("N° facture d'origine"), max_length=20, blank=True)
    currency = models.CharField(_("Devise"), max_length=3, default="EUR")
    vat_type = models.CharField(
        _("Type de TVA"), max_length=30, choices=VatType.choices, default=VatType.TVA_SUR_DEBIT
    )
    vat_exemption_reason = models.CharField(
        _("Motif d'exonération de TVA"),
        max_length=30,
        choices=VatExemptionReason.choices,
        blank=True,
    )
    payment_mode = models.CharField(
        _("Mode de règlement"), max_length=20, choices=PaymentMode.choices, blank=True
    )
    engagement_number = models.CharField(
        _("N° d'engagement (EJ / bon de commande)"), max_length=50, blank=True, db_index=True
    )
    market_number = models.CharField(_("N° de marché"), max_length=50, blank=True)
    amount_ht = models.DecimalField(_("Montant HT"), default=Decimal("0"), **MONEY)
    amount_tva = models.DecimalField(_("Montant TVA"), default=Decimal("0"), **MONEY)
    amount_ttc = models.DecimalField(_("Montant TTC"), default=Decimal("0"), **MONEY)
    global_discount = models.DecimalField(_("Remise globale TTC"), default=Decimal("0"), **MONEY)
    global_discount_reason = models.CharField(
        _("Motif de la remise globale"), max_length=255, blank=True
    )
    amount_to_pay = models.DecimalField(_("Net à payer"), default=Decimal("0"), **MONEY)
    comment = models.TextField(_("Commentaire"), max_length=2000, blank=True)

    deposit_mode = models.CharField(
        _("Mode de dépôt"), max_length=30, choices=DepositMode.choices, blank=True
    )
    deposit_format = models.CharField(
        _("Format de dépôt"), max_length=30, choices=DepositFormat.choices, blank=True
    )

    # --- Snapshot of the parties at deposit (rule 6) -----------------------------------
    supplier_identifier = models.CharField(max_length=80, blank=True)
    supplier_identifier_type = models.CharField(max_length=20, blank=True)
    supplier_name = models.CharField(max_length=255, blank=True)
    supplier_address = models.TextField(blank=True)
    supplier_vat_number = models.CharField(max_length=20, blank=True)
    supplier_iban = models.CharField(max_length=34, blank=True)
    recipient_identifier = models.CharField(max_length=80, blank=True, db_index=True)
    recipient_name = models.CharField(max_length=255, blank=True)
    recipient_address = models.TextField(blank=True)
    recipient_service_code = models.CharField(max_length=100, blank=True)
    recipient_service_name = models.CharField(max_length=255, blank=True)
    validator_identifier = models.CharField(max_length=80, blank=True)
    validator_name = models.CharField(max_length=255, blank=True)

    # --- Life cycle -------------------------------------------------------------------
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # LIF-4: recycling resets it; the legal payment period runs from it (DEP-4).
    deposited_at = models.DateTimeField(_("Date de dépôt"), null=True, blank=True, db_index=True)
    status_changed_at = models.DateTimeField(
        _("Date du dernier changement de statut"), default=timezone.now
    )
    # Stored (issue 10) so that the lists sort and filter on it with an index: set by `save`
    # from the deposit date and the recipient's period, i.e. at deposit and by every change
    # of either (recycling, T16). Informational, never enforced (§5.10).
    due_date = models.DateField(
        _("Date d'échéance du paiement (indicative)"), null=True, blank=True, editable=False
    )
    status_comment = models.TextField(_("Commentaire du dernier changement de statut"), blank=True)
    mandate_number = models.CharField(_("Numéro de mandat"), max_length=50, blank=True)
    rejection_processed = models.BooleanField(_("Rejet traité"), default=False)
    # LIF-6: the supplier acknowledges a rejection or suspension once.
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    downloaded_by_recipient_at = models.DateTimeField(null=True, blank=True)
    dossier_sha256 = models.CharField(max_length=64, blank=True)
    certificate_sha256 = models.CharField(max_length=64, blank=True)
    certificate_file = models.CharField(max_length=255, blank=True)
    # The deposit form's idempotency token (issue 9): on the row, not in the cache, so that a
    # repeated "Enregistrer" / "Confirmer et envoyer" is recognised with Redis down, and
    # simultaneous clicks meet at the unique constraint below.
    deposit_token = models.CharField(
        max_length=64, blank=True, default="", db_default="", editable=False
    )

    class Meta:
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        ordering = ["-status_changed_at", "-id"]
        constraints = [
            # INV-5: unique per supplier and calendar year; drafts do not count.
            models.UniqueConstraint(
                fields=["supplier", "invoice_year", "number"],
                condition=~Q(status=InvoiceStatus.BROUILLON),
                name="invoice_number_unique_per_supplier_year",
            ),
            models.UniqueConstraint(
                fields=["created_by", "deposit_token"],
                condition=~Q(deposit_token=""),
                name="invoice_deposit_token_unique_per_user",
            ),
        ]
        indexes = [
            models.Index(fields=["supplier", "status"]),
            models.Index(fields=["recipient", "status"]),
            models.Index(fields=["validator", "status"]),
            models.Index(fields=["number"]),
            models.Index(fields=["status", "status_changed_at"]),
            *LIST_INDEXES,  # issue 10: invoicing/indexes.py
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    def save(self, *args, **kwargs):
        self.invoice_year = self.invoice_date.year if self.invoice_date else None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "invoice_date" in update_fields:
            kwargs["update_fields"] = update_fields = {*update_fields, "invoice_year"}
        if update_fields is None or {"deposited_at", "recipient", "recipient_id"} & set(
            update_fields
        ):
            self.due_date = self.payment_due_date()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "due_date"}
        super().save(*args, **kwargs)

    def prepare_save(self) -> None:
        """The derived columns `save` writes with a whole row (and `bulk_create`'s callers
        set, which calls no `save`)."""
        self.invoice_year = self.invoice_date.year if self.invoice_date else None
        self.due_date = self.payment_due_date()

    @property
    def is_draft(self) -> bool:
        return self.status == InvoiceStatus.BROUILLON

    def payment_due_date(self) -> date | None:
        """What `due_date` holds: deposit + the recipient's period (DOMAIN §5.10)."""
        if not self.deposited_at or not self.recipient_id:
            return None
        return payment_due_date(self.deposited_at, self.recipient.payment_delay_days)


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("N°"))
    reference = models.CharField(_("Référence"), max_length=50, blank=True)
    designation = models.CharField(_("Désignation"), max_length=255)
    quantity = models.DecimalField(_("Quantité"), **MONEY)
    unit = models.CharField(_("Unité"), max_length=20, blank=True)
    unit_price = models.DecimalField(_("Prix unitaire HT"), **MONEY)
    discount = models.DecimalField(_("Remise HT"), default=Decimal("0"), **MONEY)
    vat_rate = models.DecimalField(_("Taux de TVA (%)"), max_digits=5, decimal_places=2)
    amount_ht = models.DecimalField(_("Montant HT"), **MONEY)

    class Meta:
        ordering = ["invoice_id", "position"]
        verbose_name = _("ligne de poste")
        verbose_name_plural = _("lignes de poste")

    def __str__(self) -> str:
        return f"{self.position}. {self.designation}"


class VatLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="vat_lines")
    rate = models.DecimalField(_("Taux de TVA (%)"), max_digits=5, decimal_places=2)
    base_ht = models.DecimalField(_("Base HT"), **MONEY)
    amount_tva = models.DecimalField(_("Montant TVA"), **MONEY)

    class Meta:
        ordering = ["invoice_id", "rate"]
        verbose_name = _("ligne de TVA")
        verbose_name_plural = _("lignes de TVA")

    def __str__(self) -> str:
        return f"{self.rate} %"


class Attachment(models.Model):
    """A file of an invoice dossier: the main file (is_main) or a complementary attachment.

    Uploaded files are stored under MEDIA_ROOT with a random name; `invoice` is null until
    the file is linked (ATT-7: unlinked files are purged after 24 hours).
    """

    invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    path = models.CharField(max_length=255)  # relative to MEDIA_ROOT
    original_name = models.CharField(_("Nom du fichier"), max_length=50)
    size = models.PositiveBigIntegerField(_("Taille"))
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100, blank=True)
    is_main = models.BooleanField(_("Pièce jointe principale"), default=False)
    designation = models.CharField(_("Désignation"), max_length=100, blank=True)
    attachment_type = models.CharField(
        _("Type de pièce jointe"), max_length=30, choices=AttachmentType.choices, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_main", "id"]
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        indexes = [models.Index(fields=["invoice", "is_main"])]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice"], condition=Q(is_main=True), name="attachment_one_main_file"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


class StatusEvent(models.Model):
    """Append-only history (STA-2, STA-3): a status change or a logged action."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("Statut"), max_length=40, choices=InvoiceStatus.choices)
    transition = models.CharField(_("Transition"), max_length=10, blank=True)
    action = models.CharField(_("Action"), max_length=30, choices=ActionCode.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Auteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_role = models.CharField(max_length=20, blank=True)
    comment = models.TextField(_("Commentaire"), blank=True)
    created_at = models.DateTimeField(_("Date"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("événement de la facture")
        verbose_name_plural = _("historique de la facture")

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.status} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("StatusEvent is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("StatusEvent is append-only")

    @property
    def actor_label(self) -> str:
        return str(self.actor) if self.actor_id else str(_("Système"))


_COUNT_KEY = ("side", "structure_id", "service_id", "status")


class StatusCount(models.Model):
    """How many invoices a structure has in a status (issue 10): supplier ("S"), recipient
    ("R", per recipient service, 0 for none, RCV-2's hidden statuses out), validator ("V",
    A9/A12), and waiting for the recipient by due date ("D": `status` holds the date).
    Kept exact by database triggers on the invoice table (`invoicing.tallies`), in the
    transaction of every insert, status change, re-routing and deletion, as delta rows a key
    sums (folded every minute); the Synthèse pages read them, not a structure's invoices."""

    side = models.CharField(max_length=1)
    structure_id = models.BigIntegerField()
    service_id = models.BigIntegerField(default=0)
    status = models.CharField(max_length=40)
    n = models.BigIntegerField(default=0)
    # False for a delta row a trigger appended, True for a row `compact` or `rebuild` wrote:
    # the compaction reads the keys of the deltas alone (a partial index), not the table.
    folded = models.BooleanField(default=False, db_default=False)

    class Meta:
        # Not unique: a change appends delta rows (`invoicing.tallies`, no row lock).
        indexes = [
            models.Index(fields=[*_COUNT_KEY], name="statuscount_key"),
            models.Index(
                fields=[*_COUNT_KEY], name="statuscount_deltas", condition=Q(folded=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.side} {self.structure_id}/{self.service_id} {self.status}: {self.n}"
