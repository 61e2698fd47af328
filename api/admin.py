"""Technical accounts and API connections in the admin (support desk: read and revoke)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from api.models import Connection, TechnicalAccount


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "structure",
        "environment",
        "usage",
        "contact_name",
        "contact_email",
        "contact_phone",
        "created_at",
        "revoked_at",
    )
    list_filter = ("environment", "usage")
    search_fields = ("name", "structure__identifier", "structure__company_name", "contact_email")
    readonly_fields = ("application", "created_at", "created_by")
    raw_id_fields = ("structure",)

    @admin.display(description=_("Adresse de contact"))
    def contact(self, account: TechnicalAccount) -> str:
        return account.user.contact_email


@admin.register(TechnicalAccount)
class TechnicalAccountAdmin(admin.ModelAdmin):
    list_display = ("user", "contact", "structure", "sequence", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("user__email", "structure__identifier")
    readonly_fields = ("user", "sequence", "created_at", "created_by", "password_set_at")
    raw_id_fields = ("structure",)
    list_select_related = ("user", "structure")

    @admin.display(description=_("Adresse de contact"))
    def contact(self, account: TechnicalAccount) -> str:
        return account.user.contact_email
