from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dangjian.access import page_access
from dangjian.errors import PermissionDeniedError
from dangjian.portal import paginate as _paginate
from dangjian.portal import refusals
from grids.coverage import permissions, selectors
from grids.grids import actions
from grids.grids import permissions as grids_permissions
from grids.grids import selectors as grids_selectors
from grids.grids.views import READ_REFUSED, _visible_area
from organizations.areas import selectors as areas_selectors
from organizations.areas.choices import AreaLevel


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


# ------------------------------------------------------------------------- coverage
@page_access(grids_permissions.can_read_grids, READ_REFUSED)
@refusals
def coverage_index(request):
    user = request.user
    for area in areas_selectors.top_areas_for(user):
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
        "can_manage_gaps": grids_permissions.can_manage_community(user, area),
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
    grids = list(grids_selectors.community_grids(community))
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
        "can_manage": grids_permissions.can_manage_community(user, community),
        "can_manage_gaps": grids_permissions.can_manage_community(user, community),
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
