"""Forms of the structure pages: they check the input's shape and carry clear messages;
the rules themselves live in `structures.identity`, `billing` and `siret` (forms never
`save()` anything). The bases the other screens of structures share are here too."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm, DsfrDjangoTemplates

from portal.params import MAX_ID
from structures import billing, countries, identifier_change, identity
from structures.enums import IdentifierType
from structures.memberships import find_active_account
from structures.models import BankAccount, Service, Structure
from structures.validators import (
    IDENTIFIER_HINTS,
    IDENTIFIER_MAX_LENGTH,
    validate_bic,
    validate_iban,
    validate_identifier,
    validate_service_code,
    validate_vat_number,
)


class _FormRenderer(DsfrDjangoTemplates):
    """The DSFR form renderer, which also finds the project's templates/ directory."""

    @cached_property
    def engine(self):
        dirs = [Path(settings.BASE_DIR) / "templates", *super().engine.dirs]
        return self.backend({"APP_DIRS": True, "DIRS": dirs, "NAME": "portalforms", "OPTIONS": {}})


_RENDERER = _FormRenderer()


class PortalForm(DsfrBaseForm):
    """DSFR rendering, marking the optional fields (the DSFR's current advice) without
    DsfrBaseForm.get_context's transition warning, which the test suite turns into an error."""

    default_renderer = _RENDERER

    # Our own checkbox snippet: the DSFR one needs django-widget-tweaks in INSTALLED_APPS.
    checkbox_template = "structures/core/_checkbox_field.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.template_name = self.checkbox_template

    def get_context(self) -> dict:
        context = super(DsfrBaseForm, self).get_context()
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


_COUNTRY_HELP = _("Code ISO du pays sur deux lettres, par exemple FR.")


def _clean_country(value: str) -> str:
    value = (value or "").strip().upper()
    if not countries.is_country(value):
        raise ValidationError(_("Saisissez le code ISO du pays sur deux lettres, par exemple FR."))
    return value


class AddressFormMixin:
    """The postcode follows the country's shape (five digits in France): issue 9 found "-1"
    and markup accepted."""

    def clean(self):
        data = super().clean()
        postcode = (data.get("postcode") or "").strip()
        country = data.get("country")
        if postcode and country and not countries.is_postcode(postcode, country):
            self.add_error(
                "postcode",
                _("Ce code postal n'a pas la forme attendue pour ce pays (5 chiffres en France)."),
            )
        return data


class IdentifierForm(PortalForm):
    """STR-7, first step: search the identifier before creating anything."""

    identifier_type = forms.ChoiceField(
        label=_("Type d'identifiant"),
        choices=IdentifierType.choices,
        initial=IdentifierType.SIRET,
    )
    identifier = forms.CharField(
        label=_("Identifiant"),
        max_length=IDENTIFIER_MAX_LENGTH + 10,  # room for the spaces people type
        help_text=IDENTIFIER_HINTS[IdentifierType.SIRET],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = self.data.get(self.add_prefix("identifier_type")) or IdentifierType.SIRET
        if chosen in IDENTIFIER_HINTS:
            self.fields["identifier"].help_text = IDENTIFIER_HINTS[chosen]

    def clean(self):
        data = super().clean()
        if data.get("identifier_type") and data.get("identifier"):
            try:
                data["identifier"] = validate_identifier(
                    data["identifier_type"], data["identifier"]
                )
            except ValidationError as exc:
                self.add_error("identifier", exc)
        return data


class StructureCreateForm(AddressFormMixin, PortalForm, forms.ModelForm):
    """STR-8: the data of the new private structure (identifier from the search step)."""

    identifier_type = forms.ChoiceField(choices=IdentifierType.choices, widget=forms.HiddenInput)
    identifier = forms.CharField(max_length=IDENTIFIER_MAX_LENGTH + 10, widget=forms.HiddenInput)

    class Meta:
        model = Structure
        # identifier_type / identifier are declared above, out of the model validation: the
        # STR-5 conflict is the service's to report, with the link to the attachment request.
        fields = list(identity.STRUCTURE_DATA)
        help_texts = {"country": _COUNTRY_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("street", "postcode", "city"):
            self.fields[name].required = True

    def clean_country(self):
        return _clean_country(self.cleaned_data.get("country"))

    def clean_vat_number(self):
        value = self.cleaned_data.get("vat_number")
        return validate_vat_number(value) if value else ""

    def clean(self):
        data = super().clean()
        if data.get("identifier_type") and data.get("identifier"):
            try:
                data["identifier"] = validate_identifier(
                    data["identifier_type"], data["identifier"]
                )
            except ValidationError as exc:
                self.add_error(None, exc)
        return data

    def service_data(self) -> dict:
        return {field: self.cleaned_data[field] for field in identity.CREATION_FIELDS}


class StructureEditForm(AddressFormMixin, PortalForm, forms.ModelForm):
    """Identity, address, contact, VAT, RCS, recipient parameters and flags (STR-8/11/12)."""

    class Meta:
        model = Structure
        fields = list(identity.EDITABLE_FIELDS)
        help_texts = {
            "country": _COUNTRY_HELP,
            "pacage_number": _(
                "Pour les exploitants agricoles. Non repris lors d'un changement de SIRET."
            ),
            "service_code_required": "codeServiceDoitEtreRenseigne",  # the API field name
            "engagement_required": "numeroEJDoitEtreRenseigne",  # the API field name
            "engagement_or_service_required": "gestionNumeroEJOuCodeService",  # the API field name
            "payment_status_not_reported": "statutMiseEnPaiementNestPasRemonte",  # the API field name
            "payment_delay_days": _(
                "Sert à calculer la date d'échéance indicative des factures reçues."
            ),
        }

    def clean_country(self):
        return _clean_country(self.cleaned_data.get("country"))

    def clean_vat_number(self):
        value = self.cleaned_data.get("vat_number")
        return validate_vat_number(value) if value else ""

    def service_data(self) -> dict:
        return {field: self.cleaned_data[field] for field in identity.EDITABLE_FIELDS}


class ServiceForm(AddressFormMixin, PortalForm, forms.ModelForm):
    """SRV-1."""

    class Meta:
        model = Service
        fields = list(billing.SERVICE_FIELDS)
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "code": _("100 caractères au plus, unique dans la structure."),
            "country": _COUNTRY_HELP,
            "engagement_required": "numeroEngagement",  # the API field name
            "payment_status_managed": "miseEnPaiement",  # the API field name
        }

    def clean_code(self):
        return validate_service_code(self.cleaned_data.get("code"))

    def clean_country(self):
        return _clean_country(self.cleaned_data.get("country") or "FR")

    def service_data(self) -> dict:
        return {field: self.cleaned_data[field] for field in billing.SERVICE_FIELDS}


class BankAccountForm(PortalForm, forms.ModelForm):
    """BNK-1/2."""

    iban = forms.CharField(label=_("IBAN"), max_length=50)
    bic = forms.CharField(label=_("BIC"), max_length=20, help_text=_("8 ou 11 caractères."))

    class Meta:
        model = BankAccount
        fields = list(billing.BANK_FIELDS)
        help_texts = {"is_factor": _("Compte d'un affactureur (société d'affacturage).")}

    def clean_iban(self):
        return validate_iban(self.cleaned_data.get("iban"))

    def clean_bic(self):
        return validate_bic(self.cleaned_data.get("bic"))

    def service_data(self) -> dict:
        return {field: self.cleaned_data[field] for field in billing.BANK_FIELDS}


class MandateForm(PortalForm):
    accept = forms.BooleanField(
        label=_("J'ai lu le mandat de facturation et je l'accepte au nom de la structure."),
        required=True,
        error_messages={"required": _("Cochez la case pour accepter le mandat.")},
    )


class NewIdentifierForm(PortalForm):
    """SIR-2: the new identifier of the structure (same type), checked against SIR-3."""

    identifier = forms.CharField(label=_("Identifiant"), max_length=IDENTIFIER_MAX_LENGTH + 10)

    def __init__(self, *args, structure: Structure, **kwargs):
        super().__init__(*args, **kwargs)
        self.structure = structure
        self.fields["identifier"].help_text = IDENTIFIER_HINTS.get(structure.identifier_type, "")

    def clean_identifier(self):
        try:
            return identifier_change.check_new_identifier(
                self.structure, self.cleaned_data["identifier"]
            )
        except ValidationError as exc:
            raise ValidationError(exc.error_dict["identifier"]) from None


# --- Bases of the members screens (account/ and manager/) ----------------------------


class MemberForm(DsfrBaseForm):
    """DSFR rendering, marking optional fields (the DSFR's current advice): going around
    DsfrBaseForm.get_context, which warns about the transition whatever the setting."""

    def get_context(self) -> dict:
        context = forms.Form.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A forged id too large for the database is an invalid choice, not an OverflowError
    (Django checks the range of `pk=` lookups but not of the `pk__in=` one it runs here)."""

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else ():
            text = str(pk).strip()
            if text.isascii() and text.isdigit() and int(text) > MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)


def apply_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError at its field when the form has it."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class AccountField(forms.EmailField):
    """A connection address that must belong to an active account."""

    def clean(self, value):
        email = super().clean(value)
        if not email:
            return None
        user = find_active_account(email)
        if user is None:
            raise ValidationError(
                _("Aucun compte actif ne correspond à cette adresse de connexion.")
            )
        return user
