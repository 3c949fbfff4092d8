"""Portal pages of the grids app: the community grid board, coverage with drill-down and
gap lists, grids (list, page, forms), grid teams, and the people's diary (民情日记).

Views are thin: reads go through ``grids.grids.selectors`` (scoped querysets, set-based
coverage), writes through ``grids.grids.actions``.  An object outside the user's subtree answers
404 like a missing one; a role that may not read or write it answers 403 with a Chinese
message; a refused write keeps the form with its field errors.  Every page runs a
constant number of queries whatever the number of rows.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian import portal
from dangjian.access import page_access
from dangjian.errors import PermissionDeniedError
from dangjian.forms import attach_errors
from dangjian.portal import int_param as _int_param
from dangjian.portal import paginate as _paginate
from dangjian.portal import refusals
from grids.coverage import permissions as coverage_permissions
from grids.coverage import selectors as coverage_selectors
from grids.diary import permissions as diary_permissions
from grids.diary import selectors as diary_selectors
from grids.grids import actions, permissions, selectors
from grids.grids.forms import CoverageForm, GridFilterForm, GridForm
from grids.teams import selectors as teams_selectors
from organizations.areas import selectors as areas_selectors
from organizations.areas.choices import AreaLevel
from organizations.areas.forms import CommunityPickForm

RECENT_DIARY = 10

READ_REFUSED = gettext_lazy("您的角色无权查看网格信息。")


# ----------------------------------------------------------------------------- helpers
def _require_reader(user):
    if not permissions.can_read_grids(user):
        raise PermissionDeniedError(str(READ_REFUSED))


def _visible_area(user, pk):
    return portal.get_visible_or_404(areas_selectors.areas_for(user).select_related("parent"), pk=pk)


def _grid_crumbs(user, grid, *, link_self=False):
    community = grid.community
    board = (
        reverse("grids:community_board", args=[community.pk])
        if coverage_permissions.can_read_area_coverage(user, community) else None
    )
    return [
        {"label": _("网格"), "url": reverse("grids:grid_list")},
        {"label": community.name, "url": board},
        {"label": grid.name, "url": reverse("grids:grid_detail", args=[grid.pk]) if link_self else None},
    ]


def _grid_for_view(user, pk):
    return selectors.readable_or_refuse(
        selectors.grids_with_access(user).select_related("community", "party_branch__secretary"), pk, READ_REFUSED
    )


def _managed_grid(user, pk):
    grid = _grid_for_view(user, pk)
    if not permissions.can_manage_grid(user, grid):
        raise PermissionDeniedError(_("您的角色无权管理该网格。"))
    return grid


def _places_for_template(form, own_grid=None):
    """The community's compounds with their buildings, for the grouped checkbox list, each
    with the grid that already covers it (other than ``own_grid``)."""
    selected = form.selected_ids()
    rows, current = [], None
    for place in form.fields["areas"].queryset:
        cover = getattr(place, "grid_cover", None)
        other = cover.grid if cover is not None and (own_grid is None or cover.grid_id != own_grid.pk) else None
        item = {"area": place, "checked": str(place.pk) in selected, "other_grid": other}
        if place.level == AreaLevel.COMPOUND:
            current = {**item, "buildings": []}
            rows.append(current)
        elif current is not None and place.parent_id == current["area"].pk:
            current["buildings"].append(item)
        else:  # a building directly under the community (楼宇)
            rows.append({**item, "buildings": []})
    return rows


# ----------------------------------------------------------------------------- grids
@page_access(permissions.can_read_grids, READ_REFUSED)
@refusals
def grid_list(request):
    user = request.user
    filters = GridFilterForm(request.GET or None)
    values = filters.filters()
    qs = selectors.grid_rows(user)
    if q := values.get("q"):
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
    if values.get("branch") == "yes":
        qs = qs.filter(party_branch__isnull=False)
    elif values.get("branch") == "no":
        qs = qs.filter(party_branch__isnull=True)
    community_filter = None
    if values.get("community"):
        qs = qs.filter(community_id=values["community"])
        community_filter = areas_selectors.areas_for(user).filter(pk=values["community"]).first()
    return render(request, "grids/grid_list.html", {
        "page_obj": _paginate(request, qs),
        "filters": filters,
        "community_filter": community_filter,
        "community_filter_id": values.get("community"),
        "can_create": permissions.can_manage_some_grids(user),
    })


@login_required
@refusals
def grid_detail(request, pk):
    user = request.user
    grid = _grid_for_view(user, pk)
    places = selectors.grid_places(grid)
    buildings = list(coverage_selectors.grid_buildings(grid))
    team = list(teams_selectors.grid_team(grid, include_ended=True))
    diary = list(
        diary_selectors.diary_for(user).filter(grid=grid).select_related("building", "author").order_by("-occurred_on", "-id")[:RECENT_DIARY]
    )
    households = sum(b.households for b in buildings)
    linked = sum(b.linked for b in buildings)
    return render(request, "grids/grid_detail.html", {
        "grid": grid,
        "crumbs": _grid_crumbs(user, grid),
        "places": places,
        "buildings": buildings,
        "figures": {
            "buildings": len(buildings),
            "buildings_with_group": sum(1 for b in buildings if b.has_group),
            "households": households,
            "households_covered": linked,
            "households_covered_rate": coverage_selectors._rate(linked, households),
        },
        "current_team": [t for t in team if t.ended_on is None],
        "past_team": [t for t in team if t.ended_on is not None],
        "diary": diary,
        "building_level": AreaLevel.BUILDING,
        "can_manage": permissions.can_manage_grid(user, grid),
        "can_write_diary": diary_permissions.can_write_diary(user, grid, places),
    })


@login_required
@refusals
def grid_create(request):
    user = request.user
    community_id = _int_param(request, "community")
    if community_id is None:
        if not permissions.can_manage_some_grids(user):
            raise PermissionDeniedError(_("您的角色无权新建网格。"))
        pick = CommunityPickForm.from_request(request)
        if pick.is_bound and pick.is_valid():
            return redirect(f"{reverse('grids:grid_create')}?community={pick.community.pk}")
        crumbs = [{"label": _("网格"), "url": reverse("grids:grid_list")}, {"label": _("新建网格"), "url": None}]
        return render(request, "grids/community_pick.html", {"form": pick, "crumbs": crumbs, "title": _("新建网格")})
    community = _visible_area(user, community_id)
    if community.level != AreaLevel.COMMUNITY:
        raise Http404
    if not permissions.can_manage_community(user, community):
        raise PermissionDeniedError(_("您的角色无权在该社区新建网格。"))
    initial = {}
    area_id = _int_param(request, "area")
    if area_id is not None:
        initial["areas"] = [area_id]
    form = GridForm(request.POST if request.method == "POST" else None, user=user, community=community, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            grid = actions.grid_create(
                actor=user, community=community, areas=list(form.cleaned_data["areas"]), **form.values(GridForm.FIELDS)
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已新建网格“%(name)s”。") % {"name": grid.name})
            return redirect("grids:grid_detail", pk=grid.pk)
    crumbs = [
        {"label": _("网格"), "url": reverse("grids:grid_list")},
        {"label": community.name, "url": reverse("grids:community_board", args=[community.pk])},
        {"label": _("新建网格"), "url": None},
    ]
    return render(request, "grids/grid_form.html", {
        "form": form, "community": community, "places": _places_for_template(form), "crumbs": crumbs,
        "title": _("新建网格"), "cancel_url": reverse("grids:community_board", args=[community.pk]),
    })


@login_required
@refusals
def grid_edit(request, pk):
    user = request.user
    grid = _managed_grid(user, pk)
    form = GridForm(request.POST if request.method == "POST" else None, user=user, community=grid.community,
                    instance=grid, with_places=False)
    if form.is_bound and form.is_valid():
        try:
            grid = actions.grid_update(actor=user, grid=grid, **form.values(GridForm.FIELDS))
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已保存网格“%(name)s”。") % {"name": grid.name})
            return redirect("grids:grid_detail", pk=grid.pk)
    crumbs = _grid_crumbs(user, grid, link_self=True) + [{"label": _("编辑"), "url": None}]
    return render(request, "grids/grid_form.html", {
        "form": form, "grid": grid, "community": grid.community, "places": None, "crumbs": crumbs, "title": _("编辑网格"),
        "cancel_url": reverse("grids:grid_detail", args=[grid.pk]),
    })


@login_required
@refusals
def grid_coverage_edit(request, pk):
    user = request.user
    grid = _managed_grid(user, pk)
    current = [a.pk for a in selectors.grid_places(grid)]
    form = CoverageForm(request.POST if request.method == "POST" else None, community=grid.community,
                        initial={"areas": current})
    if form.is_bound and form.is_valid():
        try:
            actions.grid_set_coverage(actor=user, grid=grid, areas=list(form.cleaned_data["areas"]))
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已更新网格“%(name)s”的覆盖范围。") % {"name": grid.name})
            return redirect("grids:grid_detail", pk=grid.pk)
    crumbs = _grid_crumbs(user, grid, link_self=True) + [{"label": _("覆盖范围"), "url": None}]
    return render(request, "grids/grid_coverage_form.html", {
        "form": form, "grid": grid, "places": _places_for_template(form, own_grid=grid), "crumbs": crumbs,
        "title": _("调整覆盖范围"),
    })
