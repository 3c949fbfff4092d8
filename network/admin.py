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
from django.contrib import admin  # noqa: E402

from dangjian.admin import AuditedAdmin, ReadOnlyAdmin  # noqa: E402

# ---------------------------------------------------------------- 项目化服务 (projects)
# Project books and brands are edited through the portal's actions (scope, units of the
# community, budget not below its spending); the admin shows them and their links read-only.
from network.projects.models import (  # noqa: E402
    ProjectActivity,
    ProjectEvent,
    ProjectRequest,
    ProjectWish,
    ServiceBrand,
    ServiceProject,
)


@admin.register(ServiceBrand)
class ServiceBrandAdmin(AuditedAdmin):
    list_display = ("name", "area", "created_at")
    list_select_related = ("area",)
    search_fields = ("name", "area__name")
    raw_id_fields = ("area",)
    readonly_fields = ("created_by", "created_at")


@admin.register(ServiceProject)
class ServiceProjectAdmin(ReadOnlyAdmin):
    list_display = ("title", "area", "owner_org", "brand", "budget", "starts_on", "ends_on", "status")
    list_filter = ("status", "served_group")
    list_select_related = ("area", "owner_org", "brand")
    search_fields = ("title", "area__name", "owner_org__name")


@admin.register(ProjectEvent)
class ProjectEventAdmin(ReadOnlyAdmin):
    list_display = ("project", "from_status", "to_status", "actor", "at")
    list_select_related = ("project", "actor")


@admin.register(ProjectActivity)
class ProjectActivityAdmin(ReadOnlyAdmin):
    list_display = ("project", "activity", "linked_by", "linked_at")
    list_select_related = ("project", "activity", "linked_by")


@admin.register(ProjectWish)
class ProjectWishAdmin(ReadOnlyAdmin):
    list_display = ("project", "wish_id", "linked_by", "linked_at")
    list_select_related = ("project", "linked_by")


@admin.register(ProjectRequest)
class ProjectRequestAdmin(ReadOnlyAdmin):
    list_display = ("project", "request_id", "linked_by", "linked_at")
    list_select_related = ("project", "linked_by")


# ------------------------------------------------------------------------ 经费 (funds)
# Allocations and spending are money: written only through the portal's actions (the balance
# locked and never below zero), so the admin reads them.
from network.funds.models import FundAllocation, FundSpending  # noqa: E402


@admin.register(FundAllocation)
class FundAllocationAdmin(ReadOnlyAdmin):
    list_display = ("year", "purpose", "org", "area", "amount", "spent", "source")
    list_filter = ("year", "purpose")
    list_select_related = ("org", "area")
    search_fields = ("org__name", "area__name")


@admin.register(FundSpending)
class FundSpendingAdmin(ReadOnlyAdmin):
    list_display = ("allocation", "spent_on", "category", "amount", "project", "recorded_by")
    list_filter = ("category",)
    list_select_related = ("allocation", "project", "recorded_by")
    date_hierarchy = "spent_on"
