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
