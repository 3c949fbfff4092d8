"""Pages of the burden meter (减负监测), mounted at /burden/: a community's months of a year
(values typed by hand by channel, values filled from the records by source, the share filled
automatically, the reports asked of it and by whom), and the month of the communities under
an area.  A community cadre sees their community; a superior (street, district, admin) picks
any community or area of their scope (out of scope → 404, as missing).

No ranking: the communities are listed in tree order, never sorted by their figures — the
pages take no sort parameter (``?sort=``, ``?o=`` are ignored), and no total orders them
(2024 减负 rules: no ranking built on the data's volume).  Every page runs a fixed number of
queries (``assessments/tests/budgets.py``).
"""
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.burden import permissions, selectors, sources
from assessments.burden.choices import Channel
from assessments.burden.forms import CommunityPickForm, MonthForm, YearForm
from dangjian import burden, portal
from dangjian.access import page_access
from organizations.areas import selectors as areas_selectors
from organizations.areas.choices import AreaLevel

REFUSED = gettext_lazy("减负监测只对社区及其上级（街道、区委组织部）开放。")


def _today():
    return timezone.localdate()


def _crumbs(*tail):
    return [{"label": _("减负监测"), "url": reverse("burden:index")}, *tail]


def _rule():
    """What the page counts, from the module rules (shown at the top of every page)."""
    return {
        "typed": [
            _("表单录入：成功保存（保存后跳转）的表单中填写了内容的字段数，每个上传的文件计 1；"
              "不计校验令牌、翻页、搜索、按钮等控制项，不计登录、验证码、修改密码和居民公开页面；保存失败（返回错误）不计。"),
            _("表格导入：导入成功后写入的非空单元格数（党员、区域导入和党费收缴表导入）。"),
            _("接口写入：通过接口成功提交的数据中非空字段数。"),
        ],
        "derived": [str(label) for _key, label, _path in sources.DERIVED_SOURCES],
        "excluded_prefixes": burden.EXCLUDED_PREFIXES,
    }


def _source_columns():
    return [(key, label) for key, label, _path in sources.DERIVED_SOURCES]


@page_access(permissions.can_open, REFUSED)
def index(request):
    """Where to start: a picked community or area; else the cadre's own community, or the
    month of the communities under the user's top area."""
    user = request.user
    form = CommunityPickForm(request.GET or None, user=user)
    picked = form.filters()
    if picked.get("community") is not None:
        return redirect("burden:community", picked["community"].pk)
    if picked.get("within") is not None:
        return redirect("burden:area", picked["within"].pk)
    own = selectors.own_community_id(user)
    if own is not None:
        return redirect("burden:community", own)
    tops = [a for a in areas_selectors.top_areas_for(user) if permissions.can_view_area(user, a)]
    if tops:
        return redirect("burden:area", tops[0].pk)
    return render(request, "assessments/burden/index.html", {
        "pick": form, "rule": _rule(), "crumbs": _crumbs(),
    })


def _community_or_404(user, pk):
    return portal.get_visible_or_404(selectors.areas_for(user).filter(level=AreaLevel.COMMUNITY).select_related("parent"), pk=pk)


@page_access(permissions.can_open, REFUSED)
def community(request, pk):
    """A community's twelve months of a year, their total and the reports asked of it."""
    user = request.user
    area = _community_or_404(user, pk)
    year = YearForm(request.GET or None).filters().get("year") or _today().year
    months = selectors.months_of(year)
    tallied = selectors.tally_rows([area], months)
    rows = selectors.meter_rows([area], months, rows=tallied)
    total = selectors.total_row(rows, community=area)
    start, end = months[0], selectors.next_month(months[-1])
    reports = selectors.requested_reports([area], start, end).get(area.pk, [])
    by_source = selectors.typed_sources(tallied)
    return render(request, "assessments/burden/community.html", {
        "area": area, "year": year, "rows": rows, "total": total, "reports": reports, "by_source": by_source,
        "columns": _source_columns(), "channels": list(Channel), "rule": _rule(),
        "pick": CommunityPickForm(user=user) if selectors.own_community_id(user) != area.pk else None,
        "month_url": reverse("burden:area", args=[area.parent_id]) if area.parent_id and permissions.can_view_area(user, area.parent) else "",
        "crumbs": _crumbs({"label": area.name, "url": None}, {"label": _("%(y)d年") % {"y": year}, "url": None}),
    })


@page_access(permissions.can_open, REFUSED)
def area_month(request, pk):
    """One month of the communities under an area, in tree order (never by the figures: no
    sort parameter is read), a page at a time."""
    user = request.user
    area = portal.get_visible_or_404(selectors.areas_for(user), pk=pk)
    month = MonthForm(request.GET or None).filters().get("month") or selectors.month_start(_today())
    communities = selectors.communities_under(user, area)  # tree order, whatever ?sort= or ?o= say
    page = portal.paginate(request, communities)
    rows = selectors.meter_rows(page.object_list, [month])
    return render(request, "assessments/burden/month.html", {
        "area": area, "month": month, "rows": rows, "page_obj": page,
        "columns": _source_columns(), "channels": list(Channel), "rule": _rule(),
        "pick": CommunityPickForm(user=user), "month_value": f"{month:%Y-%m}",
        "crumbs": _crumbs({"label": area.name, "url": None}, {"label": _("%(y)d年%(m)d月") % {"y": month.year, "m": month.month}, "url": None}),
    })
