"""The burden meter's hooks: cells the portal computed from figures for subjects inside each
community in a window, and the published reports asking a field of it (set-based)."""
from datetime import date, timedelta

import pytest
from django.utils import timezone

from assessments.reports import actions, selectors
from assessments.reports.models import ReportCell
from assessments.reports.tests import support as s
from dangjian.testing import count_queries

pytestmark = pytest.mark.django_db


def _window():
    now = timezone.now()
    return now - timedelta(hours=1), now + timedelta(hours=1)


def test_derived_cells_are_counted_per_community_from_figures_only(city):
    w = s.make_world(city)
    field = s.area_field(w)
    s.community_report(w, fields=[field])  # 3 figures + 1 field for 甲 and 乙
    branches = actions.report_publish(actor=w.street, report=actions.report_create(
        actor=w.street, name="支部表", within=city.street, subject_level="org", org_category="compound",
        period_key="2026", columns=[{"figure": "members.count"}, {"figure": "life.activities"}]))
    start, end = _window()
    counts = selectors.burden_derived(start=start, end=end, communities=[city.a.area, city.b.area])
    # 甲: three figure cells of the community report, two of its compound branch's
    assert counts == {city.a.area.pk: 3 + 2, city.b.area.pk: 3 + 2}
    assert ReportCell.objects.filter(report=branches, place=city.a.area).count() == 2
    later = selectors.burden_derived(start=end, end=end + timedelta(days=1), communities=[city.a.area])
    assert later == {city.a.area.pk: 0}


def test_requests_list_the_reports_asking_a_field_of_the_community(city):
    w = s.make_world(city)
    field = s.area_field(w)
    asking = s.community_report(w, fields=[field])
    s.community_report(w, name="只有指标", figures=("members.count",))  # asks nothing: not a request
    draft = s.community_report(w, name="草稿", fields=[field], publish=False)
    start, end = _window()
    requests = selectors.burden_requests(start=start, end=end, communities=[city.a.area, city.b.area])
    assert set(requests) == {city.a.area.pk, city.b.area.pk}
    one, = requests[city.a.area.pk]
    assert one == {"name": asking.name, "requested_by": "元宝区", "requested_by_user": w.district.username,
                   "period": s.PERIOD, "url": f"/reports/{asking.pk}/", "due_on": None}
    assert draft.pk not in {r["url"] for r in requests[city.b.area.pk]}
    assert selectors.burden_requests(start=end, end=end + timedelta(days=1), communities=[city.a.area]) == {
        city.a.area.pk: []}


def test_the_hooks_cost_one_query_whatever_the_number_of_communities(city):
    w = s.make_world(city)
    s.community_report(w, fields=[s.area_field(w)])
    start, end = _window()
    for hook in (selectors.burden_derived, selectors.burden_requests):
        assert count_queries(lambda hook=hook: hook(start=start, end=end, communities=[city.a.area])) == 1
        assert count_queries(lambda hook=hook: hook(start=start, end=end, communities=[city.a.area, city.b.area])) == 1


def test_the_burden_meter_counts_the_reports_cells_and_lists_the_reports_asked(city):
    """Wired into the meter (assessments.burden.sources): this month's computed cells are values
    filled from the records, and the report asking a field is listed with who asked."""
    from assessments.burden import selectors as burden

    w = s.make_world(city)
    asking = s.community_report(w, fields=[s.area_field(w)])
    today = timezone.localdate()
    month = today.replace(day=1)
    row, = burden.meter_rows([city.a.area], [month])
    assert row.derived.get("reports") == 3  # three figure columns; the field is typed, not derived
    after = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    asked = burden.requested_reports([city.a.area], month, after)[city.a.area.pk]
    assert [(r.name, r.requested_by_org, r.requested_by_user) for r in asked] == [(asking.name, "元宝区", w.district.username)]
