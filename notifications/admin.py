from django.contrib import admin

from notifications.models import Email


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    list_display = ("created_at", "to", "subject", "status", "attempts", "template")
    list_filter = ("status", "template", "language")
    search_fields = ("to", "subject", "dedup_key")
    date_hierarchy = "created_at"
    raw_id_fields = ("user", "structure")
    readonly_fields = [field.name for field in Email._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
