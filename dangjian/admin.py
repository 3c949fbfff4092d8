"""Admin for the cross-app audit trail: readable and searchable, never editable."""

from django.contrib import admin
from mptt.admin import MPTTModelAdmin

from dangjian.audit import record
from dangjian.models import AuditEvent, Job, WorkerHeartbeat


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


class AuditedAdmin(admin.ModelAdmin):
    """Record every admin save and delete in the audit trail (verbs ``admin.<model>.*``)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = [name for name in form.changed_data if name not in self.secret_fields()]
        record(request.user, f"admin.{obj._meta.model_name}.{'update' if change else 'create'}", obj, {"fields": changed})

    def delete_model(self, request, obj):
        record(request.user, f"admin.{obj._meta.model_name}.delete", obj, {})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        """The changelist's "delete selected" action: one audit event per row, too."""
        for obj in queryset:
            record(request.user, f"admin.{obj._meta.model_name}.delete", obj, {})
        super().delete_queryset(request, queryset)

    def secret_fields(self):
        return ()


class AuditedTreeAdmin(AuditedAdmin, MPTTModelAdmin):
    mptt_level_indent = 20


class ReadOnlyAdmin(admin.ModelAdmin):
    """Logs are evidence: they can be read and searched, never written from the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    """The outbox: what was asked of the workers, and what became of it (failed jobs first to
    look at: ``state = failed`` with the reason)."""

    list_display = ("id", "task_name", "state", "attempts", "created_at", "sent_at", "started_at", "finished_at",
                    "last_error")
    list_filter = ("state", "task_name")
    search_fields = ("task_name", "dedupe_key")
    date_hierarchy = "created_at"


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ("worker", "seen_at")
