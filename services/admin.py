"""Django admin for micro-wishes (staff and superusers only): read-only.

Status changes go through the portal's actions (lock, check, record), so the admin shows
wishes and their events without letting anyone edit them; the requester's name is shown
and the phone masked, never in full.
"""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ServiceRecord, Wish, WishEvent


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
