"""Django admin for the support desk (STR-9: public structures are created here).

Rights still go through `structures.access`:
- creating a public structure (or turning a structure public) opens RECEIVED on it, so it
  appears in the directory and can receive invoices (DIR-2, AREA-1); the action "Ouvrir
  l'espace Factures reçues" does the same on a selection;
- adding a membership (inline or on its own page) grants the default areas (AREA-1);
  deleting one revokes every subscription on that structure (LNK-5);
- opening / closing an area goes through `access.open_area` / `access.close_area` (AREA-9).
The manager actions history is read-only.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal import areas
from portal.areas import AreaCode
from structures import access
from structures.models import (
    BankAccount,
    LinkRequest,
    ManagerAction,
    Membership,
    OpenedArea,
    Service,
    Structure,
    SubscriptionRequest,
)
from structures.validators import validate_bic, validate_iban, validate_identifier


class SupportAccessMixin:
    """Structure has no Django model permissions (its permissions are the area
    subscriptions): the support desk (`access.is_support`) manages these tables.
    Deleting stays with superusers (structures are referenced by invoices)."""

    def has_module_permission(self, request):
        return access.is_support(request.user)

    def has_view_permission(self, request, obj=None):
        return access.is_support(request.user)

    def has_add_permission(self, request, *args):
        return access.is_support(request.user)

    def has_change_permission(self, request, obj=None):
        return access.is_support(request.user)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class StructureAdminForm(forms.ModelForm):
    class Meta:
        model = Structure
        # The admin passes the fields of `StructureAdmin.fieldsets`; these are the checked ones.
        fields = ("identifier_type", "identifier", "is_active")

    def clean(self):
        data = super().clean()
        identifier_type, identifier = data.get("identifier_type"), data.get("identifier")
        if identifier_type and identifier:
            try:
                data["identifier"] = identifier = validate_identifier(identifier_type, identifier)
            except ValidationError as exc:
                self.add_error("identifier", exc)
                return data
            # STR-5, with a readable message (the partial constraint's own is technical).
            if data.get("is_active", True):
                clash = Structure.objects.filter(
                    identifier_type=identifier_type, identifier=identifier, is_active=True
                ).exclude(pk=self.instance.pk)
                if clash.exists():
                    self.add_error(
                        "identifier", _("Une structure active porte déjà cet identifiant.")
                    )
        return data


class BankAccountAdminForm(forms.ModelForm):
    class Meta:
        model = BankAccount
        fields = ("label", "iban", "bic", "is_factor", "is_active")

    def clean_iban(self):
        return validate_iban(self.cleaned_data.get("iban"))

    def clean_bic(self):
        return validate_bic(self.cleaned_data.get("bic"))


class ServiceInline(SupportAccessMixin, admin.TabularInline):
    model = Service
    extra = 0
    fields = (
        "code",
        "name",
        "is_active",
        "valid_from",
        "valid_until",
        "engagement_required",
        "payment_status_managed",
    )
    show_change_link = True


class BankAccountInline(SupportAccessMixin, admin.TabularInline):
    model = BankAccount
    form = BankAccountAdminForm
    extra = 0
    fields = ("label", "iban", "bic", "is_factor", "is_active")


class MembershipInline(SupportAccessMixin, admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "role")
    autocomplete_fields = ("user",)

    def has_delete_permission(self, request, obj=None):
        return access.is_support(request.user)  # detaching revokes (LNK-5)


def _open_received(structure: Structure, user) -> None:
    if structure.is_public and structure.is_active:
        access.open_area(structure, AreaCode.RECEIVED, actor=user)


def _after_membership_saved(membership: Membership, user) -> None:
    access.grant_default_areas(membership.user, membership.structure, actor=user)


def _before_membership_deleted(membership: Membership) -> None:
    access.revoke_all(membership.user, membership.structure)


@admin.register(Structure)
class StructureAdmin(SupportAccessMixin, admin.ModelAdmin):
    form = StructureAdminForm
    list_display = (
        "identifier",
        "company_name",
        "identifier_type",
        "kind",
        "is_active",
        "postcode",
        "city",
    )
    list_filter = ("kind", "is_active", "identifier_type")
    search_fields = ("identifier", "company_name", "postcode", "city")
    readonly_fields = (
        "origin",
        "billing_mandate_accepted_at",
        "billing_mandate_accepted_by",
        "created_at",
    )
    inlines = (ServiceInline, BankAccountInline, MembershipInline)
    actions = ("open_received_area",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "identifier_type",
                    "identifier",
                    "company_name",
                    "kind",
                    "is_local_authority",
                    "is_active",
                )
            },
        ),
        (
            _("Adresse et contact"),
            {
                "fields": (
                    "street",
                    "address_complement",
                    "postcode",
                    "city",
                    "country",
                    "email",
                    "phone",
                )
            },
        ),
        (
            _("Identifiants complémentaires"),
            {"fields": ("rcs_number", "vat_number", "pacage_number")},
        ),
        (
            _("Paramètres de destinataire"),
            {
                "fields": (
                    "service_code_required",
                    "engagement_required",
                    "engagement_or_service_required",
                    "payment_status_not_reported",
                    "payment_delay_days",
                )
            },
        ),
        (
            _("Indicateurs"),
            {
                "fields": (
                    "is_moa",
                    "is_moa_only",
                    "edi_connection",
                    "receive_data_via_edi",
                    "is_delegated_validator",
                    "not_publishable_insee",
                )
            },
        ),
        (
            _("Historique"),
            {
                "fields": (
                    "origin",
                    "billing_mandate_accepted_at",
                    "billing_mandate_accepted_by",
                    "created_at",
                    "deactivated_at",
                )
            },
        ),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change or "kind" in form.changed_data or "is_active" in form.changed_data:
            _open_received(obj, request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for membership in formset.deleted_objects:
            _before_membership_deleted(membership)
            membership.delete()
        for membership in instances:
            membership.save()
            _after_membership_saved(membership, request.user)
        formset.save_m2m()
        return None

    @admin.action(description=_("Ouvrir l'espace Factures reçues (structures publiques)"))
    def open_received_area(self, request, queryset):
        count = 0
        for structure in queryset:
            if structure.is_public and structure.is_active:
                _open_received(structure, request.user)
                count += 1
        self.message_user(
            request,
            ngettext(
                "Espace Factures reçues ouvert sur %(count)d structure publique.",
                "Espace Factures reçues ouvert sur %(count)d structures publiques.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Service)
class ServiceAdmin(SupportAccessMixin, admin.ModelAdmin):
    list_display = ("code", "name", "structure", "is_active", "valid_from", "valid_until")
    list_filter = ("is_active",)
    search_fields = ("code", "name", "structure__identifier", "structure__company_name")
    list_select_related = ("structure",)
    autocomplete_fields = ("structure",)


@admin.register(Membership)
class MembershipAdmin(SupportAccessMixin, admin.ModelAdmin):
    list_display = ("user", "structure", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__email", "structure__identifier", "structure__company_name")
    list_select_related = ("user", "structure")
    autocomplete_fields = ("user", "structure")
    filter_horizontal = ("services",)

    def has_delete_permission(self, request, obj=None):
        return access.is_support(request.user)  # detaching revokes (LNK-5)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _after_membership_saved(obj, request.user)

    def delete_model(self, request, obj):
        _before_membership_deleted(obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user", "structure"):
            self.delete_model(request, membership)


class OpenedAreaAdminForm(forms.ModelForm):
    area = forms.ChoiceField(
        label=_("Espace"),
        choices=[(area.code, area.label) for area in areas.subscribable_areas()],
    )

    class Meta:
        model = OpenedArea
        fields = ("structure", "area")


@admin.register(OpenedArea)
class OpenedAreaAdmin(SupportAccessMixin, admin.ModelAdmin):
    form = OpenedAreaAdminForm
    list_display = ("structure", "area", "opened_at", "opened_by")
    list_filter = ("area",)
    search_fields = ("structure__identifier", "structure__company_name")
    list_select_related = ("structure", "opened_by")
    autocomplete_fields = ("structure",)

    def has_change_permission(self, request, obj=None):
        return False  # open or close; an opened area has nothing to edit

    def has_delete_permission(self, request, obj=None):
        return access.is_support(request.user)  # closing an area (AREA-9)

    def save_model(self, request, obj, form, change):
        opened = access.open_area(obj.structure, obj.area, actor=request.user)
        obj.pk = opened.pk

    def delete_model(self, request, obj):
        access.close_area(obj.structure, obj.area, actor=request.user)

    def delete_queryset(self, request, queryset):
        for opened in queryset.select_related("structure"):
            self.delete_model(request, opened)


class ReadOnlyAdmin(SupportAccessMixin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ManagerAction)
class ManagerActionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "structure", "action", "actor", "target_user", "details")
    list_filter = ("action",)
    search_fields = ("structure__identifier", "structure__company_name", "details")
    list_select_related = ("structure", "actor", "target_user")


# Link and subscription requests: shown to the support desk, decided only by managers in
# the portal.
@admin.register(LinkRequest, SubscriptionRequest)
class DecidedRequestAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "requester", "structure", "status")
    list_filter = ("status",)
    list_select_related = ("requester", "structure")
