"""Reads of the regional network, already scoped to the user: committees, their seats,
meetings, problems and commitments, the pairings, and the figures (one grouped query each,
never a query per row).

A whistled problem is settled when its whistle is closed: ``settled_q`` and ``shown_status``
read the whistle's status in the same query, so the problem follows its whistle with no
copy to keep in step."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Case, CharField, Count, F, Func, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian import trees
from dangjian.scoping import InArea
from network.committees.choices import PART_TIME_ROLES, ProblemShown, ProblemStatus
from network.committees.models import (
    BranchPairing,
    CommitteeMeeting,
    CommitteeProblem,
    CommitteeSeat,
    JointCommittee,
    UnitCommitment,
)
from network.committees.permissions import ROLES
from services.whistles.choices import WhistleStatus


# ------------------------------------------------------------------------ problems' status
def settled_q(prefix: str = "") -> Q:
    """Problems settled: by the committee, or through their whistle, closed."""
    return Q(**{f"{prefix}status": ProblemStatus.SETTLED}) | Q(
        **{f"{prefix}status": ProblemStatus.WHISTLED, f"{prefix}whistle__status": WhistleStatus.CLOSED})


def open_q(prefix: str = "") -> Q:
    """Problems still to settle: open, or whose whistle was cancelled."""
    return Q(**{f"{prefix}status": ProblemStatus.OPEN}) | Q(
        **{f"{prefix}status": ProblemStatus.WHISTLED, f"{prefix}whistle__status": WhistleStatus.CANCELLED})


SHOWN_FILTERS = {
    ProblemShown.OPEN: Q(status=ProblemStatus.OPEN),
    ProblemShown.WHISTLED: Q(status=ProblemStatus.WHISTLED, whistle__status__in=(WhistleStatus.OPEN, WhistleStatus.AWAITING)),
    ProblemShown.SETTLED: settled_q(),
    ProblemShown.DECLINED: Q(status=ProblemStatus.DECLINED),
    ProblemShown.WITHDRAWN: Q(status=ProblemStatus.WHISTLED, whistle__status=WhistleStatus.CANCELLED),
}


def shown_status():
    return Case(
        When(status=ProblemStatus.WHISTLED, whistle__status=WhistleStatus.CLOSED, then=Value(ProblemShown.SETTLED.value)),
        When(status=ProblemStatus.WHISTLED, whistle__status=WhistleStatus.CANCELLED,
             then=Value(ProblemShown.WITHDRAWN.value)),
        default=F("status"), output_field=CharField(),
    )


def with_shown(qs):
    return qs.annotate(shown=shown_status(), settled_on=Coalesce("settled_at", "whistle__closed_at"))


def shown_label(value) -> str:
    return ProblemShown(value).label


# ------------------------------------------------------------------------- committees
def committees_for(user):
    return JointCommittee.objects.visible_to(user)


def committee_list(user):
    """Committees with their current seats, meetings and problems counted (one query)."""
    return committees_for(user).select_related("area", "convener").annotate(
        n_seats=_count(CommitteeSeat.objects.filter(committee=OuterRef("pk"), until__isnull=True)),
        n_meetings=_count(CommitteeMeeting.objects.filter(committee=OuterRef("pk"))),
        n_open=_count(CommitteeProblem.objects.filter(open_q(), committee=OuterRef("pk"))),
    )


def _count(qs):
    """A scalar subquery counting ``qs``'s rows."""
    return Coalesce(Subquery(qs.order_by().values(n=Func(F("pk"), function="COUNT"))[:1], output_field=IntegerField()),
                    0)


def seats_of(committee):
    return (CommitteeSeat.objects.filter(committee=committee).select_related("unit__community", "department__area")
            .order_by(F("until").desc(nulls_first=True), "role", "pk"))


def meetings_of(committee):
    return (CommitteeMeeting.objects.filter(committee=committee).select_related("activity")
            .annotate(n_attending=Count("attending", distinct=True))
            .order_by("-activity__starts_at", "-pk"))


def problems_for(user):
    return with_shown(CommitteeProblem.objects.visible_to(user)).select_related(
        "committee__area", "meeting__activity", "raised_by__unit", "raised_by__department", "whistle")


def commitments_for(user):
    return UnitCommitment.objects.visible_to(user).select_related("committee", "seat__unit", "seat__department")


def committee_figures(committee, year=None) -> dict:
    """Problems raised and settled, and commitments made and fulfilled this year (one query each)."""
    year = year or timezone.localdate().year
    problems = CommitteeProblem.objects.filter(committee=committee).aggregate(
        raised=Count("pk"), settled=Count("pk", filter=settled_q()), open=Count("pk", filter=open_q()))
    commitments = UnitCommitment.objects.filter(committee=committee, year=year).aggregate(
        made=Count("pk"), fulfilled=Count("pk", filter=Q(fulfilled_on__isnull=False)))
    return {**problems, **{f"commitments_{k}": v for k, v in commitments.items()},
            "rate": rate(commitments["fulfilled"], commitments["made"]), "year": year}


def rate(part, whole) -> str:
    return f"{part * 100 / whole:.0f}%" if whole else "—"


def commitment_totals(qs) -> dict:
    """Commitments made and fulfilled among ``qs``, and the funds pledged and paid (one query)."""
    from django.db.models import Sum

    row = qs.order_by().aggregate(
        made=Count("pk"), fulfilled=Count("pk", filter=Q(fulfilled_on__isnull=False)),
        pledged=Sum("amount"), paid=Sum("amount", filter=Q(fulfilled_on__isnull=False)))
    return {**row, "rate": rate(row["fulfilled"], row["made"])}


def fulfilment_by_committee(qs):
    """Commitments made and fulfilled per committee of ``qs`` (one grouped query)."""
    return {row["committee_id"]: row for row in qs.order_by().values("committee_id").annotate(
        made=Count("pk"), fulfilled=Count("pk", filter=Q(fulfilled_on__isnull=False)))}


# ------------------------------------------------------------------------- pairings
def pairings_for(user):
    return BranchPairing.objects.visible_to(user).select_related("organ_branch", "compound_branch__area")


def organ_branches_for(user):
    """Organ branches (机关党支部) a cadre may pair: those of the organs above or inside the
    areas the user manages (the city's and the district's organs)."""
    from dangjian.scoping import get_scope
    from organizations.orgs.choices import OrgCategory, OrgKind
    from organizations.orgs.models import PartyOrg

    scope = get_scope(user)
    qs = PartyOrg.objects.filter(category=OrgCategory.ORGAN, kind=OrgKind.BRANCH)
    if scope.is_global:
        return qs.select_related("area").order_by("name", "pk")
    where = trees.NOTHING
    for r in scope.areas_for(ROLES):
        where |= trees.ancestors_q(r, "area") | trees.subtree_q(r, "area")
    return qs.filter(where).select_related("area").order_by("name", "pk")


def compound_branches_for(user):
    from organizations.orgs.choices import OrgCategory, OrgKind
    from organizations.orgs.models import PartyOrg

    return (PartyOrg.objects.granted(user, InArea("area", ROLES))
            .filter(category=OrgCategory.COMPOUND, kind=OrgKind.BRANCH).select_related("area").order_by("name", "pk"))


def org_pairings(user, org):
    """The current pairings an organization takes part in (its org page's panel)."""
    return (pairings_for(user).current().filter(Q(organ_branch=org) | Q(compound_branch=org))
            .order_by("compound_branch__name", "pk"))


# ------------------------------------------------------------------------- dashboard
def _year_bounds(year):
    tz = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(date(year, 1, 1), time.min), tz),
            timezone.make_aware(datetime.combine(date(year + 1, 1, 1), time.min), tz))


def area_tiles(user, area) -> list[dict]:
    """The network's tiles of ``area``'s subtree for the dashboard, in one query (scalar
    subqueries over the user's scoped rows)."""
    from organizations.areas.models import Area

    year = timezone.localdate().year
    start, end = _year_bounds(year)
    inside = trees.subtree_q(area, "area")
    committees = JointCommittee.objects.visible_to(user).filter(inside)
    by_committee = {"committee__in": committees.values("pk")}
    pairings = BranchPairing.objects.visible_to(user).current().filter(trees.subtree_q(area, "compound_branch__area"))
    row = Area.objects.filter(pk=area.pk).annotate(
        committees=_count(committees),
        seats=_count(CommitteeSeat.objects.filter(until__isnull=True, role__in=PART_TIME_ROLES, **by_committee)),
        meetings=_count(CommitteeMeeting.objects.filter(activity__starts_at__gte=start, activity__starts_at__lt=end,
                                                        **by_committee)),
        raised=_count(CommitteeProblem.objects.filter(**by_committee)),
        settled=_count(CommitteeProblem.objects.filter(settled_q(), **by_committee)),
        made=_count(UnitCommitment.objects.filter(year=year, **by_committee)),
        fulfilled=_count(UnitCommitment.objects.filter(year=year, fulfilled_on__isnull=False, **by_committee)),
        pairings=_count(pairings),
    ).values("committees", "seats", "meetings", "raised", "settled", "made", "fulfilled", "pairings").first() or {}
    get = row.get
    problems_url = reverse("committees:problems")
    return [
        {"label": _("联席组织"), "value": str(get("committees", 0)),
         "url": f"{reverse('committees:list')}?area={area.pk}", "note": _("街道大工委、社区大党委、联席会")},
        {"label": _("兼职委员"), "value": str(get("seats", 0)), "url": "", "note": _("在任")},
        {"label": _("本年联席会议"), "value": str(get("meetings", 0)), "url": "", "note": str(year)},
        {"label": _("会议提出问题"), "value": str(get("raised", 0)), "url": f"{problems_url}?area={area.pk}",
         "note": ""},
        {"label": _("已解决问题"), "value": str(get("settled", 0)),
         "url": f"{problems_url}?area={area.pk}&status={ProblemShown.SETTLED.value}", "note": ""},
        {"label": _("承诺兑现"), "value": f"{get('fulfilled', 0)}/{get('made', 0)}",
         "url": f"{reverse('committees:commitments')}?area={area.pk}&year={year}",
         "note": _("兑现率 %(rate)s") % {"rate": rate(get("fulfilled", 0), get("made", 0))}},
        {"label": _("结对共建"), "value": str(get("pairings", 0)),
         "url": f"{reverse('committees:pairings')}?area={area.pk}", "note": _("机关党支部与小区党支部")},
    ]


WAITING_DAYS = 30  # the home page lists open problems older than this


def waiting_problems(user, now=None):
    """Open problems of the committees the user manages, raised more than ``WAITING_DAYS``
    ago (the home page's to-do; the problems list's ``?waiting=1``)."""
    now = now or timezone.now()
    return CommitteeProblem.objects.visible_to(user).filter(open_q(), created_at__lt=now - timedelta(days=WAITING_DAYS))
