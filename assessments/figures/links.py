"""The records list behind a figure of a subject: the page a reviewer opens to check it."""
from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from assessments.figures.choices import COUNT_ACTIVITIES, COUNT_MEMBERS, MONTHS_ACTIVITIES
from assessments.figures.subjects import Subjects
from assessments.scoring.choices import IndicatorSource


def _reverse(name, args=(), fallback=None):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


class Links:
    """The records list behind a line, as a path + query (bases reversed once per indicator)."""

    def __init__(self, subjects: Subjects, period, indicator):
        self.subjects, self.period, self.indicator = subjects, period, indicator
        source = indicator.source
        self.make = {
            IndicatorSource.ACTIVITY_COMPLIANCE: self._compliance,
            IndicatorSource.MEMBER_REPORTING: self._reporting,
            IndicatorSource.SERVICE_HOURS: self._hours,
            IndicatorSource.WISH_FULFILMENT: self._wishes,
            IndicatorSource.WISH_SATISFACTION: self._wishes,
            IndicatorSource.REQUEST_RATES: self._requests,
            IndicatorSource.WHISTLE_RATES: self._whistles,
            IndicatorSource.CHECKLIST_COMPLETION: self._checklists,
            IndicatorSource.RECTIFICATION_CLOSURE: self._checklists,
            IndicatorSource.GRID_COVERAGE: self._coverage,
            IndicatorSource.DUES_PAID: self._by_org_or_area,
            IndicatorSource.DEVELOPMENT_ON_TIME: self._by_org_or_area,
            COUNT_ACTIVITIES: self._activities,
            MONTHS_ACTIVITIES: self._activities,
            COUNT_MEMBERS: self._members,
            IndicatorSource.MANUAL: self._manual,
        }.get(source)
        self.base = {}
        if source == IndicatorSource.ACTIVITY_COMPLIANCE:
            self.base["area"] = _reverse("assessments:compliance", args=[0])
            self.base["org"] = _reverse("assessments:org_calendar", args=[0])
        elif source == IndicatorSource.DUES_PAID:
            self.base["org"] = _reverse("organizations:dues_sheet", args=[0])
            self.base["area"] = _reverse("organizations:dues_totals")
        elif source == IndicatorSource.DEVELOPMENT_ON_TIME:
            self.base["org"] = _reverse("organizations:development_branch", args=[0])
            self.base["area"] = _reverse("organizations:development_case_list")
        elif source in (COUNT_ACTIVITIES, MONTHS_ACTIVITIES):
            self.base["org"] = _reverse("assessments:org_activities", args=[0])
            self.base["area"] = _reverse("assessments:compliance", args=[0])
        elif source == COUNT_MEMBERS:
            self.base["org"] = _reverse("organizations:member_list")
            self.base["area"] = _reverse("organizations:area_detail", args=[0])
        elif source == IndicatorSource.SERVICE_HOURS:
            self.base["list"] = _reverse("assessments:service_hours")
        elif source in (IndicatorSource.WISH_FULFILMENT, IndicatorSource.WISH_SATISFACTION):
            self.base["list"] = _reverse("services:wish_list", fallback="/services/wishes/")
        elif source == IndicatorSource.REQUEST_RATES:
            self.base["list"] = _reverse("requests:list", fallback="/services/requests/")
        elif source == IndicatorSource.WHISTLE_RATES:
            self.base["list"] = _reverse("whistles:list", fallback="/services/whistles/")
        elif source == IndicatorSource.MEMBER_REPORTING:
            self.base["board"] = _reverse("reporting:board", args=[0])
        elif source in (IndicatorSource.CHECKLIST_COMPLETION, IndicatorSource.RECTIFICATION_CLOSURE):
            self.base["list"] = _reverse("checklist:index", fallback="/checklists/")
        elif source == IndicatorSource.GRID_COVERAGE:
            self.base["area"] = _reverse("grids:coverage", args=[0])
        elif source == IndicatorSource.MANUAL:
            self.base["list"] = _reverse("scoring:manual")

    @staticmethod
    def _with_id(base, pk):
        return base.replace("/0/", f"/{pk}/") if base else None

    def __call__(self, subject_id) -> str | None:
        return self.make(subject_id) if self.make else None

    def _compliance(self, s):
        if self.subjects.is_org:
            return self._with_id(self.base["org"], s)
        return self._with_id(self.base["area"], s)

    def _hours(self, s):
        base = self.base.get("list")
        if not base:
            return None
        target = f"org={s}" if self.subjects.is_org else f"within={s}"
        return f"{base}?{target}&year={self.period.start.year}"

    def _community_link(self, base, s):
        community = self.subjects.community_of.get(s)
        if not base:
            return None
        return f"{base}?community={community}" if community else base

    def _wishes(self, s):
        return self._community_link(self.base.get("list"), s)

    def _requests(self, s):
        return self._community_link(self.base.get("list"), s)

    def _whistles(self, s):
        return self.base.get("list")

    def _reporting(self, s):
        community = self.subjects.community_of.get(s)
        return self._with_id(self.base.get("board"), community) if community else None

    def _checklists(self, s):
        base = self.base.get("list")
        return f"{base}?year={self.period.start.year}" if base else None

    def _coverage(self, s):
        return self._with_id(self.base.get("area"), self.subjects.area_of[s])

    def _by_org_or_area(self, s):
        if self.subjects.is_org:
            return self._with_id(self.base.get("org"), s)
        return self.base.get("area")

    def _activities(self, s):
        if self.subjects.is_org:
            base = self._with_id(self.base.get("org"), s)
            return f"{base}?start={self.period.start.isoformat()}&end={self.period.end.isoformat()}" if base else None
        return self._with_id(self.base.get("area"), s)

    def _members(self, s):
        if self.subjects.is_org:
            base = self.base.get("org")
            return f"{base}?organization={s}" if base else None
        return self._with_id(self.base.get("area"), s)

    def _manual(self, s):
        base = self.base.get("list")
        return f"{base}?indicator={self.indicator.pk}&subject={s}&period={self.period.key}" if base else None


