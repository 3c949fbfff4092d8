"""Django admin for grids and the people's diary (staff and superusers only).

Coverage edited here goes through the same conflict check as the portal
(``grids.grids.actions.check_coverage``) and the team's grants are brought in step afterwards.
Team assignments are read-only here: adding and ending them grants and revokes access,
which only the portal's actions do (so the grants can never drift from the team).
Every change is written to the audit trail.
"""
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dangjian.admin import AuditedAdmin
from grids.diary.models import DiaryEntry
from grids.grids.actions import _sync_team_grants, check_coverage
from grids.grids.models import Grid, GridArea
from grids.teams.models import GridTeamMember


class CoverageFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        areas = [
            form.cleaned_data["area"] for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("area")
        ]
        community = self.instance.community if self.instance.community_id else None
        if community is None:
            return
        try:
            check_coverage(self.instance if self.instance.pk else None, community, areas)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc


class GridAreaInline(admin.TabularInline):
    model = GridArea
    formset = CoverageFormSet
    extra = 0
    autocomplete_fields = ("area",)
    verbose_name = _("覆盖区域")
    verbose_name_plural = _("覆盖的小区或楼栋")


class TeamInline(admin.TabularInline):
    model = GridTeamMember
    extra = 0
    fields = ("role", "member", "user", "display_name", "started_on", "ended_on")
    readonly_fields = fields
    can_delete = False
    show_change_link = False
    verbose_name_plural = _("网格团队（请在门户的网格页面登记或结束任职，以便同步授权）")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Grid)
class GridAdmin(AuditedAdmin):
    list_display = ("name", "code", "community", "party_branch", "created_at")
    search_fields = ("name", "code", "community__name")
    list_select_related = ("community", "party_branch")
    autocomplete_fields = ("community", "party_branch")
    readonly_fields = ("created_at",)
    inlines = (GridAreaInline, TeamInline)

    def save_related(self, request, form, formsets, change):
        before = set(GridArea.objects.filter(grid=form.instance).values_list("area_id", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(GridArea.objects.filter(grid=form.instance).values_list("area_id", flat=True))
        if before != after:
            _sync_team_grants(form.instance, added=after - before, removed=before - after)


@admin.register(DiaryEntry)
class DiaryEntryAdmin(AuditedAdmin):
    list_display = ("occurred_on", "grid", "kind", "category", "status", "building", "author")
    list_filter = ("kind", "category", "status")
    search_fields = ("grid__name", "grid__code", "text", "household")
    list_select_related = ("grid", "building", "author")
    autocomplete_fields = ("grid", "building")
    readonly_fields = ("author", "created_at", "converted_at", "status", "converted_to", "converted_id")
    date_hierarchy = "occurred_on"
