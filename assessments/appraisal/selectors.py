"""Reads of 民主评议党员, scoped to the user and set-based (a constant number of queries
whatever the number of rows).

* ``appraisals_for(user)`` — rounds of the branches the user manages or oversees;
  ``appraisal_list`` the list page's rows, ``attach_counts`` the grade counts of a page
  (one grouped query).
* ``sheet_rows(appraisal)`` — the grading sheet: the branch's members of the year (full
  and probationary members of the branch who had joined by the end of the year, and anyone
  already graded in the round), each with ``in_service``, ``reported`` (a valid 双报到
  report during the year), ``attended`` (their attendance at the round's meeting) and the
  grade and note saved so far — one query.
* ``member_history(member)`` / ``my_grades(user)`` — the results (confirmed rounds) of a
  member, newest year first.
* ``area_figures(areas, year)`` — per area and year: branches to appraise, branches with a
  result, members graded and the count of each grade — one query for any number of areas
  (correlated counts over the area's subtree).
* ``unappraised_branches(user, area, year)`` — branches anchored in the area's subtree
  without a result for the year.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Func, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from assessments.appraisal import rules
from assessments.appraisal.choices import RESULT_STATUSES, AppraisalStatus, Grade
from assessments.appraisal.models import Appraisal, AppraisalEvent, AppraisalGrade
from assessments.life.models import Attendance
from dangjian import trees
from organizations.areas.models import Area
from organizations.members.choices import MemberStatus
from organizations.members.models import Member
from organizations.orgs.choices import OrgKind
from organizations.orgs.models import PartyOrg
from services.checkins.selectors import reported_during

#: the organizations that hold a 民主评议党员 (the life rules ask it of branches and general branches)
APPRAISING_KINDS = (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH)
#: the activity types a round may be held at
MEETING_TYPES = ("org_life_meeting", "democratic_appraisal")
GRADE_KEYS = tuple(g.value for g in Grade)

EVENT_LABELS = {
    "create": _("建立评议"),
    "grade": _("保存评议等次"),
    "meeting": _("选择评议会议"),
    AppraisalStatus.CONFIRMED.value: _("支部确认结果"),
    AppraisalStatus.APPROVED.value: _("上级审核通过"),
    AppraisalStatus.DRAFT.value: _("退回重新评议"),
}


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def grade_counts(prefix: str = "") -> dict:
    p = f"{prefix}__" if prefix else ""
    target = prefix or "pk"
    return {key: Count(target, filter=Q(**{f"{p}grade": key})) for key in GRADE_KEYS}


# ------------------------------------------------------------------------------ rounds
def appraisals_for(user):
    return Appraisal.objects.visible_to(user)


def filter_appraisals(queryset, *, year=None, status=None, q=None):
    if year:
        queryset = queryset.filter(year=year)
    if status:
        queryset = queryset.filter(status=status)
    if q:
        q = q.strip()
        queryset = queryset.filter(Q(org__name__icontains=q) | Q(org__code__iexact=q))
    return queryset


def appraisal_list(user, **filters):
    qs = filter_appraisals(appraisals_for(user), **filters)
    return qs.select_related("org", "org__area", "activity").order_by("-year", *trees.tree_order("org"), "pk")


def attach_counts(appraisals):
    """Set ``counts`` ({grade: n}), ``graded`` and ``excellent_share`` on a fetched page (one query)."""
    appraisals = list(appraisals)
    found = {}
    if appraisals:
        rows = (AppraisalGrade.objects.filter(appraisal_id__in=[a.pk for a in appraisals]).order_by()
                .values("appraisal_id").annotate(**grade_counts()))
        found = {r["appraisal_id"]: r for r in rows}
    for a in appraisals:
        row = found.get(a.pk, {})
        a.counts = {key: row.get(key, 0) for key in GRADE_KEYS}
        a.graded = sum(a.counts.values())
        a.excellent_share = rules.share_percent(a.counts[Grade.EXCELLENT], a.graded)
    return appraisals


def appraisal_events(appraisal, limit=100):
    events = list(AppraisalEvent.objects.filter(appraisal=appraisal).select_related("actor").order_by("-at", "-pk")[:limit])
    for e in events:
        e.label = str(EVENT_LABELS.get(e.action, e.action))
    return events


def latest_result(org):
    """The branch's latest confirmed round with its counts (one query), or None."""
    row = (Appraisal.objects.filter(org=org, status__in=list(RESULT_STATUSES)).order_by("-year")
           .annotate(**{f"n_{k}": v for k, v in grade_counts("grades").items()}).first())
    if row is not None:
        row.counts = {k: getattr(row, f"n_{k}") for k in GRADE_KEYS}
        row.graded = sum(row.counts.values())
    return row


# ------------------------------------------------------------------------------- sheet
def sheet_members(appraisal):
    """The members a round grades: the branch's full and probationary members who had
    joined by the end of the year, and everyone already graded in it (who may have moved
    since)."""
    _start, end = year_bounds(appraisal.year)
    current = Q(organization_id=appraisal.org_id, status__in=[MemberStatus.FULL, MemberStatus.PROBATIONARY]) & (
        Q(joined_on__isnull=True) | Q(joined_on__lte=end))
    graded = Q(pk__in=AppraisalGrade.objects.filter(appraisal=appraisal).values("member_id"))
    return Member.objects.filter(current | graded)


def sheet_rows(appraisal):
    """The grading sheet's rows, by name (one query)."""
    start, end = year_bounds(appraisal.year)
    grades = AppraisalGrade.objects.filter(appraisal=appraisal, member=OuterRef("pk"))
    qs = sheet_members(appraisal).annotate(
        reported=reported_during(start, end),
        grade=Subquery(grades.values("grade")[:1]),
        grade_note=Subquery(grades.values("note")[:1]),
    )
    if appraisal.activity_id:
        qs = qs.annotate(attended=Subquery(
            Attendance.objects.filter(activity_id=appraisal.activity_id, member=OuterRef("pk")).values("status")[:1]))
    rows = list(qs.only("pk", "name", "status", "in_service", "organization_id", "joined_on").order_by("name", "pk"))
    for row in rows:
        row.grade = row.grade or ""
        row.grade_note = row.grade_note or ""
        row.attended = getattr(row, "attended", None)
        row.may_be_qualified = not (row.in_service and not row.reported)
    return rows


def appraisal_grades(appraisal):
    """The grades saved in a round, with their members (one query)."""
    return list(AppraisalGrade.objects.filter(appraisal=appraisal).select_related("member").order_by("member__name", "pk"))


# ----------------------------------------------------------------------- member record
def member_history(member):
    """A member's results (confirmed rounds), newest year first (one query)."""
    return list(
        AppraisalGrade.objects.filter(member=member, appraisal__status__in=list(RESULT_STATUSES))
        .select_related("appraisal__org").order_by("-appraisal__year", "-pk")
    )


def my_grades(user):
    return list(
        AppraisalGrade.objects.filter(member__user_id=user.pk, appraisal__status__in=list(RESULT_STATUSES))
        .select_related("appraisal__org", "member").order_by("-appraisal__year", "-pk")
    )


# ----------------------------------------------------------------------------- figures
class _SubCount(Subquery):
    """``COUNT(*)`` of a correlated queryset, as a scalar subquery."""

    output_field = IntegerField()

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset.order_by().annotate(_n=Func(Value(1), function="COUNT")).values("_n"), **kwargs)


@dataclass
class AreaFigures:
    area_id: int
    name: str
    level: int
    branches: int
    appraised: int
    counts: dict

    @property
    def graded(self) -> int:
        return sum(self.counts.values())

    @property
    def not_appraised(self) -> int:
        return max(self.branches - self.appraised, 0)

    @property
    def excellent_share(self):
        return rules.share_percent(self.counts.get(Grade.EXCELLENT, 0), self.graded)

    def share(self, key):
        return rules.share_percent(self.counts.get(key, 0), self.graded)


def area_figures(area_ids, year: int) -> list[AreaFigures]:
    """The figures of each area's subtree for ``year`` (one query; rounds count once confirmed)."""
    inside = lambda prefix: trees.subtree_q(trees.outer(), prefix)  # noqa: E731
    results = Appraisal.objects.filter(inside("org__area"), year=year, status__in=list(RESULT_STATUSES))
    grades = AppraisalGrade.objects.filter(inside("appraisal__org__area"), appraisal__year=year,
                                           appraisal__status__in=list(RESULT_STATUSES))
    annotations = {
        "n_branches": _SubCount(PartyOrg.objects.filter(inside("area"), kind__in=APPRAISING_KINDS)),
        "n_appraised": _SubCount(results),
        **{f"n_{key}": _SubCount(grades.filter(grade=key)) for key in GRADE_KEYS},
    }
    rows = (Area.objects.filter(pk__in=list(area_ids)).annotate(**{k: Coalesce(v, 0) for k, v in annotations.items()})
            .order_by(*trees.preorder()))
    return [
        AreaFigures(a.pk, a.name, a.level, a.n_branches, a.n_appraised, {k: getattr(a, f"n_{k}") for k in GRADE_KEYS})
        for a in rows
    ]


def unappraised_branches(area, year: int):
    """Branches anchored in ``area``'s subtree without a confirmed round for ``year`` (a queryset)."""
    done = Appraisal.objects.filter(year=year, status__in=list(RESULT_STATUSES)).values("org_id")
    return (PartyOrg.objects.filter(trees.subtree_q(area, "area"), kind__in=APPRAISING_KINDS)
            .exclude(pk__in=done).select_related("area").order_by(*trees.tree_order()))



# ------------------------------------------------------------------------------ pickers
def gradable_orgs(user):
    """Branches whose rounds the user opens (a managing role over them)."""
    from dangjian.scoping import InArea, InOrg
    from organizations.grants.choices import MANAGE_ROLES

    return PartyOrg.objects.granted(user, InOrg("", MANAGE_ROLES), InArea("area", MANAGE_ROLES)).filter(
        kind__in=APPRAISING_KINDS)


def pickable_orgs(user):
    return gradable_orgs(user).select_related("area").order_by(*trees.tree_order())


def pickable_meetings(user, *, years=None):
    """组织生活会 and 民主评议党员 meetings of the branches the user grades, newest first."""
    from assessments.life.models import Activity

    qs = Activity.objects.filter(org__in=gradable_orgs(user).values("pk"), activity_type__code__in=MEETING_TYPES)
    if years:
        qs = qs.filter(starts_at__year__in=list(years))
    return qs.select_related("org", "activity_type").order_by("-starts_at", "-pk")


def meeting_label(activity) -> str:
    from django.utils import timezone

    day = timezone.localtime(activity.starts_at).date()
    return f"{activity.org.name} · {day:%Y-%m-%d} · {activity.activity_type.name} · {activity.topic}"
