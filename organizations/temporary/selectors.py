"""Reads of 临时党支部, already scoped to the user; the reminders to dissolve are computed
from the dates (no nightly job)."""
from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse

from dangjian import trees
from dangjian.scoping import InArea, InOrg
from organizations.members import selectors as members_selectors
from organizations.temporary.choices import DUE_WITHIN_DAYS, TEMPORARY_ROLES, TemporaryStatus
from organizations.temporary.models import Secondment, TemporaryBranch


def branches_for(user):
    return TemporaryBranch.objects.visible_to(user)


def branch_list(user):
    return (branches_for(user).select_related("org__parent", "org__area")
            .annotate(seconded=Count("secondments", filter=Q(secondments__ended_on__isnull=True)))
            .order_by("dissolved_on", "expected_end", "pk"))


def filter_branches(rows, *, status="", org=None, area=None, q="", today=None):
    if status == TemporaryStatus.OPEN:
        rows = rows.filter(dissolved_on__isnull=True)
    elif status == TemporaryStatus.DISSOLVED:
        rows = rows.filter(dissolved_on__isnull=False)
    elif status == TemporaryStatus.DUE and today is not None:
        rows = rows.filter(dissolved_on__isnull=True, expected_end__lte=today + timedelta(days=DUE_WITHIN_DAYS))
    if org is not None:
        rows = rows.filter(trees.subtree_q(org, "org"))
    if area is not None:
        rows = rows.filter(trees.subtree_q(area, "org__area"))
    if q:
        rows = rows.filter(Q(org__name__icontains=q) | Q(project_name__icontains=q))
    return rows


def branch_detail(user, pk):
    return branches_for(user).select_related("org__parent", "org__area").filter(pk=pk).first()


def branch_secondments(branch):
    return list(branch.secondments.select_related("member__organization").order_by("ended_on", "member__name", "pk"))


def secondment_for(user, pk):
    return Secondment.objects.filter(temporary_branch__in=branches_for(user).values("pk")).select_related(
        "member", "temporary_branch__org__area").filter(pk=pk).first()


def due_for_dissolution(user, today):
    """Temporary branches past their expected end (or within ``DUE_WITHIN_DAYS`` days of it),
    not dissolved, for the cadres of the establishing organization (the parent organization
    lies in their granted subtree or is anchored in their granted area): the home page's
    reminder and the 待撤销 list."""
    return TemporaryBranch.objects.granted(
        user, InOrg("org__parent", TEMPORARY_ROLES), InArea("org__parent__area", TEMPORARY_ROLES),
    ).due(today)


def pickable_members(user, branch=None):
    """Members the user may second (their scope), by name; not already seconded to ``branch``."""
    rows = members_selectors.members_for(user).select_related("organization")
    if branch is not None:
        rows = rows.exclude(pk__in=Secondment.objects.open().filter(temporary_branch=branch).values("member_id"))
    return rows.order_by("name", "pk")


def member_label(member) -> str:
    return f"{member.name}（{member.organization.name}）"


def open_secondment_of(member):
    """The member's open secondment with its temporary branch (one query), or None."""
    return (Secondment.objects.open().filter(member=member).select_related("temporary_branch__org").first())


def area_tiles(user, area) -> list[dict]:
    """Temporary branches anchored in ``area``'s subtree: open, and due for dissolution (one query)."""
    from django.utils import timezone

    today = timezone.localdate()
    counts = branches_for(user).filter(trees.subtree_q(area, "org__area")).aggregate(
        open=Count("pk", filter=Q(dissolved_on__isnull=True)),
        due=Count("pk", filter=Q(dissolved_on__isnull=True,
                                 expected_end__lte=today + timedelta(days=DUE_WITHIN_DAYS))),
    )
    url = reverse("organizations:temporary_list")
    return [
        {"label": "运行中的临时党支部", "value": str(counts["open"]), "url": f"{url}?status=open&area={area.pk}",
         "note": ""},
        {"label": "待撤销的临时党支部", "value": str(counts["due"]), "url": f"{url}?status=due&area={area.pk}",
         "note": f"已到或{DUE_WITHIN_DAYS}天内到预计结束日期"},
    ]
