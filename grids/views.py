"""Portal pages of the grids app: the community grid board, coverage with drill-down and
gap lists, grids (list, page, forms), grid teams, and the people's diary (民情日记).

Views are thin: reads go through ``grids.selectors`` (scoped querysets, set-based
coverage), writes through ``grids.actions``.  An object outside the user's subtree answers
404 like a missing one; a role that may not read or write it answers 403 with a Chinese
message; a refused write keeps the form with its field errors.  Every page runs a
constant number of queries whatever the number of rows.
"""
import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dangjian import portal
from dangjian.errors import PermissionDeniedError
from dangjian.forms import attach_errors
from dangjian.portal import int_param as _int_param
from dangjian.portal import paginate as _paginate
from dangjian.portal import refusals
from grids import actions, permissions, selectors
from grids.choices import DiaryStatus
from grids.forms import (
    CommunityPickForm,
    CoverageForm,
    DiaryConvertForm,
    DiaryFilterForm,
    DiaryForm,
    DiaryResolveForm,
    GridFilterForm,
    GridForm,
    TeamEndForm,
    TeamMemberForm,
)
from organizations.areas import selectors as org_selectors
from organizations.areas.choices import AreaLevel

RECENT_DIARY = 10

READ_REFUSED = gettext_lazy("您的角色无权查看网格信息。")


# ----------------------------------------------------------------------------- helpers
def _require_reader(user):
    if not permissions.can_read_grids(user):
        raise PermissionDeniedError(str(READ_REFUSED))


def _visible_area(user, pk):
    return portal.get_visible_or_404(org_selectors.areas_for(user).select_related("parent"), pk=pk)


def _area_crumbs(user, area, *, view="grids:coverage", link_self=False, ancestors=None):
    """Ancestors the user may read coverage of are links to their coverage page (``ancestors``,
    root first, when the caller has them already)."""
    ancestors = list(area.get_ancestors()) if ancestors is None else ancestors
    crumbs = [{"label": _("网格覆盖"), "url": reverse("grids:coverage_index")}]
    for a in ancestors:
        url = reverse("grids:coverage", args=[a.pk]) if permissions.can_read_area_coverage(user, a) else None
        crumbs.append({"label": a.name, "url": url})
    crumbs.append({"label": area.name, "url": reverse(view, args=[area.pk]) if link_self else None})
    return crumbs


def _grid_crumbs(user, grid, *, link_self=False):
    community = grid.community
    board = (
        reverse("grids:community_board", args=[community.pk])
        if permissions.can_read_area_coverage(user, community) else None
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


# ------------------------------------------------------------------------- coverage
@login_required
@refusals
def coverage_index(request):
    user = request.user
    _require_reader(user)
    for area in org_selectors.top_areas_for(user):
        if permissions.can_read_area_coverage(user, area):
            return redirect("grids:coverage", pk=area.pk)
    raise PermissionDeniedError(str(READ_REFUSED))


def _coverage_area(user, pk):
    area = _visible_area(user, pk)
    if not permissions.can_read_area_coverage(user, area):
        raise PermissionDeniedError(_("您的角色无权查看该区域的网格覆盖情况。"))
    return area


@login_required
@refusals
def coverage(request, pk):
    user = request.user
    area = _coverage_area(user, pk)
    report = selectors.coverage_report(area)  # figures, children and gap lists: three queries in all
    return render(request, "grids/coverage.html", {
        "area": area,
        "crumbs": _area_crumbs(user, area, ancestors=report.ancestors),
        "figures": report.figures,
        "children": report.children,
        "gaps": report.gaps,
        "is_community": area.level == AreaLevel.COMMUNITY,
        "community_level": AreaLevel.COMMUNITY,
        "can_manage_gaps": permissions.can_manage_community(user, area),
    })


GAP_TITLES = {
    "compounds_without_grid": gettext_lazy("未划入网格的小区"),
    "grids_without_branch": gettext_lazy("未建党支部的网格"),
    "compounds_without_branch": gettext_lazy("未建党支部的小区"),
    "buildings_without_group": gettext_lazy("未建党小组的楼栋"),
}


@login_required
@refusals
def coverage_gaps(request, pk, kind):
    user = request.user
    if kind not in selectors.GAP_KINDS:
        raise Http404
    area = _coverage_area(user, pk)
    page_obj = _paginate(request, selectors.GAP_KINDS[kind](area))
    crumbs = _area_crumbs(user, area, link_self=True) + [{"label": GAP_TITLES[kind], "url": None}]
    return render(request, "grids/coverage_gaps.html", {
        "area": area, "kind": kind, "title": GAP_TITLES[kind], "page_obj": page_obj, "crumbs": crumbs,
    })


# -------------------------------------------------------------------- community board
def _community(user, pk):
    area = _coverage_area(user, pk)
    if area.level != AreaLevel.COMMUNITY:
        raise Http404
    return area


@login_required
@refusals
def community_board(request, pk):
    user = request.user
    community = _community(user, pk)
    report = selectors.coverage_report(community)
    grids = list(selectors.community_grids(community))
    per_grid = selectors.grid_figures(community)
    for grid in grids:
        grid.figures = per_grid.get(grid.pk, {})
    crumbs = _area_crumbs(user, community, view="grids:community_board", ancestors=report.ancestors)
    return render(request, "grids/community_board.html", {
        "community": community,
        "crumbs": crumbs,
        "figures": report.figures,
        "grids": grids,
        "area": community,
        "gaps": report.gaps,
        "community_level": AreaLevel.COMMUNITY,
        "can_manage": permissions.can_manage_community(user, community),
        "can_manage_gaps": permissions.can_manage_community(user, community),
    })


@login_required
@refusals
@require_POST
def community_generate(request, pk):
    user = request.user
    community = _community(user, pk)
    try:
        created = actions.grids_create_from_compounds(actor=user, community=community)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        if created:
            messages.success(request, _("已按小区生成 %(n)d 个网格。") % {"n": len(created)})
        else:
            messages.info(request, _("所有小区都已划入网格，没有新生成网格。"))
    return redirect("grids:community_board", pk=community.pk)


# ----------------------------------------------------------------------------- grids
@login_required
@refusals
def grid_list(request):
    user = request.user
    _require_reader(user)
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
        community_filter = org_selectors.areas_for(user).filter(pk=values["community"]).first()
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
    buildings = list(selectors.grid_buildings(grid))
    team = list(selectors.grid_team(grid, include_ended=True))
    diary = list(
        selectors.diary_for(user).filter(grid=grid).select_related("building", "author").order_by("-occurred_on", "-id")[:RECENT_DIARY]
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
            "households_covered_rate": selectors._rate(linked, households),
        },
        "current_team": [t for t in team if t.ended_on is None],
        "past_team": [t for t in team if t.ended_on is not None],
        "diary": diary,
        "building_level": AreaLevel.BUILDING,
        "can_manage": permissions.can_manage_grid(user, grid),
        "can_write_diary": permissions.can_write_diary(user, grid, places),
    })


@login_required
@refusals
def grid_create(request):
    user = request.user
    community_id = _int_param(request, "community")
    if community_id is None:
        if not permissions.can_manage_some_grids(user):
            raise PermissionDeniedError(_("您的角色无权新建网格。"))
        pick = CommunityPickForm(request.GET if "community_code" in request.GET else None, user=user)
        if pick.is_bound and pick.is_valid():
            return redirect(f"{reverse('grids:grid_create')}?community={pick.cleaned_data['community_code'].pk}")
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


@login_required
@refusals
def team_end(request, pk):
    user = request.user
    assignment = selectors.readable_or_refuse(
        selectors.team_with_access(user).select_related("grid__community", "member", "user"), pk, READ_REFUSED
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


# ----------------------------------------------------------------------------- diary
@login_required
@refusals
def diary_list(request):
    user = request.user
    _require_reader(user)
    filters = DiaryFilterForm(request.GET or None)
    values = filters.filters()
    qs = (
        selectors.diary_for(user)
        .select_related("grid__community", "building", "author")
        .order_by("-occurred_on", "-id")
    )
    if q := values.get("q_grid"):
        qs = qs.filter(Q(grid__name__icontains=q) | Q(grid__code__icontains=q))
    for name in ("kind", "category", "status"):
        if values.get(name):
            qs = qs.filter(**{name: values[name]})
    if values.get("date_from"):
        qs = qs.filter(occurred_on__gte=values["date_from"])
    if values.get("date_to"):
        qs = qs.filter(occurred_on__lte=values["date_to"])
    grid_filter = community_filter = None
    if values.get("grid"):
        qs = qs.filter(grid_id=values["grid"])
        grid_filter = selectors.grids_for(user).filter(pk=values["grid"]).first()
    if values.get("community"):
        qs = qs.filter(grid__community_id=values["community"])
        community_filter = org_selectors.areas_for(user).filter(pk=values["community"]).first()
    return render(request, "grids/diary_list.html", {
        "page_obj": _paginate(request, qs),
        "filters": filters,
        "grid_filter": grid_filter,
        "grid_filter_id": values.get("grid"),
        "community_filter": community_filter,
        "community_filter_id": values.get("community"),
        "can_write": permissions.can_write_some_diary(user),
    })


@login_required
@refusals
def diary_create(request):
    user = request.user
    grid_id = _int_param(request, "grid")
    if grid_id is None:
        if not permissions.can_write_some_diary(user):
            raise PermissionDeniedError(_("只有网格员和社区工作人员可以填写民情日记。"))
        mine = selectors.grids_for(user, permissions.DIARY_ROLES).select_related("community").order_by(
            "community__tree_id", "community__lft", "code"
        )
        page_obj = _paginate(request, mine)
        if page_obj.paginator.count == 1:
            return redirect(f"{reverse('grids:diary_create')}?grid={page_obj[0].pk}")
        crumbs = [{"label": _("民情日记"), "url": reverse("grids:diary_list")}, {"label": _("写民情日记"), "url": None}]
        return render(request, "grids/diary_pick_grid.html", {"page_obj": page_obj, "crumbs": crumbs})
    grid = _grid_for_view(user, grid_id)
    places = selectors.grid_places(grid)
    if not permissions.can_write_diary(user, grid, places):
        raise PermissionDeniedError(_("只有网格员和社区工作人员可以填写民情日记。"))
    form = DiaryForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        user=user, grid=grid,
    )
    if form.is_bound and form.is_valid():
        try:
            entry = actions.diary_record(actor=user, grid=grid, **{
                k: v for k, v in form.values(DiaryForm.FIELDS).items() if k != "photo"
            }, photo=form.cleaned_data.get("photo") or None)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已记录民情日记。"))
            return redirect("grids:diary_detail", pk=entry.pk)
    crumbs = [
        {"label": _("民情日记"), "url": reverse("grids:diary_list")},
        {"label": grid.name, "url": reverse("grids:grid_detail", args=[grid.pk])},
        {"label": _("写民情日记"), "url": None},
    ]
    return render(request, "grids/diary_form.html", {"form": form, "grid": grid, "crumbs": crumbs})


def _entry_for_view(user, pk):
    return selectors.readable_or_refuse(
        selectors.diary_with_access(user).select_related("grid__community", "building__parent", "author"),
        pk, READ_REFUSED,
    )


def _diary_detail(request, entry, *, resolve_form=None, convert_form=None, status=200):
    user = request.user
    places = selectors.grid_places(entry.grid)
    can_write = permissions.can_write_diary(user, entry.grid, places)
    is_open = entry.status == DiaryStatus.OPEN
    crumbs = [
        {"label": _("民情日记"), "url": reverse("grids:diary_list")},
        {"label": entry.grid.name, "url": reverse("grids:grid_detail", args=[entry.grid_id])},
        {"label": str(entry), "url": None},
    ]
    return render(request, "grids/diary_detail.html", {
        "entry": entry,
        "crumbs": crumbs,
        "can_act": can_write and is_open,
        "resolve_form": resolve_form or DiaryResolveForm(prefix="resolve"),
        "convert_form": convert_form or DiaryConvertForm(prefix="convert"),
    }, status=status)


@login_required
@refusals
def diary_detail(request, pk):
    return _diary_detail(request, _entry_for_view(request.user, pk))


@login_required
@refusals
@require_POST
def diary_resolve(request, pk):
    user = request.user
    entry = _entry_for_view(user, pk)
    form = DiaryResolveForm(request.POST, prefix="resolve")
    if form.is_valid():
        try:
            actions.diary_resolve(actor=user, entry=entry, resolution=form.cleaned_data["resolution"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已标记为已解决。"))
            return redirect("grids:diary_detail", pk=entry.pk)
    return _diary_detail(request, entry, resolve_form=form, status=400)


@login_required
@refusals
@require_POST
def diary_convert(request, pk):
    user = request.user
    entry = _entry_for_view(user, pk)
    form = DiaryConvertForm(request.POST, prefix="convert")
    if form.is_valid():
        try:
            actions.diary_convert(
                actor=user, entry=entry, target=form.cleaned_data["target"], target_id=form.cleaned_data["target_id"]
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已登记转办。"))
            return redirect("grids:diary_detail", pk=entry.pk)
    return _diary_detail(request, entry, convert_form=form, status=400)


@login_required
@refusals
def diary_photo(request, pk):
    """The photo of a diary entry, to those who may read the entry (never a public URL)."""
    entry = _entry_for_view(request.user, pk)
    if not entry.photo:
        raise Http404
    content_type = mimetypes.guess_type(entry.photo.name)[0] or "application/octet-stream"
    response = FileResponse(entry.photo.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response

