from django.contrib import admin

from commitments.models import Commitment, CommitmentInvoice


class CommitmentInvoiceInline(admin.TabularInline):
    model = CommitmentInvoice
    extra = 0
    raw_id_fields = ("invoice",)
    readonly_fields = ("linked_at",)


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "commitment_type",
        "recipient",
        "supplier",
        "amount_ht",
        "currency",
        "is_active",
        "supplier_answer",
    )
    list_filter = ("is_active", "commitment_type", "supplier_answer")
    search_fields = ("number", "supplier_identifier", "supplier__company_name")
    raw_id_fields = ("recipient", "supplier", "service", "created_by", "answered_by")
    list_select_related = ("recipient", "supplier")
    inlines = [CommitmentInvoiceInline]
