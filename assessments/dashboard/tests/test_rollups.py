"""Dashboard rollups: figures folded onto every area of a small city, compared with counts
made by hand; a second refresh replaces the same rows; the number of queries does not
grow with the data; periods and the Celery task."""
import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.dashboard import rollups
from assessments.dashboard.models import AreaRollup
from assessments.life import selectors
from assessments.scoring.choices import SubjectKind
from assessments.scoring.models import Rubric, Score, ScoringRun
from assessments.tests.budgets import BUDGETS
from assessments.tests.factories import fill_window
from dangjian.testing import count_queries
from grids.grids.models import Grid, GridArea
from organizations.areas.choices import AreaLevel
from organizations.members.choices import MemberStatus
from organizations.tests.factories import MemberFactory, build_city, build_community
from services.checkins.models import MemberReport
from services.ledger.models import ServiceRecord
from services.requests.models import RequestCategory, ServiceRequest
from services.whistles.models import Department, Whistle, WhistleTarget
from services.wishes.models import Wish

_codes = itertools.count(1)
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.get_fixed_timezone(480))
TODAY = date(2026, 11, 20)


def code(prefix):
    return f"{prefix}{next(_codes):08d}"


def wish(community, *, status="submitted", rating="", created_at=NOW):
    w = Wish.objects.create(
        code=code("W"), community=community, requester_name="王秀兰", requester_phone="13800000000",
        kind="material", text="想要一台助听器", status=status, rating=rating,
    )
    Wish.objects.filter(pk=w.pk).update(created_at=created_at)
    return w


def service_request(community, *, status="submitted", accepted_at=None, rating="", created_at=NOW, resolve_due=None):
    category = RequestCategory.objects.order_by("pk").first()
    return ServiceRequest.objects.create(
        code=code("R"), community=community, category=category, text="楼道灯坏了", requester_name="李",
        requester_phone="13900000000", status=status, response_due=created_at + timedelta(hours=24),
        resolve_due=resolve_due or created_at + timedelta(days=7), accepted_at=accepted_at, rating=rating,
        created_at=created_at,
    )


def rubric(level, code_="wuhao-shequ"):
    return Rubric.objects.create(
        code=code_, name="五好社区", subject_kind=SubjectKind.AREA, area_level=level, effective_from=date(2026, 1, 1),
    )


def score(rubric_, run, area, total, stars, period_key="2026"):
    return Score.objects.create(
        rubric=rubric_, run=run, period_key=period_key, subject_id=area.pk, area=area, parent_area=area.parent,
        total=Decimal(total), max_total=Decimal(100), stars=stars, computed_at=NOW,
    )


def run_of(rubric_, period_key="2026"):
    return ScoringRun.objects.create(
        rubric=rubric_, period_kind="year", period_key=period_key, period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31), state="done",
    )


@pytest.fixture
def world(db):
    """build_city() with records whose figures are counted by hand in the tests."""
    c = build_city(members_per_community=3)
    a0, a1, a2 = c.a.members
    b0, b1, b2 = c.b.members
    a1.status = MemberStatus.PROBATIONARY
    a1.save(update_fields=["status"])
    for m in (a0, a2, b0):
        m.in_service = True
        m.save(update_fields=["in_service"])
    # a0 holds a valid report to his residence community; a2's expired; b0 never reported
    MemberReport.objects.create(member=a0, community=c.a.area, reported_on=date(2026, 9, 1), valid_until=date(2027, 2, 28))
    MemberReport.objects.create(member=a2, community=c.a.area, reported_on=date(2025, 9, 1), valid_until=date(2026, 2, 28))
    # wishes: a — fulfilled+rated satisfied, rated basic, rejected, open; b — fulfilled; one of last year
    wish(c.a.area, status="rated", rating="satisfied")
    wish(c.a.area, status="rated", rating="basic")
    wish(c.a.area, status="rejected")
    wish(c.a.area, status="published")
    wish(c.b.area, status="fulfilled")
    wish(c.b.area, status="rated", rating="unsatisfied", created_at=NOW - timedelta(days=400))
    # requests: a — accepted in time, resolved and rated; open and overdue; cancelled (ignored)
    service_request(c.a.area, status="rated", accepted_at=NOW + timedelta(hours=1), rating="satisfied")
    service_request(c.a.area, status="submitted", resolve_due=NOW - timedelta(days=1))
    service_request(c.a.area, status="cancelled")
    # b — accepted late, still open (not overdue)
    service_request(
        c.b.area, status="accepted", accepted_at=NOW + timedelta(days=3), created_at=NOW - timedelta(days=1),
        resolve_due=NOW + timedelta(days=30),
    )
    # a whistle of the street: two targets, one reported in time and confirmed satisfied, one escalated
    dept1 = Department.objects.create(name="住建局", area=c.district)
    dept2 = Department.objects.create(name="城管局", area=c.district)
    w = Whistle.objects.create(
        code=code("H"), area=c.street, title="管网堵塞", description="…", report_due=NOW + timedelta(hours=24),
        resolve_due=NOW + timedelta(days=7), created_at=NOW,
    )
    WhistleTarget.objects.create(
        whistle=w, department=dept1, status="confirmed", reported_at=NOW + timedelta(hours=2), satisfaction="satisfied",
    )
    WhistleTarget.objects.create(whistle=w, department=dept2, status="notified", escalation_stage=1)
    # service hours: in 2026 2.5 + 1.5 + 1.0, one record of 2025 ignored
    ServiceRecord.objects.create(member=a0, source="wish", source_id=1, hours=Decimal("2.5"), occurred_on=date(2026, 3, 1))
    ServiceRecord.objects.create(member=a0, source="wish", source_id=2, hours=Decimal("1.5"), occurred_on=date(2026, 11, 2))
    ServiceRecord.objects.create(member=b0, source="wish", source_id=3, hours=Decimal("1.0"), occurred_on=date(2026, 5, 1))
    ServiceRecord.objects.create(member=b0, source="wish", source_id=4, hours=Decimal("9.0"), occurred_on=date(2025, 5, 1))
    # a grid in community a covering its compound (with the compound branch as its branch)
    grid = Grid.objects.create(community=c.a.area, code=code("G"), name="一网格", party_branch=c.a.branch)
    GridArea.objects.create(grid=grid, area=c.a.compound)
    # scores of 2026: community a 80% (4★), community b 50% (2★); a 2026-Q3 score is another period
    r = rubric(AreaLevel.COMMUNITY)
    run = run_of(r)
    score(r, run, c.a.area, "80", 4)
    score(r, run, c.b.area, "50", 2)
    q_run = run_of(r, "2026-Q3")
    score(r, q_run, c.a.area, "30", 1, period_key="2026-Q3")
    # organizational life: community a's branch keeps every rule over the rolling year
    fill_window(c.a.branch, TODAY)
    return c


def rollup(area, key="2026"):
    return AreaRollup.objects.get(area=area, period_key=key).figures


# ------------------------------------------------------------------------- pure parts
def test_period_keys_parse_and_label():
    p = rollups.parse_period("2026-Q3")
    assert (p.kind, p.start, p.end) == ("quarter", date(2026, 7, 1), date(2026, 9, 30))
    assert rollups.parse_period("2026-02").end == date(2026, 2, 28)
    assert rollups.as_of(rollups.parse_period("2026"), date(2026, 5, 3)) == date(2026, 5, 3)
    assert rollups.as_of(rollups.parse_period("2025"), date(2026, 5, 3)) == date(2025, 12, 31)
    assert [rollups.period_label(k) for k in ("2026", "2026-Q3", "2026-11")] == ["2026年度", "2026年第3季度", "2026年11月"]
    for bad in ("26", "2026-Q5", "2026-13", "2026-1", ""):
        with pytest.raises(ValueError):
            rollups.parse_period(bad)


def test_trend_keys_cover_last_twelve_months_and_four_quarters():
    keys = rollups.trend_period_keys(date(2026, 2, 10))
    assert keys[:3] == ["2026-02", "2026-01", "2025-12"] and keys[11] == "2025-03"
    assert keys[12:] == ["2026-Q1", "2025-Q4", "2025-Q3", "2025-Q2"]


def test_percent_is_none_without_denominator():
    assert rollups.percent(1, 3) == 33.33
    assert rollups.percent(0, 0) is None


# -------------------------------------------------------------------- hand counts
def test_community_figures_match_hand_counts(world):
    c = world
    rollups.refresh_rollups(period_key="2026", now=NOW)
    a = rollup(c.a.area)
    assert a["period"] == {"key": "2026", "kind": "year", "start": "2026-01-01", "end": "2026-12-31", "as_of": "2026-11-20"}
    assert a["areas"] == {"streets": 0, "communities": 0, "compounds": 1, "buildings": 1}
    assert a["members"] == {"total": 3, "full": 2, "probationary": 1, "in_service": 2}
    assert a["orgs"]["total"] == 3 and a["orgs"]["committee"] == 1 and a["orgs"]["branch"] == 1 and a["orgs"]["group"] == 1
    assert a["orgs"]["compound_branches"] == 1 and a["orgs"]["building_groups"] == 1
    assert a["grids"] == {
        "grids": 1, "grids_with_branch": 1, "compounds": 1, "compounds_gridded": 1, "compounds_with_branch": 1,
        "coverage": 100.0,
    }
    w = a["wishes"]
    assert (w["total"], w["fulfilled"], w["rejected"], w["rated"]) == (4, 2, 1, 2)
    assert w["fulfilment_rate"] == 66.67  # 2 of the 3 not rejected
    assert w["satisfaction"] == 95.0  # (1 + 0.9) / 2
    r = a["requests"]
    assert (r["total"], r["overdue_open"], r["responded"], r["resolved"]) == (2, 1, 1, 1)
    assert (r["response_rate"], r["resolution_rate"], r["satisfaction_rate"]) == (50.0, 50.0, 100.0)
    assert r["composite"] == 70.0  # 10/50/40: 0.1*50 + 0.5*50 + 0.4*100
    assert a["whistles"]["targets"] == 0  # the whistle belongs to the street
    assert a["service"] == {"hours": 4.0, "per_member": 1.33}
    assert a["reporting"] == {"in_service": 2, "reported": 1, "rate": 50.0}
    assert a["scores"]["count"] == 1 and a["scores"]["avg_pct"] == 80.0
    assert a["scores"]["stars"]["4"] == 1 and a["scores"]["buckets"]["80_90"] == 1
    b = rollup(c.b.area)
    assert b["wishes"]["total"] == 1 and b["wishes"]["satisfaction"] is None
    assert b["requests"]["responded"] == 0 and b["requests"]["overdue_open"] == 0
    assert b["grids"]["coverage"] == 0.0 and b["reporting"]["rate"] == 0.0


def test_street_district_and_city_fold_their_subtrees(world):
    c = world
    rollups.refresh_rollups(period_key="2026", now=NOW)
    for area in (c.street, c.district, c.city):
        f = rollup(area)
        assert f["members"]["total"] == 6 and f["members"]["in_service"] == 3
        assert f["wishes"]["total"] == 5 and f["requests"]["total"] == 3
        assert f["whistles"]["whistles"] == 1 and f["whistles"]["targets"] == 2 and f["whistles"]["escalated"] == 1
        assert f["whistles"]["response_rate"] == 50.0 and f["whistles"]["resolution_rate"] == 50.0
        assert f["whistles"]["satisfaction_rate"] == 100.0
        assert f["service"]["hours"] == 5.0 and f["service"]["per_member"] == 0.83
        assert f["reporting"] == {"in_service": 3, "reported": 1, "rate": 33.33}
        assert f["scores"]["count"] == 2 and f["scores"]["avg_pct"] == 65.0
        assert f["scores"]["stars"] == {"0": 0, "1": 0, "2": 1, "3": 0, "4": 1, "5": 0}
        assert f["grids"]["compounds"] == 2 and f["grids"]["coverage"] == 50.0
    assert rollup(c.street)["areas"] == {"streets": 0, "communities": 2, "compounds": 2, "buildings": 2}
    assert rollup(c.city)["areas"]["streets"] == 1
    assert rollup(c.street)["orgs"]["total"] == 7  # street working committee + 3 per community
    assert rollup(c.district)["orgs"]["total"] == 8  # + the district committee anchored at the district


def test_compliance_agrees_with_the_area_compliance_page(world):
    c = world
    rollups.refresh_rollups(period_key="2026", now=NOW)
    expected = selectors.area_compliance(c.street, TODAY).summary
    got = rollup(c.street)["compliance"]
    assert (got["orgs"], got["compliant"], got["total"]) == (expected.assessed, expected.compliant, expected.total)
    assert got["compliant"] >= 1  # community a's branch keeps all its rules
    a = rollup(c.a.area)["compliance"]
    own = selectors.area_compliance(c.a.area, TODAY).summary
    assert (a["orgs"], a["compliant"]) == (own.assessed, own.compliant)


def test_a_compound_counts_the_grids_covering_it_as_the_coverage_page_does(world):
    """A compound's grids are the distinct grids covering it or one of its buildings (the
    coverage page's figure), never 0 beside a coverage of 100 %."""
    from grids.coverage.selectors import coverage

    c = world
    second = Grid.objects.create(community=c.a.area, code=code("G"), name="二网格")  # no branch
    GridArea.objects.create(grid=second, area=c.a.building)
    rollups.refresh_rollups(period_key="2026", now=NOW)
    compound = rollup(c.a.compound)["grids"]
    page = coverage(c.a.compound)
    assert (compound["grids"], compound["grids_with_branch"]) == (page["grids"], page["grids_with_branch"]) == (2, 1)
    assert compound["coverage"] == 100.0
    assert rollup(c.b.compound)["grids"]["grids"] == coverage(c.b.compound)["grids"] == 0
    community = rollup(c.a.area)["grids"]
    assert (community["grids"], community["grids_with_branch"]) == (coverage(c.a.area)["grids"], 1) == (2, 1)


def test_quarter_period_counts_its_own_scores_and_records(world):
    c = world
    rollups.refresh_rollups(period_key="2026-Q3", now=NOW)
    a = rollup(c.a.area, "2026-Q3")
    assert a["scores"]["count"] == 1 and a["scores"]["avg_pct"] == 30.0 and a["scores"]["buckets"]["lt60"] == 1
    assert a["wishes"]["total"] == 0  # the wishes were made in November
    assert a["service"]["hours"] == 0.0
    assert a["period"]["as_of"] == "2026-09-30"
    assert a["reporting"]["reported"] == 1  # a0's report of 1 September is valid on 30 September
    assert AreaRollup.objects.filter(period_key="2026").count() == 0


def test_rows_for_every_area_of_levels_city_to_compound_only(world):
    c = world
    written = rollups.refresh_rollups(period_key="2026", now=NOW)
    ids = set(AreaRollup.objects.filter(period_key="2026").values_list("area_id", flat=True))
    assert ids == {c.city.pk, c.district.pk, c.street.pk, c.a.area.pk, c.b.area.pk, c.a.compound.pk, c.b.compound.pk}
    assert written == 7
    assert c.a.building.pk not in ids


def test_refresh_twice_replaces_the_same_rows(world):
    c = world
    rollups.refresh_rollups(period_key="2026", now=NOW)
    first = {r.area_id: (r.pk, r.figures) for r in AreaRollup.objects.all()}
    wish(c.a.area, status="published")
    later = NOW + timedelta(hours=1)
    rollups.refresh_rollups(period_key="2026", now=later)
    second = {r.area_id: (r.pk, r.figures) for r in AreaRollup.objects.all()}
    assert {k: v[0] for k, v in first.items()} == {k: v[0] for k, v in second.items()}  # same rows, updated
    assert second[c.a.area.pk][1]["wishes"]["total"] == first[c.a.area.pk][1]["wishes"]["total"] + 1
    assert set(AreaRollup.objects.values_list("computed_at", flat=True)) == {later}
    rollups.refresh_rollups(period_key="2026", now=later)
    third = {r.area_id: (r.pk, r.figures) for r in AreaRollup.objects.all()}
    assert third == second


def _refresh_queries():
    return count_queries(lambda: rollups.refresh_rollups(period_key="2026", now=NOW))


def test_query_count_does_not_grow_with_the_data(world):
    c = world
    small = _refresh_queries()
    for label in ("丙", "丁", "戊"):
        extra = build_community(c.street, c.street_org, label, members=6)
        wish(extra.area, status="rated", rating="satisfied")
        service_request(extra.area)
        MemberFactory(organization=extra.branch, residence=extra.building, in_service=True)
        fill_window(extra.branch, TODAY)
    big = _refresh_queries()
    assert big == small, f"{small} queries for the small city, {big} for the bigger one"
    assert small <= BUDGETS["assessments.dashboard.rollups.refresh_rollups"], small
    assert rollup(c.street)["members"]["total"] == 6 + 3 * 7


def test_trends_add_the_last_twelve_months_and_four_quarters(world):
    c = world
    rollups.refresh_rollups(now=NOW, trends=True)
    keys = set(AreaRollup.objects.filter(area=c.street).values_list("period_key", flat=True))
    assert keys == {"2026", *rollups.trend_period_keys(TODAY)}
    assert rollup(c.street, "2026-11")["wishes"]["total"] == 5
    assert rollup(c.street, "2026-10")["wishes"]["total"] == 0


def test_the_task_runs_by_name_for_a_period(world):
    from celery import current_app

    c = world
    current_app.tasks["assessments.refresh_rollups"].delay(period_key="2026")
    assert AreaRollup.objects.filter(area=c.street, period_key="2026").exists()
    assert not AreaRollup.objects.exclude(period_key="2026").exists()


def test_refresh_requested_before_the_last_refresh_is_a_no_op(city):
    from datetime import timedelta

    from django.utils import timezone

    from assessments.dashboard.models import AreaRollup
    from assessments.dashboard.rollups import refresh_rollups
    from assessments.dashboard.tasks import refresh_rollups_task

    key = "2026-10"
    asked = timezone.now()
    written = refresh_rollups(period_key=key)
    assert written > 0
    computed = set(AreaRollup.objects.filter(period_key=key).values_list("computed_at", flat=True))

    assert refresh_rollups_task(period_key=key, requested_at=(asked - timedelta(seconds=1)).isoformat()) == 0
    assert set(AreaRollup.objects.filter(period_key=key).values_list("computed_at", flat=True)) == computed
    # a request made after the last refresh is served
    assert refresh_rollups_task(period_key=key, requested_at=timezone.now().isoformat()) == written
