"""Django admin for the positions and the regional network (staff only, as Django does).
Personal data is shown masked; the ledgers that the portal's actions keep are read-only here."""
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
