"""The annual statistical tables (党内统计年报) of an area, under /org/statistics/: the page
with every table (printable) and its Excel export.  Reads through ``selectors`` (three
queries for all the tables, whatever the area's size); an area outside the user's roster
scope answers 404 like a missing one."""
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian import portal, xlsx
from dangjian.access import may_open, page_access
from dangjian.errors import PermissionDeniedError
from dangjian.portal import int_param, refusals
from organizations.areas import selectors as areas_selectors
from organizations.development.choices import Stage
from organizations.statistics import export as spreadsheet
from organizations.statistics import permissions, selectors
from organizations.statistics.forms import StatisticsForm, YearForm
from organizations.transfers.choices import TransferStatus

REFUSED = gettext_lazy("您的角色不能查看党内统计。")


def _subject(request):
    """The area (``?area=``; the user's top granted area by default) and the year (``?year=``;
    the current year by default) of the tables."""
    user = request.user
    area_id = int_param(request, "area")
    if area_id is None:
        area = next((a for a in areas_selectors.top_areas_for(user) if permissions.can_view_area_statistics(user, a)),
                    None)
        if area is None:
            raise PermissionDeniedError(_("您没有可统计的区域：党内统计按您被授权的区域统计。"))
    else:
        area = portal.get_visible_or_404(areas_selectors.areas_for(user), pk=area_id)
        if not permissions.can_view_area_statistics(user, area):
            raise Http404
    today = timezone.localdate()
    year = YearForm(request.GET or None).filters().get("year") or today.year
    form = StatisticsForm(user=user, area=area, initial={"area": area.pk, "year": year})
    return area, year, selectors.as_of_date(year, today), today, form


def _links(user) -> dict:
    """The record lists behind the year's figures, for the roles that may open them."""
    links = {}
    if may_open(user, "organizations:development_case_list"):
        cases = reverse("organizations:development_case_list")
        links.update({"applied": cases, "activists": f"{cases}?stage={Stage.ACTIVIST}",
                      "candidates": f"{cases}?stage={Stage.CANDIDATE}", "admitted": f"{cases}?stage={Stage.PROBATIONARY}"})
    if may_open(user, "organizations:transfer_list"):
        transfers = reverse("organizations:transfer_list")
        links["transferred_in"] = f"{transfers}?{urlencode({'tab': 'incoming', 'status': TransferStatus.ACCEPTED})}"
        links["transferred_out"] = f"{transfers}?{urlencode({'tab': 'outgoing'})}"
    return links


@page_access(permissions.can_view_statistics, REFUSED)
@refusals
def index(request):
    area, year, as_of, today, form = _subject(request)
    results = selectors.all_tables(area, year, as_of, _links(request.user))
    query = urlencode({"area": area.pk, "year": year})
    return render(request, "organizations/statistics/index.html", {
        "area": area, "year": year, "as_of": as_of, "form": form, "today": today,
        "member_tables": [r for r in results if r.key not in ("org_kind", "org_category", "flow")],
        "org_tables": [r for r in results if r.key in ("org_kind", "org_category")],
        "flow": next(r for r in results if r.key == "flow"),
        "export_url": f"{reverse('organizations:statistics_export')}?{query}",
        "crumbs": [{"label": _("党员"), "url": reverse("organizations:member_list")},
                   {"label": _("党内统计"), "url": None}],
    })


@page_access(permissions.can_view_statistics, REFUSED)
@refusals
def export(request):
    area, year, as_of, _today, _form = _subject(request)
    results = selectors.all_tables(area, year, as_of)
    data = spreadsheet.build_workbook(area, year, as_of, results)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = xlsx.content_disposition(
        spreadsheet.filename(area, year), f"statistics-{area.pk}-{year}.xlsx")
    return response
