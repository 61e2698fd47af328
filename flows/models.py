"""Flows (FLW-1..FLW-5): the deposited file, its state, and its errors. Thin: the rules are
in `flows.services` and `flows.integration`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from flows.enums import FINAL_STATES, INTERFACE_CODES, FlowChannel, FlowState, FlowSyntax

NUMBER_PREFIX = "CPP"
NUMBER_DIGITS = 22


class Flow(models.Model):
    # FLW-1: "CPP" + 22 digits, unique and increasing (the year, then the row id).
    number = models.CharField(_("Numéro de flux"), max_length=25, unique=True, null=True)
    syntax = models.CharField(_("Syntaxe"), max_length=30, choices=FlowSyntax.choices)
    channel = models.CharField(
        _("Canal"), max_length=10, choices=FlowChannel.choices, default=FlowChannel.PORTAIL
    )
    structure = models.ForeignKey(
        "structures.Structure",
        verbose_name=_("Structure déposante"),
        on_delete=models.PROTECT,
        related_name="flows",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Déposé par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    application_code = models.CharField(max_length=100, blank=True)  # codeAppliPartenaire
    application_name = models.CharField(max_length=255, blank=True)  # designationPartenaire
    file_name = models.CharField(_("Nom du fichier"), max_length=200)
    path = models.CharField(max_length=255)  # relative to MEDIA_ROOT
    size = models.PositiveBigIntegerField(_("Taille"))
    sha256 = models.CharField(max_length=64)
    with_signature = models.BooleanField(default=False)  # avecSignature: tolerated, ignored
    state = models.CharField(
        _("État"), max_length=30, choices=FlowState.choices, default=FlowState.IN_RECU
    )
    deposited_at = models.DateTimeField(_("Date de dépôt"), default=timezone.now)
    state_changed_at = models.DateTimeField(_("Date de l'état courant"), default=timezone.now)
    # The integration's claim (exactly once, FLW-3): attempts made, and when the current
    # one started (None when no worker holds the flow).
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    invoice_count = models.PositiveIntegerField(_("Factures"), default=0)
    integrated_count = models.PositiveIntegerField(_("Factures intégrées"), default=0)
    # listeErreurTechnique [{codeErreur, libelleErreur, natureErreur}] and
    # listeErreurDP [{identifiantDestinataire, identifiantFournisseur, numeroDP, libelleErreurDP}]
    technical_errors = models.JSONField(default=list, blank=True)
    invoice_errors = models.JSONField(default=list, blank=True)
    report_path = models.CharField(max_length=255, blank=True)  # FLW-10, made on first download

    class Meta:
        verbose_name = _("flux")
        verbose_name_plural = _("flux")
        ordering = ["-deposited_at", "-id"]
        indexes = [
            models.Index(
                fields=["structure", "-deposited_at", "-id"], name="flow_structure_recent"
            ),
            models.Index(fields=["state", "state_changed_at"], name="flow_state_changed"),
            # Manager activities: the structures' rejected flows, latest first.
            models.Index(
                fields=["structure", "state", "-state_changed_at"], name="flow_structure_outcome"
            ),
            # FLW-11's filters, each within the user's structures and in the default order.
            models.Index(
                fields=["structure", "state", "-deposited_at"], name="flow_structure_state"
            ),
            models.Index(
                fields=["structure", "syntax", "-deposited_at"], name="flow_structure_syntax"
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def interface_code(self) -> str:
        return INTERFACE_CODES[FlowSyntax(self.syntax)]


class FlowInvoice(models.Model):
    """An invoice integrated from a flow (the flow's `numeroFluxDepot` of the invoice)."""

    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="integrated")
    invoice = models.OneToOneField(
        "invoicing.Invoice", on_delete=models.CASCADE, related_name="flow_link"
    )
    position = models.PositiveIntegerField()  # 1-based rank of the invoice in the flow

    class Meta:
        ordering = ["flow", "position"]
        constraints = [
            models.UniqueConstraint(fields=["flow", "position"], name="flow_invoice_position"),
        ]

    def __str__(self) -> str:
        return f"{self.flow_id}#{self.position}"
