from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

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

    def get_readonly_fields(self, request, obj=None):
        # ACC-1: the connection address is final once the account exists.
        readonly = ["last_login", "previous_login"]
        return [*readonly, "email"] if obj is not None else readonly
