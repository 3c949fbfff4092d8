"""The list and detail contracts (dangjian.testing.contracts) of organizational life: the
API (activities and their attendance, activity types, rule sets, compliance, calendars,
inactive members, service hours) and the pages — refused when not permitted, 404 out of
scope as for missing, in scope visible, query count flat and within
``assessments/tests/budgets.py``."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from assessments.life.actions import org_verdicts_refresh
from assessments.life.choices import AttendanceStatus, Frequency
from assessments.life.models import ActivityRule, ActivityType, Attendance, RuleSet
from assessments.tests.budgets import BUDGETS
from assessments.tests.factories import ActivityFactory, activity, activity_type, ensure_default_rules
from assessments.tests.worlds import CityWorld, OverseerWorld, new_branch, new_compound, serial
from dangjian.testing.contracts import ApiDetailContract, ApiListContract, PageDetailContract, PageListContract, by_pk
from organizations.tests.factories import MemberFactory
from services.ledger.models import ServiceRecord, ServiceSource

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def default_rules(db):
    ensure_default_rules()


def new_activity(community):
    """A theme party day of a new branch of ``community`` two days ago, its members present."""
    org = new_branch(community)
    members = [MemberFactory(organization=org, residence=community.building) for _ in range(2)]
    return activity(org, "theme_party_day", TODAY - timedelta(days=2), present=members)


def attend(obj, community):
    """One more member of the activity's organization, present."""
    member = MemberFactory(organization=obj.org, residence=community.building)
    return Attendance.objects.create(activity=obj, member=member, status=AttendanceStatus.PRESENT)


def new_rule_set(community):
    """An override for a new compound of ``community`` with one rule."""
    rule_set = RuleSet.objects.create(area=new_compound(community), name=f"小区规则{serial()}", version=1, effective_from=TODAY)
    add_rule(rule_set)
    return rule_set


def add_rule(rule_set):
    taken = rule_set.rules.values("activity_type")
    kind = ActivityType.objects.exclude(pk__in=taken).order_by("pk").first()
    return ActivityRule.objects.create(rule_set=rule_set, activity_type=kind, frequency=Frequency.QUARTERLY)


def org_with_activities(area, community):
    """A branch anchored at ``area`` with a member and a branch meeting this quarter."""
    org = new_branch(community, area)
    member = MemberFactory(organization=org, residence=community.building)
    return activity(org, "branch_general_meeting", TODAY, present=[member])


def new_member(community):
    return MemberFactory(organization=community.branch, residence=community.building)


# --------------------------------------------------------------------------- API
class ActivityWorld(CityWorld):
    def make_in_scope(self):
        return new_activity(self.w.a)

    def make_out_of_scope(self):
        return new_activity(self.w.b)

    def make_related(self, obj):
        return attend(obj, self.w.a)


class TestActivityApi(ActivityWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/activities/"
    detail_url = by_pk("activity-detail")
    list_budget = BUDGETS["activity-list"]
    detail_budget = BUDGETS["activity-detail"]


class TestActivityAttendanceApi(ActivityWorld, ApiDetailContract):
    detail_url = by_pk("activity-attendance")
    detail_budget = BUDGETS["activity-attendance"]


class TestActivityTypeApi(CityWorld, ApiListContract, ApiDetailContract):
    """Reference data every signed-in user reads: nothing is out of scope."""

    list_url = "/api/activity-types/"
    detail_url = by_pk("activity-type-detail")
    list_budget = BUDGETS["activity-type-list"]
    detail_budget = BUDGETS["activity-type-detail"]

    def make_in_scope(self):
        n = serial()
        return ActivityType.objects.create(code=f"contract-{n}", name=f"合同活动{n}", sort_order=200 + n)

    def make_out_of_scope(self):
        pytest.skip("activity types are reference data every signed-in user reads: none is out of scope")


class TestRuleSetApi(CityWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/rule-sets/"
    detail_url = by_pk("rule-set-detail")
    list_budget = BUDGETS["rule-set-list"]
    detail_budget = BUDGETS["rule-set-detail"]

    def make_in_scope(self):
        return new_rule_set(self.w.a)

    def make_out_of_scope(self):
        return new_rule_set(self.w.b)

    def make_related(self, rule_set):
        return add_rule(rule_set)


class TestRuleSetEffectiveApi(CityWorld, ApiDetailContract):
    """``/api/rule-sets/effective/?area=``: the rules in force for an area."""

    detail_budget = BUDGETS["rule-set-effective"]

    @staticmethod
    def detail_url(area):
        return f"{reverse('rule-set-effective')}?area={area.pk}"

    def make_in_scope(self):
        return new_rule_set(self.w.a).area

    def make_out_of_scope(self):
        return new_rule_set(self.w.b).area

    def make_related(self, area):
        return add_rule(area.rule_sets.get())


class TestComplianceApi(OverseerWorld, ApiDetailContract):
    detail_url = by_pk("compliance-detail")
    detail_budget = BUDGETS["compliance-detail"]

    def make_in_scope(self):
        return new_compound(self.w.a)

    def make_out_of_scope(self):
        return new_compound(self.w.b)

    def make_related(self, area):
        return org_with_activities(area, self.w.a)


class TestOrgCalendarApi(CityWorld, ApiDetailContract):
    detail_url = by_pk("org-calendar-detail")
    detail_budget = BUDGETS["org-calendar-detail"]

    def make_in_scope(self):
        return new_branch(self.w.a)

    def make_out_of_scope(self):
        return new_branch(self.w.b)

    def make_related(self, org):
        return activity(org, "theme_party_day", TODAY - timedelta(days=serial() % 300))


class MemberReportWorld(OverseerWorld):
    """Members of the cadre's top area (甲): none has attended anything."""

    def make_in_scope(self):
        return new_member(self.w.a)

    def make_out_of_scope(self):
        return new_member(self.w.b)


class TestInactiveMemberApi(MemberReportWorld, ApiListContract):
    list_url = "/api/inactive-members/"
    list_budget = BUDGETS["inactive-member-list"]


class TestServiceHoursApi(MemberReportWorld, ApiListContract):
    list_url = "/api/service-hours/"
    list_budget = BUDGETS["service-hours-list"]


# --------------------------------------------------------------------------- pages
class TestActivityPages(ActivityWorld, PageListContract, PageDetailContract):
    list_url = reverse_lazy("assessments:activity_list")
    detail_url = by_pk("assessments:activity_detail")
    list_budget = BUDGETS["assessments:activity_list"]
    detail_budget = BUDGETS["assessments:activity_detail"]


class OrgWorld(CityWorld):
    def make_in_scope(self):
        return new_branch(self.w.a)

    def make_out_of_scope(self):
        return new_branch(self.w.b)

    def make_related(self, org):
        """An activity of the organization this month, a member present."""
        return activity(org, "theme_party_day", TODAY, present=[MemberFactory(organization=org)])


class TestOrgActivitiesPage(OrgWorld, PageDetailContract):
    detail_url = by_pk("assessments:org_activities")
    detail_budget = BUDGETS["assessments:org_activities"]


class TestOrgMonthPage(OrgWorld, PageDetailContract):
    detail_url = by_pk("assessments:org_month")
    detail_budget = BUDGETS["assessments:org_month"]


class TestOrgCalendarPage(OrgWorld, PageDetailContract):
    detail_url = by_pk("assessments:org_calendar")
    detail_budget = BUDGETS["assessments:org_calendar"]


class TestCompliancePage(OverseerWorld, PageDetailContract):
    detail_url = by_pk("assessments:compliance")
    detail_budget = BUDGETS["assessments:compliance"]

    def make_in_scope(self):
        return new_compound(self.w.a)

    def make_out_of_scope(self):
        return new_compound(self.w.b)

    def make_related(self, area):
        """An organization with activities, its verdict stored (as filing its activities or
        the nightly refresh leaves it): the page in its steady state.  A stale subtree is
        evaluated first, in a fixed number of queries too (test_views)."""
        related = org_with_activities(area, self.w.a)
        org_verdicts_refresh(org=related.org)
        return related


class TestInactivePage(MemberReportWorld, PageListContract):
    list_url = reverse_lazy("assessments:inactive")
    list_budget = BUDGETS["assessments:inactive"]


class ServedWorld(MemberReportWorld):
    """Members of 甲 and 乙 with service hours this year."""

    def _served(self, community):
        member = new_member(community)
        ServiceRecord.objects.create(member=member, source=ServiceSource.WISH, source_id=serial(), hours=Decimal("2"),
                                     occurred_on=timezone.localdate())
        return member

    def make_in_scope(self):
        return self._served(self.w.a)

    def make_out_of_scope(self):
        return self._served(self.w.b)


class TestServiceHoursPage(ServedWorld, PageListContract):
    """The ranking of those who served this year."""

    list_url = reverse_lazy("assessments:service_hours")
    list_budget = BUDGETS["assessments:service_hours"]


class TestNoServiceHoursPage(MemberReportWorld, PageListContract):
    """Those with no hours this year."""

    list_url = f"{reverse_lazy('assessments:service_hours')}?show=none"
    list_budget = BUDGETS["assessments:service_hours"]


class TestRulesPage(CityWorld, PageDetailContract):
    """``/life/rules/?area=``: the rules in force for an area, and its versions."""

    detail_budget = BUDGETS["assessments:rules"]

    @staticmethod
    def detail_url(area):
        return f"{reverse('assessments:rules')}?area={area.pk}"

    def make_in_scope(self):
        return new_rule_set(self.w.a).area

    def make_out_of_scope(self):
        return new_rule_set(self.w.b).area

    def make_related(self, area):
        return add_rule(area.rule_sets.get())


class SignInWorld(CityWorld):
    """A member of 甲's branch; activities of that branch open for sign-in now are in scope,
    those of 乙's branch are not."""

    @pytest.fixture(autouse=True)
    def _member(self, _world):
        from services.tests.factories import member_user

        self.member = member_user(self.w.a.members[0])

    @pytest.fixture
    def user_in_scope(self):
        return self.member

    def _open_now(self, org):
        now = timezone.now()
        return ActivityFactory(org=org, activity_type=activity_type("theme_party_day"),
                               starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(hours=1))

    def make_in_scope(self):
        return self._open_now(self.w.a.branch)

    def make_out_of_scope(self):
        return self._open_now(self.w.b.branch)


class TestMySignInsPage(SignInWorld, PageListContract):
    list_url = reverse_lazy("assessments:my_sign_ins")
    list_budget = BUDGETS["assessments:my_sign_ins"]
    detail_url = staticmethod(lambda activity: reverse("assessments:sign_in", args=[activity.signin_token]))


def test_my_sign_ins_lists_only_open_activities_not_yet_signed(city):
    from dangjian.testing.clients import logged_in
    from services.tests.factories import member_user

    me = member_user(city.a.members[0])
    now = timezone.now()
    soon = ActivityFactory(org=city.a.branch, starts_at=now + timedelta(minutes=20), ends_at=now + timedelta(hours=2))
    ActivityFactory(org=city.a.branch, starts_at=now + timedelta(hours=3), ends_at=now + timedelta(hours=4))  # not yet
    ActivityFactory(org=city.a.branch, starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=1))  # closed
    signed = ActivityFactory(org=city.a.branch, starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=1))
    Attendance.objects.create(activity=signed, member=me.member, status=AttendanceStatus.PRESENT)
    response = logged_in(me).get(reverse("assessments:my_sign_ins"))
    assert [a.pk for a in response.context["page_obj"]] == [soon.pk]
    assert reverse("assessments:sign_in", args=[soon.signin_token]) in response.content.decode()

