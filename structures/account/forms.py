"""Forms of My account's links and subscriptions: input checks only; the rules live in
`structures.requests`, `memberships` and `openings`."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal import areas
from portal.areas import Mode
from portal.forms import FewRowsChoiceField
from structures import access
from structures.core.forms import AccountField, IdsChoiceField, MemberForm
from structures.models import Membership, Service, Structure
from structures.openings import requestable_areas

MODE_CHOICES = [(mode.value, label) for mode, label in areas.MODE_LABELS.items()]


class StructureSearchForm(MemberForm):
    q = forms.CharField(
        label=_("Identifiant (SIRET…) ou raison sociale exacte"),
        help_text=_(
            "Au moins 3 caractères pour une recherche sur l'identifiant ; la raison sociale doit être exacte."
        ),
        max_length=255,
    )


class LinkRequestForm(MemberForm):
    structures = IdsChoiceField(
        label=_("Structures"),
        queryset=Structure.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choisissez au moins une structure.")},
    )
    services = IdsChoiceField(
        label=_("Services (facultatif)"),
        queryset=Service.objects.filter(is_active=True, structure__is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class TransferForm(MemberForm):
    """ROL-3 steps 2 and 3: the structure, then the new main manager."""

    structure = FewRowsChoiceField(label=_("Structure"), queryset=Structure.objects.none())
    email = AccountField(
        label=_("Adresse de connexion du nouveau gestionnaire principal"), required=False
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        mine = Membership.objects.of(actor).main_managers().values("structure")
        self.fields["structure"].queryset = Structure.objects.filter(pk__in=mine).order_by(
            "company_name", "id"
        )

    def clean_email(self):
        user = self.cleaned_data.get("email")
        if user is not None and user.pk == self.actor.pk:
            raise ValidationError(_("Vous êtes déjà le gestionnaire principal."))
        return user


class SubscriptionRequestForm(MemberForm):
    """AREA-4: "Ajouter un abonnement": structure, area, mode."""

    structure = FewRowsChoiceField(label=_("Structure"), queryset=Structure.objects.none())
    area = forms.ChoiceField(label=_("Espace"), choices=())
    mode = forms.ChoiceField(label=_("Mode"), choices=MODE_CHOICES, initial=Mode.VIEW.value)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        mine = Membership.objects.of(actor).simple_users().values("structure")
        self.fields["structure"].queryset = Structure.objects.filter(
            pk__in=mine, is_active=True
        ).order_by("company_name", "id")
        self.fields["area"].choices = [(area.code, area.label) for area in requestable_areas()]


class SelfServiceForm(MemberForm):
    """AREA-2: add or remove ISSUED for oneself."""

    structure = FewRowsChoiceField(queryset=Structure.objects.none())
    action = forms.ChoiceField(choices=[("add", "add"), ("remove", "remove")])
    mode = forms.ChoiceField(choices=MODE_CHOICES, required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = access.member_structures(actor)
