"""Reads of people in several roles, committee terms and leaders linked to communities, all
scoped to the user's granted subtree; every figure a grouped query (or a few scalar
subqueries in one statement), whatever the subtree's size."""
from datetime import date

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian import trees
from dangjian.scoping import InArea, InOrg
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.members.models import Member
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg
from organizations.orgs.rules import default_term_years
from organizations.roles.choices import CROSS_BODIES, REMINDER_MONTHS, Body, LinkKind
from organizations.roles.models import LeaderLink, LeaderVisit, Position, TermRule
from organizations.roles.permissions import ROLES_READERS
from organizations.roles.terms import TermEnd, reminder_cutoff
from organizations.units.models import ResidentUnit


# ------------------------------------------------------------------------ term rules
def term_years_for(kind: str, category: str) -> int:
    """The years of a new committee's term from the ``TermRule`` rows (one query): kind and
    category, then category, then kind, then any; the code default when no rule matches."""
    rules = {
        (r.kind, r.category): r.years
        for r in TermRule.objects.filter(kind__in=[kind, ""], category__in=[category, ""])
    }
    for key in ((kind, category), ("", category), (kind, ""), ("", "")):
        if key in rules:
            return rules[key]
    return default_term_years(kind, category)


# ------------------------------------------------------------------------ positions
def positions_for(user):
    return Position.objects.granted(user, InArea("community", ROLES_READERS))


def current(queryset, today: date):
    return queryset.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today), started_on__lte=today)


def _party_post_of(today: date):
    """The current party-committee positions of the outer row's person in its community."""
    return current(Position.objects.all(), today).filter(
        body=Body.PARTY_COMMITTEE, member=OuterRef("member_id"), community=OuterRef("community_id"),
    )


def cross_positions(queryset, today: date):
    """交叉任职: the current posts in a residents' / owners' committee or a property company
    of people who also hold a current party-committee post in the same community."""
    return current(queryset, today).filter(body__in=CROSS_BODIES).filter(Exists(_party_post_of(today)))


def cross_rows(user, area, today: date):
    """The cross-appointed people's non-party posts in ``area``'s subtree, with the party post
    beside each (one query; names only: never a phone or an ID number)."""
    party = _party_post_of(today).order_by("post", "pk")
    return (
        cross_positions(positions_for(user).filter(trees.subtree_q(area, "community")), today)
        .select_related("member", "community", "place", "unit", "org")
        .only("pk", "body", "post", "started_on", "ended_on", "member__name", "community__name", "place__name",
              "unit__name", "org__name", "member_id", "community_id", "place_id", "unit_id", "org_id")
        .annotate(party_org_name=Subquery(party.values("org__name")[:1]),
                  party_post=Subquery(party.values("post")[:1]))
        .order_by(*trees.tree_order("community"), "member__name", "pk")
    )


def filter_positions(queryset, *, q="", body="", within=None, current_on=None):
    if q:
        queryset = queryset.filter(Q(member__name__icontains=q) | Q(community__name__icontains=q))
    if body:
        queryset = queryset.filter(body=body)
    if within is not None:
        queryset = queryset.filter(trees.subtree_q(within, "community"))
    if current_on is not None:
        queryset = current(queryset, current_on)
    return queryset


def position_list(user):
    return (
        positions_for(user).select_related("member", "community", "place", "unit", "org")
        .order_by(*trees.tree_order("community"), "body", "post", "member__name", "pk")
    )


def pickable_members(user):
    return Member.objects.visible_to(user).select_related("organization").only(
        "pk", "name", "organization__name").order_by("name", "pk")


def member_label(member) -> str:
    return f"{member.name}（{member.organization.name}）"


def pickable_units(user):
    return ResidentUnit.objects.visible_to(user).select_related("community").only(
        "pk", "name", "community__name").order_by("name", "pk")


def unit_label(unit) -> str:
    return f"{unit.name}（{unit.community.name}）"


# ------------------------------------------------------------------ 一肩挑 per community
def _community_orgs():
    """The community-level party organization anchored at the outer community."""
    return PartyOrg.objects.filter(area=OuterRef("pk"), category=OrgCategory.COMMUNITY)


def communities_within(user, area):
    return Area.objects.visible_to(user).filter(trees.subtree_q(area), level=AreaLevel.COMMUNITY)


def community_rows(user, area, today: date, *, yjt=None, q=""):
    """The communities of ``area``'s subtree with their party organization's secretary, the
    一肩挑 flag (``PartyOrg.secretary_also_chairs``, kept by ``actions.position_record``) and
    the number of cross-appointed people (one query)."""
    orgs = _community_orgs().order_by("pk")
    cross = cross_positions(Position.objects.filter(community=OuterRef("pk")), today)
    rows = (
        communities_within(user, area)
        .annotate(
            has_org=Exists(orgs),
            yjt=Exists(orgs.filter(secretary_also_chairs=True)),
            secretary_name=Subquery(orgs.values("secretary__name")[:1]),
            cross_people=Coalesce(Subquery(_distinct_members(cross)), 0),
        )
        .select_related("parent").only("pk", "name", "parent__name")
        .order_by(*trees.tree_order(), "pk")
    )
    if yjt is not None:
        rows = rows.filter(yjt=yjt)
    if q:
        rows = rows.filter(name__icontains=q)
    return rows


def _distinct_members(queryset):
    """A scalar subquery: how many different people ``queryset`` holds."""
    return queryset.order_by().annotate(
        n=Func(F("member_id"), function="COUNT", template="COUNT(DISTINCT %(expressions)s)", output_field=IntegerField())
    ).values("n")


def _count(queryset):
    """A scalar subquery counting ``queryset``'s rows."""
    return queryset.order_by().annotate(
        n=Func(F("pk"), function="COUNT", output_field=IntegerField())
    ).values("n")


def _child_case(children, prefix):
    if not children:
        return Value(None, output_field=IntegerField())
    return Case(
        *[When(trees.subtree_q(c, prefix, check_tree=False), then=Value(c.pk)) for c in children],
        default=Value(None), output_field=IntegerField(),
    )


def child_counts(user, area, today: date) -> list[dict]:
    """Per child area: communities, communities with 一肩挑 and cross-appointed people —
    three queries whatever the subtree's size (the children, the communities grouped by
    child, the cross-appointed people grouped by child)."""
    children = list(area.get_children().order_by(*trees.preorder()))
    communities = (
        communities_within(user, area).annotate(child=_child_case(children, ""))
        .annotate(yjt=Exists(_community_orgs().filter(secretary_also_chairs=True)))
        .order_by().values("child").annotate(n=Count("pk"), yjt_n=Count("pk", filter=Q(yjt=True)))
    )
    per_child = {row["child"]: row for row in communities}
    cross = (
        cross_positions(positions_for(user).filter(trees.subtree_q(area, "community")), today)
        .annotate(child=_child_case(children, "community"))
        .order_by().values("child").annotate(people=Count("member_id", distinct=True))
    )
    people = {row["child"]: row["people"] for row in cross}
    rows = []
    for child in children:
        c = per_child.get(child.pk, {})
        rows.append({"area": child, "communities": c.get("n", 0), "yjt": c.get("yjt_n", 0),
                     "cross": people.get(child.pk, 0)})
    if area.level == AreaLevel.COMMUNITY or per_child.get(None) or people.get(None):
        c = per_child.get(None, {})
        rows.append({"area": area, "communities": c.get("n", 0), "yjt": c.get("yjt_n", 0),
                     "cross": people.get(None, 0), "self": True})
    return rows


# ------------------------------------------------------------------------ terms
def orgs_with_terms(user):
    """The organizations of the user's managing grants with a term start, each with its end
    (a 党小组 elects no committee: it has no 换届)."""
    return (
        PartyOrg.objects.granted(user, InOrg("", ROLES_READERS), InArea("area", ROLES_READERS))
        .filter(term_started_on__isnull=False).exclude(kind=OrgKind.GROUP)
        .annotate(term_end=TermEnd())
    )


def term_reminders(user, today: date, *, months: int = REMINDER_MONTHS, within=None, state=""):
    """Organizations whose term ends within ``months`` months (the end no later than
    ``reminder_cutoff``) or has ended (``state``: "due" the coming ones only, "overdue" the
    ended ones only, "" both) — a filter of the query, by the database's date arithmetic."""
    cutoff = reminder_cutoff(today, months)
    rows = orgs_with_terms(user).filter(term_end__lte=cutoff)
    if state == "due":
        rows = rows.filter(term_end__gte=today)
    elif state == "overdue":
        rows = rows.filter(term_end__lt=today)
    if within is not None:
        rows = rows.filter(trees.subtree_q(within, "area"))
    return rows.select_related("area", "secretary").only(
        "pk", "name", "kind", "category", "term_started_on", "term_years", "area__name", "secretary__name",
        "area_id", "secretary_id",
    ).order_by("term_end", "pk")


def reminders_for_queue(user, today: date):
    """The home page's 换届 section: every organization of the user's subtree whose term ends
    within six months or has ended (the rows of ``term_reminders``, without its joins)."""
    return orgs_with_terms(user).filter(term_end__lte=reminder_cutoff(today, REMINDER_MONTHS))


# ------------------------------------------------------------------- leader links
def links_for(user):
    """The links of the communities the user reads, and the user's own links."""
    scoped = LeaderLink.objects.granted(user, InArea("community", ROLES_READERS))
    if getattr(user, "is_authenticated", False):
        return LeaderLink.objects.filter(Q(pk__in=scoped.values("pk")) | Q(leader=user))
    return scoped


def with_month_visits(queryset, today: date):
    month_start = today.replace(day=1)
    visits = LeaderVisit.objects.filter(link=OuterRef("pk"), date__gte=month_start, date__lte=today)
    return queryset.annotate(month_visits=Coalesce(Subquery(_count(visits)), 0))


def behind_q(today: date) -> Q:
    """Behind: a liaison whose logged days cover the period only up to a day before today
    (required days pro rata), or a department head with fewer visits this month than the
    frequency; only links running today."""
    return Q(starts_on__lte=today, ends_on__gte=today) & (
        Q(kind=LinkKind.LIAISON, covered_until__lt=today)
        | Q(kind=LinkKind.DEPARTMENT, month_visits__lt=F("visits_per_month"))
    )


def link_rows(queryset, today: date, *, within=None, behind=None, q="", year=None):
    rows = with_month_visits(queryset, today)
    if within is not None:
        rows = rows.filter(trees.subtree_q(within, "community"))
    if year:
        rows = rows.filter(year=year)
    if behind is True:
        rows = rows.filter(behind_q(today))
    elif behind is False:
        rows = rows.exclude(behind_q(today))
    if q:
        rows = rows.filter(Q(leader_name__icontains=q) | Q(leader_post__icontains=q) | Q(community__name__icontains=q))
    return rows.annotate(
        behind=Case(When(behind_q(today), then=Value(True)), default=Value(False))
    ).select_related("community").order_by(*trees.tree_order("community"), "kind", "leader_name", "pk")


def required_to_date(link, today: date):
    """The days due by ``today`` (pro rata over the link's period), for display."""
    from organizations.roles.progress import required_to_date as compute

    return compute(link.required_days, link.starts_on, link.ends_on, today)


def visits_of(link):
    return link.visits.order_by("-date", "-pk")


# ------------------------------------------------------------------------ dashboard
def area_tiles(user, area) -> list[dict]:
    """The dashboard tiles of roles for ``area``'s subtree: 一肩挑 communities / communities,
    cross-appointed people, terms due in six months / overdue, leaders behind — one query
    of scalar subqueries (plus the user's scope, read once per request)."""
    from django.utils import timezone

    today = timezone.localdate()
    cutoff = reminder_cutoff(today, REMINDER_MONTHS)
    communities = communities_within(user, area)
    yjt = communities.filter(Exists(_community_orgs().filter(secretary_also_chairs=True)))
    cross = cross_positions(positions_for(user).filter(trees.subtree_q(area, "community")), today)
    terms = orgs_with_terms(user).filter(trees.subtree_q(area, "area"))
    links = with_month_visits(links_for(user).filter(trees.subtree_q(area, "community")), today).filter(behind_q(today))
    figures = Area.objects.filter(pk=area.pk).annotate(
        communities=Coalesce(Subquery(_count(communities)), 0),
        yjt_n=Coalesce(Subquery(_count(yjt)), 0),
        cross_n=Coalesce(Subquery(_distinct_members(cross)), 0),
        due_n=Coalesce(Subquery(_count(terms.filter(term_end__gte=today, term_end__lte=cutoff))), 0),
        overdue_n=Coalesce(Subquery(_count(terms.filter(term_end__lt=today))), 0),
        behind_n=Coalesce(Subquery(_count(links.values("pk"))), 0),
    ).values("communities", "yjt_n", "cross_n", "due_n", "overdue_n", "behind_n").first() or {}
    roles_url = reverse("organizations:roles_area", args=[area.pk])
    terms_url = reverse("organizations:roles_terms")
    return [
        {"label": _("一肩挑社区"), "value": f"{figures.get('yjt_n', 0)} / {figures.get('communities', 0)}",
         "url": f"{roles_url}?yjt=1", "note": _("书记兼任居委会（业委会）主任")},
        {"label": _("交叉任职人数"), "value": str(figures.get("cross_n", 0)),
         "url": reverse("organizations:roles_cross", args=[area.pk]), "note": ""},
        {"label": _("六个月内换届 / 已到期"), "value": f"{figures.get('due_n', 0)} / {figures.get('overdue_n', 0)}",
         "url": f"{terms_url}?within={area.pk}", "note": _("按任期规则计算")},
        {"label": _("联系社区进度落后"), "value": str(figures.get("behind_n", 0)),
         "url": f"{reverse('organizations:roles_leaders')}?within={area.pk}&behind=1", "note": ""},
    ]

