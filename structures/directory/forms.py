"""The directory's search form (DIR-3)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from structures.core.forms import PortalForm
from structures.validators import IDENTIFIER_MAX_LENGTH


class DirectorySearchForm(PortalForm):
    """DIR-3: identifier (3 characters at least, partial), name, postcode or city."""

    identifier = forms.CharField(
        label=_("Identifiant (SIRET)"),
        required=False,
        max_length=IDENTIFIER_MAX_LENGTH,
        help_text=_("3 caractères au moins ; une partie du numéro suffit."),
    )
    name = forms.CharField(label=_("Raison sociale"), required=False, max_length=255)
    postcode = forms.CharField(label=_("Code postal"), required=False, max_length=20)
    city = forms.CharField(label=_("Ville"), required=False, max_length=100)

    def clean_identifier(self):
        value = "".join((self.cleaned_data.get("identifier") or "").split())
        if value and len(value) < 3:
            raise ValidationError(_("Saisissez au moins 3 caractères de l'identifiant."))
        return value
