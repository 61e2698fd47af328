from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from accounts import lockout
from accounts.models import User


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email",)


class UserChangeAdminForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    ordering = ["email"]
    list_display = ("email", "last_name", "first_name", "is_active", "is_staff", "is_technical")
    list_filter = ("is_active", "is_staff", "is_technical", "groups")
    search_fields = ("email", "last_name", "first_name", "contact_email")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Informations personnelles"),
            {"fields": ("last_name", "first_name", "phone", "contact_email", "language")},
        ),
        (_("Paramètres"), {"fields": ("notify_activity", "is_technical")}),
        (
            _("Droits"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (
            _("Connexions"),
            {"fields": ("last_login", "previous_login", "failed_logins", "locked_until")},
        ),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )

    actions = ["unlock"]

    def get_readonly_fields(self, request, obj=None):
        # ACC-1: the connection address is final once the account exists.
        readonly = ["last_login", "previous_login"]
        if not request.user.is_superuser:
            # The support desk helps users; it does not hand out staff rights.
            readonly += ["is_staff", "is_superuser", "groups", "user_permissions", "is_technical"]
        return [*readonly, "email"] if obj is not None else readonly

    @admin.action(description=_("Déverrouiller les comptes sélectionnés (ACC-6)"))
    def unlock(self, request, queryset):
        for user in queryset:
            lockout.clear_failed_logins(user)
        self.message_user(request, _("Comptes déverrouillés."))
