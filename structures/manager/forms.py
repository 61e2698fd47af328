"""Forms of Manager activities: input checks only; the rules live in `structures.requests`,
`memberships` and `openings`."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.areas import Mode
from structures import access
from structures.core.forms import AccountField, IdsChoiceField, MemberForm
from structures.enums import Role
from structures.models import Membership, Service, Structure
from structures.openings import requestable_areas


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


class AttachForm(MemberForm):
    """LNK-3: attach an existing account to several managed structures at once."""

    # A plain address: whether an account uses it is not told (issue 9, no enumeration).
    email = forms.EmailField(label=_("Adresse de connexion de l'utilisateur"))
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


class DuplicateRightsForm(MemberForm):
    """LNK-4: from one user to another, on the structures the manager manages."""

    source_email = forms.EmailField(label=_("Utilisateur dont les droits sont copiés"))
    target_email = AccountField(label=_("Utilisateur qui reçoit les droits"))

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
