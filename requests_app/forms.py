"""Forms of the sollicitation screens: shape only; the rules are `requests_app.services`'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from portal.forms import FewRowsChoiceField
from requests_app import guided
from requests_app.enums import SUBCATEGORIES, Category, SolStatus, Subcategory
from requests_app.services import MAX_MESSAGE, MAX_SUBJECT


class _DsfrForm(DsfrBaseForm):
    def get_context(self) -> dict:
        context = forms.Form.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the service (§5.5)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


FILES_HELP = _(
    "Facultatif. 10 Mo au plus par fichier, nom de 50 caractères au plus, extensions "
    "acceptées : PDF, JPG, PNG, TXT, CSV, XML, ZIP, DOCX, XLSX, ODT…"
)


class SollicitationForm(_DsfrForm):
    structure = FewRowsChoiceField(
        label=_("Structure émettrice"),
        queryset=None,
        required=False,
        empty_label=_("Aucune (demande au support)"),
    )
    category = forms.ChoiceField(
        label=_("Catégorie"), choices=[("", _("Choisissez une catégorie")), *Category.choices]
    )
    subcategory = forms.ChoiceField(
        label=_("Sous-catégorie"),
        required=False,
        choices=[
            ("", _("Aucune")),
            *(
                (value, Subcategory(value).label)
                for values in SUBCATEGORIES.values()
                for value in values
            ),
        ],
        help_text=_("Pour « Gestion des structures et utilisateurs » seulement."),
    )
    invoice_number = forms.CharField(
        label=_("Numéro de la facture"),
        required=False,
        max_length=40,
        help_text=_(
            "Pour « Suivi d'une facture » : une facture émise ou reçue par vos structures."
        ),
    )
    invoice_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    subject = forms.CharField(label=_("Objet"), max_length=MAX_SUBJECT)
    message = forms.CharField(
        label=_("Message"), max_length=MAX_MESSAGE, widget=forms.Textarea(attrs={"rows": 6})
    )
    files = MultipleFileField(label=_("Pièces jointes"), help_text=FILES_HELP)

    def __init__(self, *args, structures, invoices, **kwargs):
        super().__init__(*args, **kwargs)
        for fields in guided.FIELDS.values():  # SOL-3, checked by the service
            for name, label in fields.items():
                self.fields[name] = forms.CharField(label=label, required=False, max_length=255)
        self.fields["structure"].queryset = structures
        self.invoices = invoices
        self.invoice = None

    def clean(self):
        data = super().clean()
        if data.get("category") != Category.SUIVI_FACTURE:
            return data
        matches = self.invoices
        if data.get("invoice_id"):
            matches = matches.filter(pk=data["invoice_id"])
        elif (data.get("invoice_number") or "").strip():
            matches = matches.filter(number=data["invoice_number"].strip())
        else:
            self.add_error("invoice_number", _("Indiquez le numéro de la facture concernée."))
            return data
        found = list(matches.select_related("recipient", "recipient_service")[:2])
        if not found:
            self.add_error(
                "invoice_number", _("Aucune facture de vos structures ne porte ce numéro.")
            )
        elif len(found) > 1:
            self.add_error(
                "invoice_number",
                _(
                    "Plusieurs factures portent ce numéro : ouvrez la sollicitation depuis la facture ou l'assistant."
                ),
            )
        else:
            self.invoice = found[0]
        return data

    def guided_fields(self) -> dict:
        """{subcategory: [bound fields]} for the template's guided blocks."""
        return {key: [self[name] for name in fields] for key, fields in guided.FIELDS.items()}

    def details(self) -> dict | None:
        data = self.cleaned_data
        if data.get("subcategory") not in guided.FIELDS:
            return None
        return {name: data.get(name, "") for name in guided.FIELDS[data["subcategory"]]}


class MessageForm(_DsfrForm):
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    files = MultipleFileField(label=_("Pièces jointes"), help_text=FILES_HELP)


class FilterForm(_DsfrForm):
    number = forms.CharField(label=_("Numéro"), required=False, max_length=20)
    status = forms.ChoiceField(
        label=_("Statut"), required=False, choices=[("", _("Tous")), *SolStatus.choices]
    )
    category = forms.ChoiceField(
        label=_("Catégorie"), required=False, choices=[("", _("Toutes")), *Category.choices]
    )

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data.get("number"):
            queryset = queryset.filter(number__icontains=data["number"].strip())
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("category"):
            queryset = queryset.filter(category=data["category"])
        return queryset
