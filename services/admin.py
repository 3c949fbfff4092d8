"""Django admin of the services app (staff and superusers only).

Workflow objects (wishes, requests, whistles) are read-only here: status changes go through
the portal's actions (lock, check, record), so the admin shows them and their events without
letting anyone edit them; a requester's name is shown and the phone masked, never in full.
Configuration (request categories with their time limits, departments and their answering
accounts, volunteer teams, Open311 keys) is edited here, audited like the organizations admin.
"""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from dangjian.admin import AuditedAdmin
from services.checkins.models import CoBuildAgreement, MemberReport
from services.ledger.models import ServiceRecord
from services.open311.models import Open311Key
from services.requests.models import RequestCategory, RequestEvent, ServiceRequest, VolunteerTeam
from services.whistles.models import Department, Responder, Whistle, WhistleEvent, WhistleTarget
from services.wishes.models import Wish, WishEvent


class WishEventInline(admin.TabularInline):
    model = WishEvent
    fields = ("at", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("at", "id")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Wish)
class WishAdmin(admin.ModelAdmin):
    list_display = ("code", "community", "kind", "status", "created_at", "fulfilled_at", "rating")
    list_filter = ("status", "kind", "rating")
    search_fields = ("code",)
    list_select_related = ("community",)
    date_hierarchy = "created_at"
    inlines = [WishEventInline]
    fields = (
        "code", "community", "building", "address", "requester", "phone_masked", "kind", "text", "status",
        "reject_reason", "cancel_reason", "published_at", "claimed_member", "claimed_org", "claimed_at",
        "fulfilled_at", "fulfil_note", "rating", "rating_comment", "rated_at", "created_at",
    )
    readonly_fields = fields

    @admin.display(description=_("心愿人"))
    def requester(self, obj):
        return obj.requester_name

    @admin.display(description=_("联系电话（脱敏）"))
    def phone_masked(self, obj):
        return obj.requester_phone_masked

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return request.method in ("GET", "HEAD") and super().has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ServiceRecord)
class ServiceRecordAdmin(admin.ModelAdmin):
    list_display = ("member", "source", "source_id", "hours", "occurred_on")
    list_filter = ("source",)
    list_select_related = ("member",)
    readonly_fields = ("member", "source", "source_id", "hours", "occurred_on", "note", "created_at")
    search_fields = ("member__name",)

    def has_add_permission(self, request):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable, never edited here (the portal's actions own every change)."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.concrete_fields] + list(self.extra_readonly)

    extra_readonly = ()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return request.method in ("GET", "HEAD") and super().has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


class RequestEventInline(WishEventInline):
    model = RequestEvent


@admin.register(RequestCategory)
class RequestCategoryAdmin(AuditedAdmin):
    list_display = ("name", "code", "response_minutes", "resolve_minutes", "is_active", "sort_order")
    list_editable = ("is_active", "sort_order")
    search_fields = ("name", "code")


@admin.register(ServiceRequest)
class ServiceRequestAdmin(ReadOnlyAdmin):
    list_display = ("code", "community", "category", "status", "created_at", "resolve_due", "resolved_at", "rating")
    list_filter = ("status", "category", "source", "rating")
    search_fields = ("code",)
    list_select_related = ("community", "category")
    date_hierarchy = "created_at"
    inlines = [RequestEventInline]
    exclude = ("requester_name", "requester_phone", "requester_phone_hash")
    extra_readonly = ("phone_masked",)

    @admin.display(description=_("联系电话（脱敏）"))
    def phone_masked(self, obj):
        return obj.requester_phone_masked

    def get_readonly_fields(self, request, obj=None):
        hidden = set(self.exclude)
        return [f.name for f in self.model._meta.concrete_fields if f.name not in hidden] + list(self.extra_readonly)


@admin.register(VolunteerTeam)
class VolunteerTeamAdmin(AuditedAdmin):
    list_display = ("name", "community", "leader", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "community__name")
    list_select_related = ("community", "leader")
    autocomplete_fields = ("community", "leader", "members")


@admin.register(Open311Key)
class Open311KeyAdmin(AuditedAdmin):
    """Keys are stored as a keyed hash only; create one with ``manage.py open311_key``."""

    list_display = ("name", "is_active", "created_at")
    readonly_fields = ("key_hash", "created_at")

    def has_add_permission(self, request):
        return False

    def secret_fields(self):
        return ("key_hash",)


class ResponderInline(admin.TabularInline):
    model = Responder
    fields = ("user",)
    autocomplete_fields = ("user",)
    extra = 0


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ("name", "area", "phone", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "area__name")
    list_select_related = ("area",)
    autocomplete_fields = ("area",)
    inlines = [ResponderInline]


@admin.register(Responder)
class ResponderAdmin(AuditedAdmin):
    list_display = ("user", "department", "unit")
    search_fields = ("user__username", "department__name", "unit__name")
    list_select_related = ("user", "department", "unit")
    autocomplete_fields = ("user", "department", "unit")


class WhistleTargetInline(admin.TabularInline):
    model = WhistleTarget
    fields = ("department", "unit", "status", "reported_at", "resolved_at", "confirmed_at", "satisfaction", "escalation_stage")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class WhistleEventInline(WishEventInline):
    model = WhistleEvent
    fields = ("at", "target", "from_status", "to_status", "actor", "note")
    readonly_fields = fields


@admin.register(Whistle)
class WhistleAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "area", "status", "report_due", "resolve_due", "escalated_to", "escalation_level")
    list_filter = ("status", "source", "escalation_level")
    search_fields = ("code", "title")
    list_select_related = ("area", "escalated_to")
    date_hierarchy = "created_at"
    inlines = [WhistleTargetInline, WhistleEventInline]


@admin.register(CoBuildAgreement)
class CoBuildAgreementAdmin(ReadOnlyAdmin):
    list_display = ("title", "org", "community", "starts_on", "ends_on", "status")
    list_filter = ("status",)
    search_fields = ("title", "org__name", "community__name")
    list_select_related = ("org", "community")


@admin.register(MemberReport)
class MemberReportAdmin(ReadOnlyAdmin):
    list_display = ("member", "community", "reported_on", "valid_until")
    search_fields = ("member__name", "community__name")
    list_select_related = ("member", "community")
    date_hierarchy = "reported_on"


# ------------------------------------------------------------------ 居民议事 (services.deliberation)
from services.deliberation.models import MeetingRule, Topic, TopicEvent  # noqa: E402


@admin.register(MeetingRule)
class MeetingRuleAdmin(AuditedAdmin):
    list_display = ("name", "kind", "voters", "quorum_kind", "quorum_share", "quorum_count", "majority", "is_active",
                    "sort_order")
    list_editable = ("is_active", "sort_order")
    search_fields = ("name",)


class TopicEventInline(WishEventInline):
    model = TopicEvent


@admin.register(Topic)
class TopicAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "community", "status", "source", "created_at", "decided_at", "done_at")
    list_filter = ("status", "source", "work_kind")
    search_fields = ("code", "title", "question")
    list_select_related = ("community",)
    date_hierarchy = "created_at"
    inlines = [TopicEventInline]
    exclude = ("proposer_name", "proposer_phone", "proposer_phone_hash")
    extra_readonly = ("phone_masked",)

    @admin.display(description=_("提议人电话（脱敏）"))
    def phone_masked(self, obj):
        return obj.proposer_phone_masked

    def get_readonly_fields(self, request, obj=None):
        hidden = set(self.exclude)
        return [f.name for f in self.model._meta.concrete_fields if f.name not in hidden] + list(self.extra_readonly)
