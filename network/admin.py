"""Django admin for the positions and the regional network (staff only, as Django does).
Personal data is shown masked; the ledgers that the portal's actions keep are read-only here."""
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
