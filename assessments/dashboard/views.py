"""District dashboards, mounted at /dashboard/: an area's figures from the rollup tables,
drill-down along the territory tree, charts drawn by ``static/js/dashboard.js`` from JSON
rendered into the page, an Excel export of every chart, and a refresh request.

Out of scope → 404 (as a missing area); in scope but not a roster role → 403.  The page
reads only rollup rows and the ten weakest scores: a fixed number of queries whatever the
size of the tree.
"""
from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assessments.dashboard import permissions, tiles
from assessments.dashboard import selectors as ds
from assessments.dashboard.actions import request_refresh
from assessments.dashboard.export import XLSX_CONTENT_TYPE, chart_workbook, export_filename
from assessments.dashboard.rollups import parse_period
from assessments.scoring import periods, selectors
from assessments.scoring import permissions as scoring_selectors
from assessments.scoring.choices import PeriodKind
from dangjian.access import page_access
from dangjian.errors import PermissionDeniedError
from dangjian.portal import refusals
from dangjian.scoping import get_scope
from organizations.grants.choices import MANAGE_ROLES
from organizations.members.choices import ROSTER_ROLES


def _query(request, *, period=None, screen=None) -> str:
    """The query string of a dashboard link: the period, and the big screen kept on."""
    params = {}
    period = period or request.GET.get("period")
    if period:
        params["period"] = period
    if (screen or request.GET.get("screen")) == "big":
        params["screen"] = "big"
    return f"?{urlencode(params)}" if params else ""


def _area_url(request, pk, **extra) -> str:
    return reverse("dashboard:area", args=[pk]) + _query(request, **extra)


def _crumbs(request, user, dash):
    scope = get_scope(user)
    crumbs = [{"label": _("数据看板"), "url": None}]
    for a in dash.ancestors:
        ok = scope.covers_area(a, permissions.DASHBOARD_ROLES)
        crumbs.append({"label": a.name, "url": _area_url(request, a.pk) if ok else None})
    crumbs.append({"label": dash.area.name, "url": None})
    return crumbs


def _panels(area, dash, charts) -> dict:
    """Per chart: its title, its export address and the message shown when it has nothing to draw."""
    f = dash.figures or {}
    empty = {
        "children": not charts["children"]["rows"] and _("没有下级区域的数据。"),
        "trend": len(charts["trend"]["rows"]) < 2 and _("趋势需要至少两个周期的数据（每晚自动汇总最近12个月）。"),
        "tree": not charts["tree"]["rows"] and _("没有下级区域的数据。"),
        "scores": not ds.figure(f, "scores.count") and _("本期还没有考核得分。"),
        "stars": not ds.figure(f, "scores.count") and _("本期还没有考核得分。"),
        "rates": not (ds.figure(f, "requests.total") or ds.figure(f, "whistles.targets")) and _("本期没有居民诉求和吹哨报到事项。"),
    }
    return {
        key: {
            "title": charts[key]["title"],
            "export": reverse("dashboard:export", args=[area.pk, key]) + f"?period={dash.period_key}",
            "empty": empty.get(key) or "",
        }
        for key in ds.CHART_KEYS
    }


def card_links(user, area, dash) -> dict:
    """Per dashboard figure, the list that counts the same rows (the area's subtree, the
    period's records, the same exclusions), when the user may open it: ``{figure key: url}``.
    ``assessments/dashboard/tests/test_figures_add_up.py`` follows every one and counts."""
    from assessments.life import permissions as life_permissions
    from grids.coverage import permissions as coverage_permissions
    from organizations.areas.choices import AreaLevel
    from organizations.members import permissions as members_permissions
    from services.requests import permissions as requests_permissions
    from services.whistles import permissions as whistles_permissions
    from services.wishes import permissions as wishes_permissions

    scope = get_scope(user)
    period = {"period": dash.period_key}
    within = {"within": area.pk}
    links = {}

    def link(key, name, args=(), **params):
        links[key] = reverse(name, args=args) + (f"?{urlencode(params)}" if params else "")

    if members_permissions.can_view_roster(user):
        link("members.total", "organizations:member_list", **within)
    link("orgs.total", "organizations:org_list", **within)
    if coverage_permissions.can_read_area_coverage(user, area):
        link("grids.coverage", "grids:coverage", [area.pk])
    if life_permissions.can_oversee(user, area):
        link("compliance.rate", "assessments:compliance", [area.pk])
    if wishes_permissions.can_read_wishes(user):
        link("wishes.total", "services:wish_list", **within, **period)
    if requests_permissions.can_read_requests(user):
        link("requests.total", "requests:list", **within, **period, counted=1)
    if scope.has_role(*MANAGE_ROLES) or whistles_permissions.is_responder(user):
        link("whistles.targets", "whistles:list", area=area.pk, **period, counted=1)
    if area.level <= AreaLevel.COMMUNITY and scope.covers_area(area, ROSTER_ROLES):
        year = {"year": dash.period_key[:4]} if parse_period(dash.period_key).kind == "year" else {}
        link("reporting.rate", "reporting:index", area=area.pk, **year)
        link("service.per_member", "reporting:index", area=area.pk, **year)
    return links


@page_access(permissions.can_view_some, gettext_lazy("您的角色不能查看数据看板。"))
@refusals
def index(request):
    """The dashboard of the user's top area."""
    area = ds.top_area(request.user)
    if area is None:
        raise PermissionDeniedError(_("您的角色不能查看数据看板。"))
    return redirect(_area_url(request, area.pk))


@login_required
@refusals
def area_dashboard(request, pk):
    user = request.user
    area = ds.visible_area_or_404(user, pk)
    ds.require_view(user, area)
    dash = ds.build_dashboard(area, request.GET.get("period"))
    charts = ds.chart_tables(dash)
    charts["children"]["urls"] = [_area_url(request, u.area.pk, period=dash.period_key) for u in dash.children]
    big = request.GET.get("screen") == "big"
    return render(request, "assessments/dashboard/area.html", {
        "dash": dash, "area": area, "charts": charts, "cards": ds.summary_cards(dash, links=card_links(user, area, dash)),
        "figures_choices": charts["children"]["figures"],
        "panels": _panels(area, dash, charts),
        "children_links": [(u, _area_url(request, u.area.pk, period=dash.period_key)) for u in dash.children],
        "crumbs": _crumbs(request, user, dash),
        "can_refresh": permissions.can_refresh(user, area),
        "can_start_scoring": scoring_selectors.can_start_runs(user) and not big,
        "big": big,
        "big_url": _area_url(request, area.pk, period=dash.period_key, screen="big"),
        "normal_url": reverse("dashboard:area", args=[area.pk]) + f"?period={dash.period_key}",
    })


@login_required
@refusals
def network_panel(request, pk):
    """阵地与区域化党建 of the area's subtree (``assessments.dashboard.tiles``): the panel the area
    page loads after it is shown, or a page of its own when opened directly (no script)."""
    user = request.user
    area = ds.visible_area_or_404(user, pk)
    ds.require_view(user, area)
    context = {"area": area, "sections": tiles.sections(user, area),
               "dashboard_url": reverse("dashboard:area", args=[area.pk])}
    if request.headers.get("HX-Request"):
        return render(request, "assessments/dashboard/_network.html", context)
    return render(request, "assessments/dashboard/network.html", context)


@login_required
@refusals
def export(request, pk, chart):
    user = request.user
    area = ds.visible_area_or_404(user, pk)
    ds.require_view(user, area)
    if chart not in ds.CHART_KEYS:
        raise Http404
    dash = ds.build_dashboard(area, request.GET.get("period"))
    table = ds.chart_tables(dash)[chart]
    data = chart_workbook(table, area=area, period_label=dash.period_label, computed_at=dash.computed_at)
    return FileResponse(
        BytesIO(data), as_attachment=True, filename=export_filename(area, table, dash.period_key),
        content_type=XLSX_CONTENT_TYPE,
    )


@login_required
@require_POST
@refusals
def refresh(request, pk):
    """Ask for the figures of the period to be computed again (in the background)."""
    user = request.user
    area = ds.visible_area_or_404(user, pk)
    period_key = request.POST.get("period") or None
    try:
        request_refresh(actor=user, area=area, period_key=period_key, now=timezone.now())
    except ValueError:
        messages.error(request, _("周期格式不正确。"))
    else:
        messages.success(request, _("已提交重新计算，请稍候刷新页面查看。"))
    return redirect(reverse("dashboard:area", args=[area.pk]) + (f"?period={period_key}" if period_key else ""))


@login_required
@refusals
def start_scoring_form(request):
    """The "start a scoring run" form of the dashboard, loaded when its menu opens (htmx),
    so the dashboard itself reads no rubric; it posts to ``scoring:run_start``."""
    if not scoring_selectors.can_start_runs(request.user):
        raise PermissionDeniedError(_("只有区委组织部可以发起评分。"))
    today = timezone.localdate()
    rubrics = [(r, selectors.suggested_period(r, today)) for r in selectors.active_rubrics()]
    return render(request, "assessments/dashboard/_start_scoring.html", {
        "rubrics": rubrics,
        "period_key": rubrics[0][1] if rubrics else periods.last_complete(PeriodKind.MONTH, today).key,
    })
