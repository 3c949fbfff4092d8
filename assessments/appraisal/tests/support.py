"""Helpers of the appraisal tests (no tests here): a city with cadres, in-service members
with and without a 双报到 report, and rounds moved through the real actions."""
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from assessments.appraisal import actions
from assessments.tests.factories import activity, ensure_default_rules
from organizations.grants.choices import Role
from organizations.tests.factories import MemberFactory, build_city, user_with
from services.checkins.models import MemberReport

TODAY = timezone.localdate()
YEAR = TODAY.year
LAST_YEAR = YEAR - 1


@dataclass
class World:
    city: object
    a_cadre: object
    b_cadre: object
    street: object


def make_world() -> World:
    ensure_default_rules()
    c = build_city()
    return World(c, user_with(Role.COMMUNITY, c.a.area), user_with(Role.COMMUNITY, c.b.area), user_with(Role.STREET, c.street))


def meeting(org, year=YEAR, present=(), code="org_life_meeting"):
    day = date(year, 3, 15) if year == TODAY.year and TODAY >= date(year, 3, 15) else date(year, 1, 10)
    if year == TODAY.year and TODAY < day:
        day = TODAY
    return activity(org, code, day, present=present)


def reported(member, community, year=YEAR):
    day = date(year, 1, 5) if year < TODAY.year or TODAY >= date(year, 1, 5) else TODAY
    return MemberReport.objects.create(member=member, community=community.area, reported_on=day,
                                       valid_until=day + timedelta(days=180))


def in_service(community, *, name, report=False, year=YEAR):
    m = MemberFactory(name=name, organization=community.branch, residence=community.building, in_service=True,
                      employer="市直机关")
    if report:
        reported(m, community, year)
    return m


def round_of(org, cadre, year=YEAR, *, with_meeting=True):
    return actions.appraisal_create(actor=cadre, org=org, year=year,
                                    activity=meeting(org, year) if with_meeting else None)


def grade_all(appraisal, cadre, members, grade="qualified", note=""):
    return actions.appraisal_grade(actor=cadre, appraisal=appraisal, entries={m.pk: (grade, note) for m in members})


def confirmed(org, cadre, year=YEAR, grade="qualified"):
    a = round_of(org, cadre, year)
    from assessments.appraisal.selectors import sheet_members

    grade_all(a, cadre, list(sheet_members(a)), grade)
    return actions.appraisal_confirm(actor=cadre, appraisal=a)
