"""Account forms: sign-up (ACC-3), My account blocks, new activation link (ACC-4)."""

from __future__ import annotations

from allauth.account.forms import AddEmailForm
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from accounts.models import User

phone_validator = RegexValidator(
    r"^\+?[0-9 .()-]{6,30}$",
    _("Saisissez un numéro de téléphone valide (chiffres, espaces, +, points ou tirets)."),
)


def _email_input() -> forms.EmailInput:
    return forms.EmailInput(attrs={"autocomplete": "email"})


class LoginForm(AllauthLoginForm):
    """The login is the connection address (ACC-1)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Adresse de connexion")
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)


class SignupForm(AllauthSignupForm):
    """ACC-3. The honeypot (ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD) is the anti-robot check."""

    last_name = forms.CharField(label=_("Nom"), max_length=150)
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    contact_email = forms.EmailField(
        label=_("Adresse de contact"),
        required=False,
        help_text=_(
            "Reçoit les notifications d'activité, par exemple une boîte partagée. "
            "Laissez vide pour utiliser l'adresse de connexion."
        ),
        widget=_email_input(),
    )
    phone = forms.CharField(
        label=_("Téléphone"), required=False, max_length=30, validators=[phone_validator]
    )
    accept_terms = forms.BooleanField(
        label=_("J'ai lu et j'accepte les conditions générales d'utilisation du portail."),
        error_messages={
            "required": _("Vous devez accepter les conditions générales d'utilisation.")
        },
    )

    field_order = [
        "last_name",
        "first_name",
        "email",
        "contact_email",
        "phone",
        "password1",
        "password2",
        "accept_terms",
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.label = _("Adresse de connexion")
        email.help_text = _(
            "Votre identifiant : elle recevra le lien d'activation et ne pourra plus être modifiée."
        )
        email.widget.attrs.pop("placeholder", None)
        for name in ("password1", "password2"):
            self.fields[name].widget.attrs.pop("placeholder", None)
        self.fields["password2"].label = _("Confirmation du mot de passe")

    def clean_contact_email(self) -> str:
        return (self.cleaned_data.get("contact_email") or "").strip().lower()


class PersonalInfoForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["last_name", "first_name", "phone"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["last_name"].required = True
        self.fields["first_name"].required = True
        self.fields["phone"].validators.append(phone_validator)


class ContactEmailForm(forms.Form):
    contact_email = forms.EmailField(
        label=_("Adresse de contact"),
        help_text=_("Reçoit les notifications d'activité (par exemple une boîte partagée)."),
        widget=_email_input(),
    )

    def clean_contact_email(self) -> str:
        return self.cleaned_data["contact_email"].strip().lower()


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Langue du portail et des courriels"), choices=())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = settings.LANGUAGES


class PreferencesForm(forms.Form):
    notify_activity = forms.BooleanField(
        label=_("Recevoir les notifications périodiques d'activité"),
        required=False,
        help_text=_(
            "Un récapitulatif quotidien et hebdomadaire des mouvements sur vos structures, "
            "envoyé à votre adresse de contact."
        ),
    )

    def __init__(self, *args, locked: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if locked:
            field = self.fields["notify_activity"]
            field.disabled = True
            field.help_text = _(
                "En tant que gestionnaire principal d'une structure, vous ne pouvez pas "
                "désactiver ces notifications."
            )


class ResendActivationForm(forms.Form):
    email = forms.EmailField(label=_("Adresse de connexion"), widget=_email_input())

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class NoAddEmailForm(AddEmailForm):
    """ACC-1: allauth's e-mail management page must never add or switch an address."""

    def clean_email(self) -> str:
        raise ValidationError(
            _("L'adresse de connexion est définitive : elle ne peut pas être modifiée."),
            code="connection_address_final",
        )
