from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dangjian import pickers
from dangjian.errors import PermissionDeniedError
from dangjian.forms import attach_errors
from dangjian.portal import refusals
from grids.grids import permissions, selectors
from grids.grids.views import READ_REFUSED, _grid_crumbs, _managed_grid
from grids.teams import actions
from grids.teams import selectors as teams_selectors
from grids.teams.forms import TeamEndForm, TeamMemberForm, grid_members, member_label


# ----------------------------------------------------------------------------- teams
@login_required
@refusals
def team_add(request, pk):
    user = request.user
    grid = _managed_grid(user, pk)
    form = TeamMemberForm(request.POST if request.method == "POST" else None, user=user, grid=grid)
    if form.is_bound and form.is_valid():
        try:
            assignment = actions.team_member_add(actor=user, grid=grid, **form.action_values())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已登记%(role)s：%(name)s。") % {
                "role": assignment.get_role_display(), "name": assignment.person_name})
            return redirect("grids:grid_detail", pk=grid.pk)
    crumbs = _grid_crumbs(user, grid, link_self=True) + [{"label": _("登记团队成员"), "url": None}]
    return render(request, "grids/team_form.html", {
        "form": form, "grid": grid, "crumbs": crumbs, "title": _("登记网格团队成员"),
    })


@refusals
def team_pick_members(request, pk):
    """Picker options of the team form: the grid's community's members (the form validates
    against the same queryset), for those who may manage the grid."""
    return pickers.picker_view(lambda r: grid_members(r.user, _managed_grid(r.user, pk)), label=member_label)(request)


@login_required
@refusals
def team_end(request, pk):
    user = request.user
    assignment = selectors.readable_or_refuse(
        teams_selectors.team_with_access(user).select_related("grid__community", "member", "user"), pk, READ_REFUSED
    )
    grid = assignment.grid
    if not permissions.can_manage_grid(user, grid):
        raise PermissionDeniedError(_("您的角色无权管理该网格。"))
    if assignment.ended_on is not None:
        messages.info(request, _("该任职已经结束。"))
        return redirect("grids:grid_detail", pk=grid.pk)
    form = TeamEndForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            actions.team_member_end(actor=user, assignment=assignment, ended_on=form.cleaned_data["ended_on"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("%(name)s 的%(role)s任职已结束，随任职授予的权限已收回。") % {
                "name": assignment.person_name, "role": assignment.get_role_display()})
            return redirect("grids:grid_detail", pk=grid.pk)
    crumbs = _grid_crumbs(user, grid, link_self=True) + [{"label": _("结束任职"), "url": None}]
    return render(request, "grids/team_form.html", {
        "form": form, "grid": grid, "assignment": assignment, "crumbs": crumbs, "title": _("结束任职"),
    })
