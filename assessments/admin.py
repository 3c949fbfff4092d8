"""Django admin for organizational life and assessments (staff only, as Django does).

Rubrics are versioned configuration edited here with their indicators inline (a change of
weights is a new version: copy the rubric with a higher version).  Checklists, scores,
runs and rollups are read-only: the portal's actions and the scoring jobs own them.

Activity types and rule sets are configuration; a rule set is edited with its rules inline
(publishing a district's version through the portal page is the usual way, it copies the
rules in force).  Activities show their attendance inline.  Every admin change is written
to the audit trail, like the organizations admin.
"""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from assessments.appraisal.models import Appraisal, AppraisalEvent, AppraisalGrade
from assessments.checklists.models import Checklist, ChecklistEvent, ChecklistItem
from assessments.dashboard.models import AreaRollup
from assessments.life.actions import sync_member_figures
from assessments.life.models import Activity, ActivityAttachment, ActivityRule, ActivityType, Attendance, RuleSet
from assessments.scoring.models import Indicator, ManualScore, Rubric, Score, ScoreLine, ScoringRun
from dangjian.admin import AuditedAdmin


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
        sync_member_figures(form.instance)  # fill once: attendance edited here is service time too


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable, never edited here (the portal's actions and the scoring jobs own every change)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return request.method in ("GET", "HEAD") and super().has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ("sort_order", "code", "name", "group", "source", "max_points", "params", "guidance")


@admin.register(Rubric)
class RubricAdmin(AuditedAdmin):
    list_display = ("name", "code", "version", "subject_kind", "area_level", "org_category", "effective_from", "is_active",
                    "star_method")
    list_filter = ("subject_kind", "is_active", "star_method")
    search_fields = ("name", "code")
    inlines = [IndicatorInline]


class ChecklistItemInline(ReadOnlyInline):
    model = ChecklistItem
    fields = ("kind", "title", "owner", "due_on", "status", "source", "problem", "figure", "target", "progress",
              "computed_at", "completed_at", "closed_at")
    readonly_fields = fields


class ChecklistEventInline(ReadOnlyInline):
    model = ChecklistEvent
    fields = ("at", "action", "item", "from_status", "to_status", "actor", "note")
    readonly_fields = fields


@admin.register(Checklist)
class ChecklistAdmin(ReadOnlyAdmin):
    list_display = ("org", "year", "status", "approved_at", "appraisal")
    list_filter = ("year", "status", "appraisal")
    search_fields = ("org__name", "org__code")
    list_select_related = ("org",)
    inlines = [ChecklistItemInline, ChecklistEventInline]


@admin.register(ScoringRun)
class ScoringRunAdmin(ReadOnlyAdmin):
    list_display = ("rubric", "period_key", "state", "done_steps", "total_steps", "subjects", "started_at", "finished_at",
                    "attempts")
    list_filter = ("state", "period_kind")
    list_select_related = ("rubric",)


class ScoreLineInline(ReadOnlyInline):
    model = ScoreLine
    fields = ("indicator", "value", "points", "max_points", "explanation")
    readonly_fields = fields


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = ("rubric", "period_key", "area", "org", "total", "max_total", "stars", "rank", "rank_of")
    list_filter = ("rubric", "period_key", "stars")
    search_fields = ("area__name", "org__name")
    list_select_related = ("rubric", "area", "org")
    inlines = [ScoreLineInline]


@admin.register(ManualScore)
class ManualScoreAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "period_key", "area", "points", "reviewer", "reviewed_at")
    list_select_related = ("indicator", "area", "reviewer")


@admin.register(AreaRollup)
class AreaRollupAdmin(ReadOnlyAdmin):
    list_display = ("area", "period_key", "computed_at")
    list_filter = ("period_key",)
    search_fields = ("area__name",)
    list_select_related = ("area",)


# ------------------------------------------------------------- 民主评议党员 (appraisal)
class AppraisalGradeInline(ReadOnlyInline):
    model = AppraisalGrade
    fields = ("member", "grade", "note", "graded_by", "graded_at")
    readonly_fields = fields


class AppraisalEventInline(ReadOnlyInline):
    model = AppraisalEvent
    fields = ("at", "action", "from_status", "to_status", "actor", "note")
    readonly_fields = fields


@admin.register(Appraisal)
class AppraisalAdmin(ReadOnlyAdmin):
    """Read-only: grades follow the rules only through the portal's actions."""

    list_display = ("org", "year", "status", "activity", "confirmed_at", "approved_at")
    list_filter = ("year", "status")
    search_fields = ("org__name", "org__code")
    list_select_related = ("org", "activity")
    raw_id_fields = ("org", "activity")
    inlines = [AppraisalGradeInline, AppraisalEventInline]
