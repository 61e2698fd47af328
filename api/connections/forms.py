"""The "Déclarer un raccordement" form (TEC-6)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from api.enums import Environment, UsageType
from api.models import Connection
from api.services import connection_structures
from portal.areas import Mode
from portal.forms import FewRowsChoiceField


class ConnectionForm(forms.Form):
    structure = FewRowsChoiceField(label=_("Structure"), queryset=None)
    name = forms.CharField(
        label=_("Nom de l'application"),
        max_length=Connection._meta.get_field("name").max_length,
        help_text=_("Unique sur la plateforme, par exemple APP_SANDBOX_MONLOGICIEL."),
    )
    environment = forms.ChoiceField(label=_("Environnement"), choices=Environment.choices)
    usage = forms.ChoiceField(label=_("Type d'usage"), choices=UsageType.choices)
    contact_name = forms.CharField(label=_("Nom du contact technique"), max_length=150)
    contact_email = forms.EmailField(label=_("Adresse électronique du contact technique"))
    contact_phone = forms.CharField(
        label=_("Téléphone du contact technique"), max_length=30, required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = connection_structures(user, Mode.CHANGE)
