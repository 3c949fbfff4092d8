"""Factories for organizational life.  Activity types and the default rule set come from
the data migration; these helpers only add activities, attendance and rule versions."""
from datetime import date, datetime, time, timedelta

import factory

from assessments.life import schedule
from assessments.life.choices import AttendanceStatus, Frequency
from assessments.life.default_rules import DEFAULT_RULES
from assessments.life.models import Activity, ActivityType, Attendance, MemberLastPresent, RuleSet
from organizations.tests.factories import PartyOrgFactory


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """An aware moment on a Shanghai calendar day."""
    return datetime.combine(day, time(hour, minute), tzinfo=schedule.SHANGHAI)


def activity_type(code: str) -> ActivityType:
    return ActivityType.objects.get(code=code)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    org = factory.SubFactory(PartyOrgFactory)
    activity_type = factory.LazyFunction(lambda: activity_type("branch_general_meeting"))
    starts_at = factory.LazyFunction(lambda: at(date(2026, 5, 8), 9))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    topic = factory.Sequence(lambda n: f"活动{n}")
    place = "社区党群服务中心"


def activity(org, code: str, day: date, *, hour: int = 9, present=(), absent=(), excused=(), **kwargs) -> Activity:
    """An activity of ``org`` on a Shanghai day with attendance rows (set up directly)."""
    obj = ActivityFactory(org=org, activity_type=activity_type(code), starts_at=at(day, hour), **kwargs)
    rows = [Attendance(activity=obj, member=m, status=AttendanceStatus.PRESENT) for m in present]
    rows += [Attendance(activity=obj, member=m, status=AttendanceStatus.ABSENT, reason="外出") for m in absent]
    rows += [Attendance(activity=obj, member=m, status=AttendanceStatus.EXCUSED, reason="请假") for m in excused]
    Attendance.objects.bulk_create(rows)
    MemberLastPresent.objects.refresh(member_ids=[m.pk for m in present])  # as the attendance writers do
    return obj


def default_rules_for(kind: str, category: str):
    """The default rules (from ``defaults.py``) that ask something of an organization."""
    return [
        (code, frequency, min_count)
        for code, frequency, min_count, kinds, categories in DEFAULT_RULES
        if frequency != Frequency.AS_NEEDED and schedule.rule_applies(kinds, categories, kind, category)
    ]


def fill_window(org, today: date, *, skip=()) -> list[Activity]:
    """One activity in every period of every default rule over the rolling window, dated
    on the period's first day — except the ``(code, period start)`` pairs in ``skip``.
    Bulk-created (one query), for building compliant organizations quickly."""
    start = schedule.window_start(today)
    if org.founded_on and org.founded_on > start:
        start = org.founded_on
    types = {t.code: t for t in ActivityType.objects.all()}
    rows = []
    for code, frequency, min_count in default_rules_for(org.kind, org.category):
        for period in schedule.periods_between(frequency, start, today):
            if (code, period.start) in skip:
                continue
            for i in range(min_count):
                begins = at(period.start, 9 + i)
                rows.append(Activity(
                    org=org, activity_type=types[code], starts_at=begins, ends_at=begins + timedelta(hours=1),
                    topic=f"{types[code].name}（{period.label}）",
                ))
    return Activity.objects.bulk_create(rows)


def previous_quarter(today: date) -> schedule.Period:
    current = schedule.period_of(Frequency.QUARTERLY, today)
    return schedule.period_of(Frequency.QUARTERLY, current.start - timedelta(days=1))


def override(area, *, version=1, effective_from, name="区规则", changes: dict | None = None) -> RuleSet:
    """A rule-set version for ``area`` copying the default rules with ``changes``
    (``{code: {"frequency": ...}}``), set up directly (the action is tested on its own)."""
    from assessments.life.models import ActivityRule

    default = RuleSet.objects.get(area__isnull=True, version=1)
    rule_set = RuleSet.objects.create(area=area, name=name, version=version, effective_from=effective_from)
    rules = []
    for rule in default.rules.select_related("activity_type"):
        values = {"frequency": rule.frequency, "min_count": rule.min_count,
                  "org_kinds": rule.org_kinds, "org_categories": rule.org_categories}
        values.update((changes or {}).get(rule.activity_type.code, {}))
        rules.append(ActivityRule(rule_set=rule_set, activity_type=rule.activity_type, **values))
    ActivityRule.objects.bulk_create(rules)
    return rule_set


def ensure_default_rules() -> None:
    """Transactional tests (browser, races) end by flushing the database, the rows of data
    migrations included: load the default activity types and rule set again if missing."""
    if ActivityType.objects.exists():
        return
    from importlib import import_module

    from django.apps import apps

    import_module("assessments.migrations.0002_default_rules").load(apps, None)
