"""Compliance calendar of an organization, the compliance share of an area (set-based),
rule-set overrides, members without organizational life, and service hours."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from assessments.life import selectors
from assessments.life.choices import PeriodStatus
from assessments.life.models import RuleSet
from assessments.tests.budgets import BUDGETS
from assessments.tests.factories import activity, at, ensure_default_rules, fill_window, override, previous_quarter
from dangjian.testing import assert_max_queries, count_queries
from organizations.members.choices import MemberStatus
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg
from organizations.tests.factories import MemberFactory, PartyOrgFactory, build_community
from services.ledger.models import ServiceRecord

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def default_rules(db):
    """Transactional tests (browser, races) flush the rows of the data migration; every
    test here starts with the default activity types and rule set in place."""
    ensure_default_rules()

TODAY = date(2026, 11, 22)  # a Sunday in the fourth quarter


def statuses(calendar, code):
    row = next(r for r in calendar.rows if r.activity_type.code == code)
    return [(c.period.label, c.status, c.done) for c in row.cells]


def reload(org):
    return PartyOrg.objects.select_related("area").get(pk=org.pk)


# ------------------------------------------------------------------ organization calendar
def test_org_calendar_statuses_are_exact(city):
    branch = city.a.branch
    PartyOrg.objects.filter(pk=branch.pk).update(founded_on=date(2026, 7, 1))
    activity(branch, "branch_general_meeting", date(2026, 8, 15))
    for day in (date(2026, 7, 3), date(2026, 8, 3), date(2026, 10, 9)):
        activity(branch, "branch_committee_meeting", day)
    # 23:30 on 30 September in Shanghai is 15:30 UTC: it counts in September, and the
    # meeting half an hour after midnight on 1 October counts in October, not September.
    activity(branch, "theme_party_day", date(2026, 9, 30), hour=23)
    activity(branch, "theme_party_day", date(2026, 10, 1), hour=0)
    activity(branch, "vanguard_day", date(2026, 11, 20))
    activity(city.a.branch, "joint_meeting", date(2026, 8, 1))  # as needed: never due
    with assert_max_queries(BUDGETS["assessments.life.selectors.org_calendar"]):
        calendar = selectors.org_calendar(reload(branch), TODAY)

    assert calendar.start == date(2026, 7, 1)
    assert [m.month for m in calendar.months] == [7, 8, 9, 10, 11]
    assert statuses(calendar, "branch_general_meeting") == [
        ("2026年第3季度", PeriodStatus.DONE, 1), ("2026年第4季度", PeriodStatus.DUE, 0),
    ]
    assert statuses(calendar, "branch_committee_meeting") == [
        ("2026年7月", PeriodStatus.DONE, 1), ("2026年8月", PeriodStatus.DONE, 1), ("2026年9月", PeriodStatus.OVERDUE, 0),
        ("2026年10月", PeriodStatus.DONE, 1), ("2026年11月", PeriodStatus.DUE, 0),
    ]
    assert statuses(calendar, "theme_party_day") == [
        ("2026年7月", PeriodStatus.OVERDUE, 0), ("2026年8月", PeriodStatus.OVERDUE, 0), ("2026年9月", PeriodStatus.DONE, 1),
        ("2026年10月", PeriodStatus.DONE, 1), ("2026年11月", PeriodStatus.DUE, 0),
    ]
    assert statuses(calendar, "vanguard_day")[-1] == ("2026年11月", PeriodStatus.DONE, 1)
    assert statuses(calendar, "org_life_meeting") == [("2026年", PeriodStatus.DUE, 0)]
    codes = [r.activity_type.code for r in calendar.rows]
    assert codes == ["branch_general_meeting", "branch_committee_meeting", "party_lecture", "theme_party_day",
                     "org_life_meeting", "democratic_appraisal", "heart_talk", "vanguard_day"]
    assert not calendar.compliant
    # The counted activities are attached to their cells; a yearly cell spans the months.
    q3 = next(r for r in calendar.rows if r.activity_type.code == "branch_general_meeting").cells[0]
    assert [a.topic for a in q3.activities] and q3.colspan == 3
    assert next(r for r in calendar.rows if r.activity_type.code == "heart_talk").cells[0].colspan == 5


def test_group_has_only_the_monthly_group_meeting(city):
    calendar = selectors.org_calendar(reload(city.a.group), TODAY)
    assert [r.activity_type.code for r in calendar.rows] == ["group_meeting"]
    assert len(calendar.rows[0].cells) == 13  # Nov 2025 … Nov 2026
    committee = selectors.org_calendar(reload(city.a.committee), TODAY)
    assert committee.rows == [] and not committee.assessed


def test_filled_window_is_compliant_and_one_missing_quarter_is_overdue(city):
    fill_window(city.a.branch, TODAY)
    assert selectors.org_calendar(reload(city.a.branch), TODAY).compliant
    q3 = previous_quarter(TODAY)
    fill_window(city.b.branch, TODAY, skip={("branch_general_meeting", q3.start)})
    calendar = selectors.org_calendar(reload(city.b.branch), TODAY)
    assert not calendar.compliant
    assert [(t.code, p.label) for t, p in calendar.overdue] == [("branch_general_meeting", "2026年第3季度")]


def test_org_calendar_query_count_does_not_grow(city):
    small = count_queries(lambda: selectors.org_calendar(reload(city.a.branch), TODAY))
    fill_window(city.a.branch, TODAY)
    fill_window(city.a.branch, TODAY)
    with assert_max_queries(small):
        calendar = selectors.org_calendar(reload(city.a.branch), TODAY)
    assert calendar.compliant


# ----------------------------------------------------------------------- area compliance
def _world(city):
    fill_window(city.a.branch, TODAY)
    fill_window(city.a.group, TODAY)
    fill_window(city.b.branch, TODAY, skip={("branch_general_meeting", previous_quarter(TODAY).start)})
    return city


def test_area_compliance_share_children_and_gaps(city):
    _world(city)
    result = selectors.area_compliance(city.street, TODAY)
    assert (result.summary.total, result.summary.assessed, result.summary.compliant) == (7, 4, 2)
    assert result.summary.percent == 50
    by_area = {c.area_id: c for c in result.children}
    assert [c.area_id for c in result.children] == [city.a.area.pk, city.b.area.pk]
    assert (by_area[city.a.area.pk].assessed, by_area[city.a.area.pk].compliant, by_area[city.a.area.pk].share) == (2, 2, 1.0)
    assert (by_area[city.b.area.pk].assessed, by_area[city.b.area.pk].compliant, by_area[city.b.area.pk].share) == (2, 0, 0.0)
    assert (result.own.total, result.own.assessed, result.own.share) == (1, 0, None)  # the street's working committee
    gaps = {o.name: o.overdue for o in result.noncompliant}
    assert gaps[city.b.branch.name] == [("支部党员大会", "2026年第3季度")]
    # no group meeting at all: November 2025 … October 2026 overdue, November 2026 still due
    assert len(gaps[city.b.group.name]) == 12 and gaps[city.b.group.name][0] == ("党小组会", "2025年11月")
    assert next(o for o in result.orgs if o.id == city.b.group.pk).due == [("党小组会", "2026年11月")]
    assert {o.child_area_id for o in result.noncompliant} == {city.b.area.pk}
    # The city: one child (the district) holding everything.
    top = selectors.area_compliance(city.city, TODAY)
    assert [(c.area_id, c.assessed, c.compliant) for c in top.children] == [(city.district.pk, 4, 2)]


def test_area_compliance_matches_the_org_calendars(city):
    """The SQL month buckets (Asia/Shanghai) give the same verdicts as the per-organization path."""
    _world(city)
    activity(city.b.group, "group_meeting", date(2026, 9, 30), hour=23)  # late evening, still September
    activity(city.b.group, "group_meeting", date(2026, 11, 1), hour=0)
    result = selectors.area_compliance(city.street, TODAY)
    by_id = {o.id: o for o in result.orgs}
    for org in (city.a.branch, city.a.group, city.b.branch, city.b.group):
        calendar = selectors.org_calendar(reload(org), TODAY)
        assert by_id[org.pk].compliant == calendar.compliant
        assert by_id[org.pk].overdue == [(t.name, p.label) for t, p in calendar.overdue]
    assert ("党小组会", "2026年9月") not in by_id[city.b.group.pk].overdue
    assert ("党小组会", "2026年10月") in by_id[city.b.group.pk].overdue


def test_area_compliance_query_count_is_pinned_at_two_sizes(city):
    _world(city)
    small = count_queries(lambda: selectors.area_compliance(city.street, TODAY))
    assert small == 5
    # Three more communities with their organizations, members and a year of activities.
    for label in ("丙", "丁", "戊"):
        more = build_community(city.street, city.street_org, label, members=4)
        fill_window(more.branch, TODAY)
        fill_window(more.group, TODAY, skip={("group_meeting", date(2026, 3, 1))})
        PartyOrgFactory(area=more.compound, parent=more.committee, kind=OrgKind.BRANCH, category=OrgCategory.ORGAN)
    with assert_max_queries(small):
        result = selectors.area_compliance(city.street, TODAY)
    assert len(result.children) == 5
    assert (result.summary.assessed, result.summary.compliant) == (13, 5)


def test_org_founded_inside_the_window_owes_nothing_before(city):
    PartyOrg.objects.filter(pk=city.a.group.pk).update(founded_on=date(2026, 11, 5))
    result = selectors.area_compliance(city.a.area, TODAY)
    group = next(o for o in result.orgs if o.id == city.a.group.pk)
    assert group.compliant and group.overdue == [] and group.due == [("党小组会", "2026年11月")]


# ----------------------------------------------------------------------- rule overrides
def test_rule_set_for_prefers_nearest_area_then_newest(city):
    default = RuleSet.objects.get(area__isnull=True)
    district = override(city.district, effective_from=date(2026, 1, 1), name="区规则")
    newer = override(city.district, version=2, effective_from=date(2026, 6, 1), name="区规则二")
    community = override(city.b.area, effective_from=date(2026, 7, 1), name="社区规则")
    assert selectors.rule_set_for(city.a.building, date(2025, 12, 31)) == default
    assert selectors.rule_set_for(city.a.building, date(2026, 1, 1)) == district
    assert selectors.rule_set_for(city.a.building, date(2026, 6, 1)) == newer
    assert selectors.rule_set_for(city.b.building, date(2026, 6, 30)) == newer
    assert selectors.rule_set_for(city.b.compound, date(2026, 7, 1)) == community
    assert selectors.rule_set_for(city.city, date(2026, 7, 1)) == default  # above the district


def test_override_applies_to_its_subtree_from_its_effective_date(city):
    missing = {("branch_general_meeting", previous_quarter(TODAY).start)}
    fill_window(city.a.branch, TODAY, skip=missing)
    fill_window(city.b.branch, TODAY, skip=missing)
    # Community B holds its general meeting yearly from 1 July: the third quarter is judged
    # under the new rule, and the year has meetings.
    override(city.b.area, effective_from=date(2026, 7, 1), changes={"branch_general_meeting": {"frequency": "yearly"}})
    b = selectors.org_calendar(reload(city.b.branch), TODAY)
    assert b.compliant
    assert statuses(b, "branch_general_meeting") == [
        ("2025年第4季度", PeriodStatus.DONE, 1), ("2026年第1季度", PeriodStatus.DONE, 1),
        ("2026年第2季度", PeriodStatus.DONE, 1), ("2026年", PeriodStatus.DONE, 3),
    ]
    assert b.rule_sets == ["支部工作条例（2018）默认规则 v1", "区规则 v1"]
    a = selectors.org_calendar(reload(city.a.branch), TODAY)  # outside the subtree: unchanged
    assert not a.compliant
    result = selectors.area_compliance(city.street, TODAY)
    assert {o.id: o.compliant for o in result.orgs}[city.b.branch.pk] is True
    assert {o.id: o.compliant for o in result.orgs}[city.a.branch.pk] is False


def test_override_effective_after_the_quarter_leaves_it_overdue(city):
    fill_window(city.b.branch, TODAY, skip={("branch_general_meeting", previous_quarter(TODAY).start)})
    override(city.b.area, effective_from=date(2026, 10, 1), changes={"branch_general_meeting": {"frequency": "yearly"}})
    calendar = selectors.org_calendar(reload(city.b.branch), TODAY)
    assert [(t.code, p.label) for t, p in calendar.overdue] == [("branch_general_meeting", "2026年第3季度")]
    result = selectors.area_compliance(city.street, TODAY)
    assert {o.id: o.overdue for o in result.orgs}[city.b.branch.pk] == [("支部党员大会", "2026年第3季度")]


def test_override_can_extend_rules_to_other_kinds(city):
    override(city.a.area, effective_from=date(2025, 1, 1),
             changes={"org_life_meeting": {"org_kinds": ["branch", "general_branch", "committee"]}})
    calendar = selectors.org_calendar(reload(city.a.committee), TODAY)
    assert [r.activity_type.code for r in calendar.rows] == ["org_life_meeting"]
    assert selectors.org_calendar(reload(city.b.committee), TODAY).rows == []


# ------------------------------------------------------------------------ inactive members
def test_inactive_members(city):
    m0, m1 = city.a.members
    m2 = MemberFactory(name="甲党员2", organization=city.a.branch, residence=city.a.building)
    newcomer = MemberFactory(name="新党员", organization=city.a.branch, joined_on=date(2026, 9, 1),
                             status=MemberStatus.PROBATIONARY)
    # joined long ago, but registered in the portal after the cutoff (transferred in, or just
    # entered): no six months of records here to judge by (issue 14)
    registered = MemberFactory(name="新登记党员", organization=city.a.branch, joined_on=date(2001, 7, 1),
                               registered=at(date(2026, 10, 30)))
    activity(city.a.branch, "theme_party_day", date(2026, 7, 1), present=[m0], absent=[m2])
    activity(city.a.branch, "theme_party_day", date(2026, 4, 1), present=[m1])
    # The cutoff is 22 May 2026: m1 last attended in April, m2 was absent since.
    inactive = list(selectors.inactive_members(city.a.area, TODAY))
    assert selectors.last_attended(inactive) == {m1.pk: at(date(2026, 4, 1))}
    assert {m.pk: m.last_present for m in inactive} == {m1.pk: at(date(2026, 4, 1)), m2.pk: None}
    assert newcomer.pk not in {m.pk for m in inactive} and registered.pk not in {m.pk for m in inactive}
    # by organization; a group's roster is its branch's members living in its building
    assert {m.pk for m in selectors.inactive_members(city.a.branch, TODAY)} == {m1.pk, m2.pk}
    assert {m.pk for m in selectors.inactive_members(city.a.group, TODAY)} == {m1.pk, m2.pk}
    assert {m.pk for m in selectors.inactive_members(city.b.area, TODAY)} == {m.pk for m in city.b.members}
    # present on the cutoff day itself counts as active
    activity(city.a.branch, "theme_party_day", date(2026, 5, 22), hour=0, present=[m1])
    assert {m.pk for m in selectors.inactive_members(city.a.area, TODAY)} == {m2.pk}


# ---------------------------------------------------------------------------- service hours
def test_service_hours_for_a_period(city):
    m0, m1 = city.a.members
    for day, hours in ((date(2026, 1, 30), "2"), (date(2026, 2, 27), "1.5"), (date(2025, 12, 26), "3")):
        ServiceRecord.objects.create(member=m0, source="activity", source_id=day.toordinal(), hours=Decimal(hours), occurred_on=day)
    members = selectors.with_service_hours(selectors.roster(city.a.branch), date(2026, 1, 1), date(2026, 12, 31))
    assert {m.pk: m.service_hours for m in members} == {m0.pk: Decimal("3.5"), m1.pk: Decimal("0")}
    assert selectors.member_service_hours(m0, date(2025, 1, 1), date(2026, 12, 31)) == Decimal("6.5")


def test_window_start_never_precedes_a_new_org(city):
    new = PartyOrgFactory(area=city.a.compound, parent=city.a.committee, founded_on=TODAY + timedelta(days=3))
    calendar = selectors.org_calendar(reload(new), TODAY)
    assert calendar.start == TODAY and calendar.compliant

