"""Forms of the Commitments area: they check the input's shape; the rules (uniqueness,
supplier lookup, linked invoices) are `commitments.services`' and come back as field errors."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from commitments.enums import CommitmentState, CommitmentType, SupplierAnswer
from commitments.models import NUMBER_MAX_LENGTH
from portal.forms import DsfrForm, FewRowsChoiceField
from structures.models import Service

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _DsfrForm(DsfrForm):
    """DSFR classes on the widgets, without DsfrBaseForm.get_context's transition warning
    (the test suite turns warnings into errors); optional fields are marked."""

    def get_context(self) -> dict:
        context = forms.Form.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


class CommitmentForm(_DsfrForm):
    recipient = FewRowsChoiceField(label=_("Structure publique"), queryset=None, empty_label=None)
    number = forms.CharField(label=_("Numéro d'engagement"), max_length=NUMBER_MAX_LENGTH)
    commitment_type = forms.ChoiceField(
        label=_("Type d'engagement"), choices=CommitmentType.choices
    )
    label = forms.CharField(label=_("Objet"), max_length=255, required=False)
    supplier_identifier = forms.CharField(
        label=_("Identifiant du fournisseur"),
        max_length=100,
        help_text=_("SIRET (14 chiffres) ou autre identifiant de la structure dans Chorus Pro."),
    )
    service = FewRowsChoiceField(
        label=_("Service"),
        queryset=Service.objects.none(),
        required=False,
        empty_label=_("Aucun service"),
    )
    amount_ht = forms.DecimalField(
        label=_("Montant HT"), max_digits=19, decimal_places=2, min_value=0
    )
    currency = forms.CharField(label=_("Devise"), max_length=3, initial="EUR")
    date = forms.DateField(label=_("Date de l'engagement"), widget=DATE_WIDGET)
    valid_from = forms.DateField(label=_("Début de validité"), required=False, widget=DATE_WIDGET)
    valid_until = forms.DateField(label=_("Fin de validité"), required=False, widget=DATE_WIDGET)
    is_active = forms.BooleanField(label=_("Engagement actif"), required=False, initial=True)

    def __init__(self, *args, recipients, commitment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = recipients
        if commitment is not None:
            # The publishing structure is fixed; the activity has its own buttons.
            del self.fields["recipient"]
            del self.fields["is_active"]
            structure_ids = [commitment.recipient_id]
        else:
            structure_ids = list(recipients.values_list("pk", flat=True))
        # Active services, plus the current one of an edited commitment (even if inactive now).
        condition = Q(structure_id__in=structure_ids, is_active=True)
        if commitment is not None and commitment.service_id:
            condition |= Q(pk=commitment.service_id)
        self.fields["service"].queryset = (
            Service.objects.filter(condition)
            .select_related("structure")
            .order_by("structure__company_name", "code")
        )
        if len(structure_ids) > 1:
            self.fields["service"].label_from_instance = lambda service: (
                f"{service.code} — {service.name} ({service.structure.company_name})"
            )

    def clean_supplier_identifier(self) -> str:
        return self.cleaned_data["supplier_identifier"].replace(" ", "")

    def clean_currency(self) -> str:
        value = (self.cleaned_data.get("currency") or "").strip().upper()
        if len(value) != 3 or not value.isalpha():
            raise ValidationError(
                _("Saisissez le code de la devise sur trois lettres, par exemple EUR.")
            )
        return value


class FilterForm(_DsfrForm):
    """The list's filters (GET). Unknown values are ignored rather than refused."""

    number = forms.CharField(label=_("Numéro d'engagement"), max_length=50, required=False)
    party = forms.CharField(label=_("Fournisseur"), max_length=100, required=False)
    state = forms.ChoiceField(
        label=_("État"),
        required=False,
        choices=[("", _("Tous"))] + list(CommitmentState.choices),
    )
    commitment_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Tous"))] + list(CommitmentType.choices)
    )
    answer = forms.ChoiceField(
        label=_("Réponse du fournisseur"),
        required=False,
        choices=[("", _("Toutes")), ("NONE", _("En attente de réponse"))]
        + list(SupplierAnswer.choices),
    )

    def __init__(self, *args, supplier_side: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if supplier_side:
            self.fields["party"].label = _("Structure publique")

    def criteria(self) -> dict:
        if not self.is_valid():
            return {
                name: value
                for name, value in self.cleaned_data.items()
                if name not in self.errors and value
            }
        return {name: value for name, value in self.cleaned_data.items() if value}


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=SupplierAnswer.choices)


def apply_error(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (or the form)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
