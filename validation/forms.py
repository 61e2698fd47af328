"""Forms of the Invoices to validate area: input checks only (the rules live in
`validation.services` and `invoicing.workflow`)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from invoicing.documents import files
from invoicing.models import Invoice
from invoicing.workflow import MAX_REASON
from portal.forms import DsfrForm
from validation import services
from validation.enums import RefusalReason


class _DocumentMixin(forms.Form):
    document = forms.FileField(
        label=_("Document joint à la décision (facultatif)"),
        help_text=_("10 Mo au plus ; PDF, image, bureautique, XML…"),
        required=False,
    )

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document:
            try:
                files.validate_attachment(document)
            except ValidationError as error:
                raise forms.ValidationError(error.messages) from error
        return document


class ValidateForm(_DocumentMixin, DsfrForm):
    """VAL-3: tick « Vous êtes titulaire » (A9) / « Vous êtes mandataire » (A12) and write
    the « Complément d'information », then « Enregistrer »."""

    confirmed = forms.BooleanField(
        required=True,
        error_messages={
            "required": _("Cochez la case pour confirmer votre qualité de titulaire / mandataire.")
        },
    )
    message = forms.CharField(
        label=_("Complément d'information"),
        help_text=_(
            "Votre message de validation, visible par le fournisseur ; 255 caractères au plus."
        ),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_REASON}),
        error_messages={"required": _("Le complément d'information est obligatoire.")},
    )
    field_order = ["confirmed", "message", "document"]

    def __init__(self, *args, invoice: Invoice, **kwargs):
        super().__init__(*args, **kwargs)
        label = services.confirmation_label(invoice)
        self.fields["confirmed"].label = label
        self["confirmed"].label = label  # the bound field was built by DsfrForm

    def clean_message(self):
        message = (self.cleaned_data.get("message") or "").strip()
        if not message:
            raise forms.ValidationError(_("Le complément d'information est obligatoire."))
        return message


class RefuseForm(_DocumentMixin, DsfrForm):
    """VAL-4: a reason from the list, plus free text (required for « Autre »)."""

    reason = forms.ChoiceField(
        label=_("Motif du refus"),
        choices=[("", _("Choisir un motif"))] + list(RefusalReason.choices),
        error_messages={"required": _("Le motif du refus est obligatoire.")},
    )
    details = forms.CharField(
        label=_("Précisions"),
        help_text=_("Visibles par le fournisseur ; obligatoires pour le motif « Autre »."),
        max_length=MAX_REASON,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_REASON}),
    )
    field_order = ["reason", "details", "document"]

    def __init__(self, *args, invoice: Invoice | None = None, **kwargs):
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        reason, details = cleaned.get("reason"), (cleaned.get("details") or "").strip()
        cleaned["details"] = details
        if reason == RefusalReason.OTHER and not details:
            self.add_error("details", _("Précisez le motif du refus."))
        elif reason and len(services.refusal_text(reason, details)) > MAX_REASON:
            self.add_error(
                "details", _("Le motif et ses précisions ne peuvent pas dépasser 255 caractères.")
            )
        return cleaned
