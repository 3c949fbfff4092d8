"""Django admin for the positions and the regional network (staff only, as Django does).
Personal data is shown masked; the ledgers that the portal's actions keep are read-only here."""

# ------------------------------------------------- 区域化党建 (network.committees)
from django.contrib import admin  # noqa: E402

from dangjian.admin import ReadOnlyAdmin  # noqa: E402
from network.committees.models import (  # noqa: E402
    BranchPairing,
    CommitteeProblem,
    CommitteeProblemEvent,
    CommitteeSeat,
    JointCommittee,
    UnitCommitment,
)


class CommitteeSeatInline(admin.TabularInline):
    model = CommitteeSeat
    fields = ("unit", "department", "person_name", "person_post", "role", "since", "until")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(JointCommittee)
class JointCommitteeAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "area", "convener", "established_on", "active")
    list_filter = ("kind", "active")
    search_fields = ("name",)
    list_select_related = ("area", "convener")
    inlines = [CommitteeSeatInline]


class CommitteeProblemEventInline(admin.TabularInline):
    model = CommitteeProblemEvent
    fields = ("at", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CommitteeProblem)
class CommitteeProblemAdmin(ReadOnlyAdmin):
    list_display = ("title", "committee", "status", "whistle", "created_at", "settled_at")
    list_filter = ("status",)
    search_fields = ("title",)
    list_select_related = ("committee", "whistle")
    inlines = [CommitteeProblemEventInline]


@admin.register(UnitCommitment)
class UnitCommitmentAdmin(ReadOnlyAdmin):
    list_display = ("committee", "seat", "year", "kind", "content", "amount", "fulfilled_on")
    list_filter = ("year", "kind")
    search_fields = ("content",)
    list_select_related = ("committee", "seat__unit", "seat__department")


@admin.register(BranchPairing)
class BranchPairingAdmin(ReadOnlyAdmin):
    list_display = ("organ_branch", "compound_branch", "since", "until")
    search_fields = ("organ_branch__name", "compound_branch__name")
    list_select_related = ("organ_branch", "compound_branch")
