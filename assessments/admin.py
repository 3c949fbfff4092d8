"""Django admin for organizational life (staff only, as Django does).

Activity types and rule sets are configuration; a rule set is edited with its rules inline
(publishing a district's version through the portal page is the usual way, it copies the
rules in force).  Activities show their attendance inline.  Every admin change is written
to the audit trail, like the organizations admin.
"""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from organizations.admin import AuditedAdmin

from .actions import sync_service_records
from .models import Activity, ActivityAttachment, ActivityRule, ActivityType, Attendance, RuleSet


@admin.register(ActivityType)
class ActivityTypeAdmin(AuditedAdmin):
    list_display = ("name", "code", "quorum_basis", "counts_service", "default_service_hours", "has_steps", "sort_order")
    list_editable = ("sort_order",)
    search_fields = ("name", "code")


class ActivityRuleInline(admin.TabularInline):
    model = ActivityRule
    extra = 0
    fields = ("activity_type", "frequency", "min_count", "org_kinds", "org_categories")
    autocomplete_fields = ("activity_type",)


@admin.register(RuleSet)
class RuleSetAdmin(AuditedAdmin):
    list_display = ("name", "area", "version", "effective_from", "created_by", "created_at")
    list_filter = ("effective_from",)
    search_fields = ("name", "area__name")
    list_select_related = ("area", "created_by")
    autocomplete_fields = ("area",)
    readonly_fields = ("created_by", "created_at")
    inlines = [ActivityRuleInline]

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    fields = ("member", "status", "reason", "via", "signed_in_at")
    raw_id_fields = ("member",)


class AttachmentInline(admin.TabularInline):
    model = ActivityAttachment
    extra = 0
    fields = ("file", "original_name", "size", "uploaded_by", "uploaded_at")
    readonly_fields = ("size", "uploaded_by", "uploaded_at")


@admin.register(Activity)
class ActivityAdmin(AuditedAdmin):
    list_display = ("topic", "org", "activity_type", "starts_at", "place", "created_by")
    list_filter = ("activity_type", "starts_at")
    search_fields = ("topic", "org__name", "org__code")
    date_hierarchy = "starts_at"
    list_select_related = ("org", "activity_type", "created_by")
    autocomplete_fields = ("org",)
    readonly_fields = ("signin_token", "created_by", "created_at", "updated_at")
    inlines = [AttendanceInline, AttachmentInline]
    fieldsets = (
        (None, {"fields": ("org", "activity_type", "topic", "starts_at", "ends_at", "place", "step", "service_hours")}),
        (_("记录"), {"fields": ("minutes", "decisions")}),
        (_("系统"), {"fields": ("signin_token", "created_by", "created_at", "updated_at")}),
    )

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        sync_service_records(form.instance)  # fill once: attendance edited here is service time too
