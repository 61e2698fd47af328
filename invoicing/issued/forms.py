"""Forms of the Issued invoices area. They check the shape of the input and carry the
messages; the rules live in `issued_services`, `checks` and `workflow` (no `save()` here)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from dsfr.utils import dsfr_input_class_attr

from invoicing.documents import files
from invoicing.enums import CURRENT_FRAMES, AttachmentType, InvoiceStatus
from invoicing.errors import InvoiceError, InvoiceValidationError
from invoicing.issued.services import DEFAULT_SORT, NewAttachment
from invoicing.rules import fields
from invoicing.steps import MAX_REASON
from portal.forms import DsfrForm

ATTACHMENT_SLOTS = 3


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class IssuedSearchForm(DsfrForm):
    """Rechercher: every criterion optional, combined with AND."""

    structure = forms.TypedChoiceField(
        label=_("Structure fournisseur"), required=False, coerce=int, empty_value=None
    )
    number = forms.CharField(
        label=_("Numéro de facture"), required=False, max_length=fields.NUMBER_MAX
    )
    status = forms.ChoiceField(label=_("Statut"), required=False)
    recipient = forms.CharField(
        label=_("Destinataire"),
        required=False,
        max_length=255,
        help_text=_("SIRET (ou une partie) ou raison sociale."),
    )
    frame = forms.ChoiceField(label=_("Cadre de facturation"), required=False)
    invoice_date_from = forms.DateField(
        label=_("Date de facture : du"), required=False, widget=DateInput
    )
    invoice_date_to = forms.DateField(label=_("au"), required=False, widget=DateInput)
    deposit_date_from = forms.DateField(
        label=_("Date de dépôt : du"), required=False, widget=DateInput
    )
    deposit_date_to = forms.DateField(label=_("au"), required=False, widget=DateInput)
    amount_min = forms.DecimalField(
        label=_("Montant TTC minimum"), required=False, min_value=0, decimal_places=2
    )
    amount_max = forms.DecimalField(
        label=_("Montant TTC maximum"), required=False, min_value=0, decimal_places=2
    )
    sort = forms.ChoiceField(
        label=_("Trier par"),
        required=False,
        choices=[
            ("status_changed_at", _("Date du dernier changement de statut")),
            ("invoice_date", _("Date de facture")),
            ("deposited_at", _("Date de dépôt")),
            ("number", _("Numéro de facture")),
            ("amount_ttc", _("Montant TTC")),
            ("status", _("Statut")),
        ],
        initial=DEFAULT_SORT,
    )
    direction = forms.ChoiceField(
        label=_("Ordre"),
        required=False,
        choices=[("desc", _("Décroissant")), ("asc", _("Croissant"))],
        initial="desc",
    )

    def __init__(self, *args, structures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Tous les statuts")), *InvoiceStatus.choices]
        self.fields["frame"].choices = [
            ("", _("Tous les cadres")),
            *[(frame.value, f"{frame.short} — {frame.label}") for frame in CURRENT_FRAMES],
        ]
        structures = list(structures)
        if len(structures) > 1:
            self.fields["structure"].choices = [
                ("", _("Toutes mes structures")),
                *[(s.pk, f"{s.company_name} ({s.identifier})") for s in structures],
            ]
        else:
            del self.fields["structure"]

    def clean(self):
        data = super().clean()
        for start, end in (
            ("invoice_date_from", "invoice_date_to"),
            ("deposit_date_from", "deposit_date_to"),
        ):
            if data.get(start) and data.get(end) and data[start] > data[end]:
                self.add_error(end, _("La date de fin précède la date de début."))
        low, high = data.get("amount_min"), data.get("amount_max")
        if low is not None and high is not None and low > high:
            self.add_error("amount_max", _("Le maximum est inférieur au minimum."))
        return data


class _ActionForm(DsfrForm):
    """The status the page was shown for: a second click finds the invoice moved."""

    expected_status = forms.CharField(widget=forms.HiddenInput, required=False)


class ProcessRejectionForm(_ActionForm):
    """T17 "Traiter le rejet": an optional reason and further information, stored with the
    action as the API's `motifRejet` and `cpltInfos` are (API.md §6.13)."""

    reason = forms.CharField(
        label=_("Motif du traitement"),
        required=False,
        max_length=MAX_REASON,
        help_text=_("Facultatif, 255 caractères au plus."),
    )
    details = forms.CharField(
        label=_("Informations complémentaires"),
        required=False,
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Facultatif, 255 caractères au plus."),
    )


class CompleteForm(_ActionForm):
    """T15: attachments and/or a comment."""

    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Réponse au destinataire (255 caractères au plus)."),
    )

    def __init__(self, *args, dossier_size: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.dossier_size = dossier_size

        for slot in range(1, ATTACHMENT_SLOTS + 1):
            self.fields[f"file_{slot}"] = forms.FileField(
                label=_("Pièce jointe %(n)s") % {"n": slot}, required=False
            )
            self.fields[f"designation_{slot}"] = forms.CharField(
                label=_("Désignation"), required=False, max_length=fields.ATTACHMENT_DESIGNATION_MAX
            )
            self.fields[f"type_{slot}"] = forms.ChoiceField(
                label=_("Type de pièce jointe"),
                required=False,
                choices=[("", _("Choisir un type")), *AttachmentType.choices],
            )
            for name in (f"file_{slot}", f"designation_{slot}", f"type_{slot}"):
                dsfr_input_class_attr(self[name])

    def slots(self):
        """Bound fields grouped by attachment slot, for the template."""
        return [
            (self[f"file_{n}"], self[f"designation_{n}"], self[f"type_{n}"])
            for n in range(1, ATTACHMENT_SLOTS + 1)
        ]

    def clean(self):

        data = super().clean()
        running = self.dossier_size
        attachments = []
        for slot in range(1, ATTACHMENT_SLOTS + 1):
            uploaded = data.get(f"file_{slot}")
            designation = (data.get(f"designation_{slot}") or "").strip()
            kind = data.get(f"type_{slot}") or ""
            if not uploaded:
                continue
            try:
                checked = files.validate_attachment(uploaded, current_dossier_size=running)
            except ValidationError as exc:
                for message in exc.messages:
                    self.add_error(f"file_{slot}", message)
                continue
            except InvoiceValidationError as exc:
                for messages in exc.errors.values():
                    for message in messages:
                        self.add_error(f"file_{slot}", message)
                continue
            except InvoiceError as exc:
                self.add_error(f"file_{slot}", str(exc.message))
                continue
            if not designation:
                self.add_error(f"designation_{slot}", _("Saisissez la désignation de la pièce."))
            if not kind:
                self.add_error(f"type_{slot}", _("Choisissez le type de la pièce."))
            running += uploaded.size
            attachments.append(NewAttachment(uploaded, designation, kind, checked.content_type))
        self.cleaned_data["attachments"] = attachments
        has_file_error = any(self.has_error(f"file_{n}") for n in range(1, ATTACHMENT_SLOTS + 1))
        if not attachments and not (data.get("comment") or "").strip() and not has_file_error:
            raise ValidationError(
                _("Ajoutez au moins une pièce jointe ou un commentaire pour compléter la facture.")
            )
        return self.cleaned_data


class RecycleForm(_ActionForm):
    """T16: only these three routing fields may change."""

    recipient_identifier = forms.CharField(
        label=_("SIRET du destinataire"), max_length=80, help_text=_("14 chiffres.")
    )
    recipient_service_code = forms.CharField(
        label=_("Code service"), required=False, max_length=100
    )
    engagement_number = forms.CharField(
        label=_("N° d'engagement (EJ / bon de commande)"),
        required=False,
        max_length=fields.REFERENCE_MAX,
    )

    def clean_recipient_identifier(self):
        return "".join(self.cleaned_data["recipient_identifier"].split())

    def add_domain_errors(self, exc: InvoiceValidationError) -> None:
        """`routing_rules.check_routing` names its fields like ours; anything else goes on top."""
        for name, messages in exc.errors.items():
            field = name if name in self.fields else None
            for message in messages:
                self.add_error(field, message)


class CorrectValidatorForm(_ActionForm):
    """T18: the SIRET of the titulaire (A9) or mandataire (A12)."""

    validator_identifier = forms.CharField(
        label=_("SIRET du titulaire ou du mandataire"),
        max_length=80,
        help_text=_("Une structure active, différente de la vôtre."),
    )

    def add_domain_errors(self, exc: InvoiceValidationError) -> None:
        for name, messages in exc.errors.items():
            field = name if name in self.fields else None
            for message in messages:
                self.add_error(field, message)


# action → (context name, key of a form given back with its errors, the empty form)
ACTION_FORMS = {
    "complete": (
        "complete_form",
        "complete",
        lambda _invoice, expected: CompleteForm(initial=expected),
    ),
    "process_rejection": (
        "rejection_form",
        "rejection",
        lambda _invoice, expected: ProcessRejectionForm(initial=expected),
    ),
    "recycle": (
        "recycle_form",
        "recycle",
        lambda invoice, expected: RecycleForm(
            initial={
                **expected,
                "recipient_identifier": invoice.recipient_identifier,
                "recipient_service_code": invoice.recipient_service_code,
                "engagement_number": invoice.engagement_number,
            }
        ),
    ),
    "correct_validator": (
        "validator_form",
        "validator",
        lambda invoice, expected: CorrectValidatorForm(
            initial={**expected, "validator_identifier": invoice.validator_identifier}
        ),
    ),
}
