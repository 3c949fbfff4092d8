"""Admin for the cross-app audit trail: readable and searchable, never editable."""
from django.contrib import admin

from dangjian.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "verb", "target_type", "target_id", "target_repr")
    list_filter = ("verb", "target_type")
    search_fields = ("verb", "target_repr", "target_id", "actor__username")
    list_select_related = ("actor",)
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
