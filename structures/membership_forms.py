"""Forms of the members side: input checks only; the rules live in membership_services."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from portal import areas
from portal.areas import Mode
from portal.middleware import MAX_ID
from structures import access
from structures.enums import Role
from structures.membership_services import (
    find_active_account,
    requestable_areas,
)
from structures.models import Membership, Service, Structure

MODE_CHOICES = [(mode.value, label) for mode, label in areas.MODE_LABELS.items()]


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


class DecisionForm(MemberForm):
    decision = forms.ChoiceField(
        label=_("Décision"), choices=[("approve", _("Valider")), ("refuse", _("Refuser"))]
    )
    comment = forms.CharField(
        label=_("Commentaire"), required=False, max_length=1000, widget=forms.Textarea({"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Indiquez le motif du refus."))
        return data

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == "approve"


class _AccountField(forms.EmailField):
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


class AttachForm(MemberForm):
    """LNK-3: attach an existing account to several managed structures at once."""

    email = _AccountField(label=_("Adresse de connexion de l'utilisateur"))
    structures = IdsChoiceField(
        label=_("Structures"),
        queryset=Structure.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choisissez au moins une structure.")},
    )
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=[
            (Role.USER.value, Role.USER.label),
            (Role.SECONDARY_MANAGER.value, Role.SECONDARY_MANAGER.label),
        ],
        initial=Role.USER.value,
    )
    services = IdsChoiceField(
        label=_("Services (facultatif)"),
        queryset=Service.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        managed = access.managed_structures(actor).filter(is_active=True)
        self.fields["structures"].queryset = managed.order_by("company_name", "id")
        self.fields["services"].queryset = (
            Service.objects.filter(structure__in=managed.values("pk"), is_active=True)
            .select_related("structure")
            .order_by("structure__company_name", "code")
        )
        self.fields["services"].label_from_instance = lambda s: (
            f"{s.structure.company_name} — {s.code} — {s.name}"
        )


class MemberServicesForm(MemberForm):
    services = IdsChoiceField(
        label=_("Services"),
        queryset=Service.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucun service coché : l'utilisateur est rattaché à toute la structure."),
    )

    def __init__(self, *args, structure, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = structure.services.order_by("code")


class TransferForm(MemberForm):
    """ROL-3 steps 2 and 3: the structure, then the new main manager."""

    structure = forms.ModelChoiceField(label=_("Structure"), queryset=Structure.objects.none())
    email = _AccountField(
        label=_("Adresse de connexion du nouveau gestionnaire principal"), required=False
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["structure"].queryset = Structure.objects.filter(
            memberships__user=actor, memberships__role=Role.MAIN_MANAGER
        ).order_by("company_name", "id")

    def clean_email(self):
        user = self.cleaned_data.get("email")
        if user is not None and user.pk == self.actor.pk:
            raise ValidationError(_("Vous êtes déjà le gestionnaire principal."))
        return user


class DuplicateRightsForm(MemberForm):
    """LNK-4: from one user to another, on the structures the manager manages."""

    source_email = forms.EmailField(label=_("Utilisateur dont les droits sont copiés"))
    target_email = _AccountField(label=_("Utilisateur qui reçoit les droits"))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor

    def clean_source_email(self):
        email = self.cleaned_data["source_email"]
        managed = access.managed_structures(self.actor).values("pk")
        membership = (
            Membership.objects.filter(user__email__iexact=email, structure__in=managed)
            .select_related("user")
            .first()
        )
        if membership is None:
            raise ValidationError(
                _("Cet utilisateur n'est rattaché à aucune des structures que vous gérez.")
            )
        return membership.user


class SubscriptionRequestForm(MemberForm):
    """AREA-4: "Ajouter un abonnement": structure, area, mode."""

    structure = forms.ModelChoiceField(label=_("Structure"), queryset=Structure.objects.none())
    area = forms.ChoiceField(label=_("Espace"), choices=())
    mode = forms.ChoiceField(label=_("Mode"), choices=MODE_CHOICES, initial=Mode.VIEW.value)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = Structure.objects.filter(
            memberships__user=actor, memberships__role=Role.USER, is_active=True
        ).order_by("company_name", "id")
        self.fields["area"].choices = [(area.code, area.label) for area in requestable_areas()]


class SelfServiceForm(MemberForm):
    """AREA-2: add or remove ISSUED for oneself."""

    structure = forms.ModelChoiceField(queryset=Structure.objects.none())
    action = forms.ChoiceField(choices=[("add", "add"), ("remove", "remove")])
    mode = forms.ChoiceField(choices=MODE_CHOICES, required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = access.member_structures(actor)


class AreaForm(MemberForm):
    area = forms.ChoiceField(choices=())
    action = forms.ChoiceField(choices=[("open", "open"), ("close", "close")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(area.code, area.label) for area in requestable_areas()]


def parse_subscription_grid(data, user_ids, codes) -> dict[int, dict[str, str | None]]:
    """The bulk screen's posted cells `sub-<user_id>-<code>` = "" | "view" | "change"."""
    grid: dict[int, dict[str, str | None]] = {}
    valid_modes = {mode.value for mode in Mode}
    for user_id in user_ids:
        row = {}
        for code in codes:
            value = (data.get(f"sub-{user_id}-{code}") or "").strip()
            if value and value not in valid_modes:
                raise ValidationError(_("Mode inconnu."))
            row[code] = value or None
        grid[user_id] = row
    return grid
