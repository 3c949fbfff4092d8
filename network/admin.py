"""Django admin for the positions and the regional network (staff only, as Django does).
Personal data is shown masked; the ledgers that the portal's actions keep are read-only here."""

# --------------------------------------------------------- 党群服务中心/站 (network.centres)
from django.contrib import admin  # noqa: E402

from network.centres.models import FloorAreaStandard, ServiceCentre  # noqa: E402


@admin.register(ServiceCentre)
class ServiceCentreAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "area", "floor_area", "runner", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("name", "address")
    raw_id_fields = ("area", "runner", "created_by")
    readonly_fields = ("created_at", "updated_at")


@admin.register(FloorAreaStandard)
class FloorAreaStandardAdmin(admin.ModelAdmin):
    """The localities' floor-area standards are data: kept here by the organization department."""

    list_display = ("area", "level", "min_floor_area", "source")
    list_filter = ("level",)
    raw_id_fields = ("area",)

# ------------------------------------------------------ 示范点与星级 (network.designations)
from network.designations.models import Designation  # noqa: E402


@admin.register(Designation)
class DesignationAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "stars", "place", "granted_on", "valid_until", "revoked_on")
    list_filter = ("kind", "stars")
    raw_id_fields = ("org", "area", "centre", "place", "granting_area", "revoked_by", "created_by")
    readonly_fields = ("created_at",)
from django.contrib import admin  # noqa: E402

from network.instructors.models import Instructor, InstructorAssignment, InstructorVisit  # noqa: E402


# ------------------------------------------------------------------ 党建指导员 (network.instructors)
@admin.register(Instructor)
class InstructorAdmin(admin.ModelAdmin):
    list_display = ("name", "source", "area", "appointed_on", "active", "phone_masked")
    list_filter = ("source", "active")
    search_fields = ("name",)
    raw_id_fields = ("member", "area")
    exclude = ("phone",)
    readonly_fields = ("phone_masked",)


@admin.register(InstructorAssignment)
class InstructorAssignmentAdmin(admin.ModelAdmin):
    list_display = ("instructor", "unit", "started_on", "ended_on", "last_visit_on")
    raw_id_fields = ("instructor", "unit")
    readonly_fields = ("last_visit_on",)


@admin.register(InstructorVisit)
class InstructorVisitAdmin(admin.ModelAdmin):
    list_display = ("assignment", "visited_on", "kind")
    list_filter = ("kind",)
    raw_id_fields = ("assignment", "recorded_by")
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
