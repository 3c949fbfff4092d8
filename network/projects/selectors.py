"""Reads of 项目化服务: scoped projects and brands, each project's outcome computed from its
linked records in the same query as the list (correlated subqueries: never a query per
project), the records a project may link, and the dashboard tiles."""
from decimal import Decimal

from django.db.models import Count, DecimalField, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Now
from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian import trees
from network.projects.choices import ProjectStatus
from network.projects.models import ProjectActivity, ProjectRequest, ProjectWish, ServiceBrand, ServiceProject

ZERO = Decimal("0.00")
HOURS = DecimalField(max_digits=12, decimal_places=1)
MONEY = DecimalField(max_digits=14, decimal_places=2)
OUTCOME_FIELDS = ("n_activities", "n_attendees", "n_wishes", "n_requests", "n_wishes_done", "n_requests_done",
                  "hours", "spent")


def projects_for(user):
    return ServiceProject.objects.visible_to(user)


def brands_for(user):
    return ServiceBrand.objects.visible_to(user)


def _count(queryset, key, **kw):
    """A correlated ``COUNT`` of ``queryset`` rows of the outer project (grouped by ``key``)."""
    rows = queryset.filter(**{key: OuterRef("pk")}).order_by().values(key)
    return Coalesce(Subquery(rows.annotate(n=Count("pk", **kw)).values("n")[:1], output_field=IntegerField()), 0)


def _sum(queryset, key, field, output):
    rows = queryset.filter(**{key: OuterRef("pk")}).order_by().values(key)
    return Coalesce(Subquery(rows.annotate(s=Sum(field)).values("s")[:1], output_field=output), Value(0, output))


def with_outcome(projects):
    """``projects`` annotated with their outcome, computed from the linked records:

    * ``n_activities`` linked activities already held, ``n_attendees`` distinct members present at them;
    * ``n_wishes`` / ``n_requests`` linked (each one resident served), ``…_done`` of them done
      (wishes fulfilled or rated, requests resolved or rated);
    * ``hours``: the service-hours ledger (``services.ledger``, what the catalogue's 服务时长
      reads) of the linked activities, wishes and requests;
    * ``spent``: the project's spending (``network.funds``).

    ``people_served`` = attendees + wishes + requests; ``items_done`` = wishes done + requests
    done (``outcome_of``).  All in the one query of the list."""
    from assessments.life.choices import AttendanceStatus
    from assessments.life.models import Attendance
    from network.funds.models import FundSpending
    from services.ledger.models import ServiceRecord, ServiceSource
    from services.requests.choices import REQUEST_DONE_STATUSES
    from services.wishes.choices import DONE_STATUSES

    activity_ids = ProjectActivity.objects.filter(project=OuterRef(OuterRef("pk"))).values("activity_id")
    wish_ids = ProjectWish.objects.filter(project=OuterRef(OuterRef("pk"))).values("wish_id")
    request_ids = ProjectRequest.objects.filter(project=OuterRef(OuterRef("pk"))).values("request_id")

    def ledger(source, ids):
        # one sum per source, so that each reads the ledger through its (source, source_id, …)
        # unique index (an OR of the three made PostgreSQL scan the ledger once per project)
        rows = (ServiceRecord.objects.filter(source=source, source_id__in=ids).order_by()
                .annotate(one=Value(1)).values("one").annotate(s=Sum("hours")).values("s")[:1])
        return Coalesce(Subquery(rows, output_field=HOURS), Value(0, HOURS))

    attendees = (
        Attendance.objects.filter(activity__project_link__project=OuterRef("pk"), status=AttendanceStatus.PRESENT)
        .order_by().values("activity__project_link__project").annotate(n=Count("member_id", distinct=True)).values("n")[:1]
    )
    return projects.annotate(
        n_activities=_count(ProjectActivity.objects.filter(activity__starts_at__lte=Now()), "project"),
        n_attendees=Coalesce(Subquery(attendees, output_field=IntegerField()), 0),
        n_wishes=_count(ProjectWish.objects.all(), "project"),
        n_wishes_done=_count(ProjectWish.objects.filter(wish__status__in=DONE_STATUSES), "project"),
        n_requests=_count(ProjectRequest.objects.all(), "project"),
        n_requests_done=_count(ProjectRequest.objects.filter(request__status__in=REQUEST_DONE_STATUSES), "project"),
        hours=ledger(ServiceSource.ACTIVITY, activity_ids) + ledger(ServiceSource.WISH, wish_ids)
        + ledger(ServiceSource.REQUEST, request_ids),
        spent=_sum(FundSpending.objects.all(), "project", "amount", MONEY),
    )


def outcome_of(project) -> dict:
    """The outcome of a project annotated by ``with_outcome`` (decimals rounded to the
    column's places: SQLite sums decimals as floating point)."""
    hours = Decimal(project.hours or 0).quantize(Decimal("0.1"))
    spent = Decimal(project.spent or 0).quantize(ZERO)
    return {
        "people_served": project.n_attendees + project.n_wishes + project.n_requests,
        "attendees": project.n_attendees,
        "wishes": project.n_wishes,
        "requests": project.n_requests,
        "items_done": project.n_wishes_done + project.n_requests_done,
        "activities": project.n_activities,
        "hours": hours,
        "spent": spent,
        "balance": (project.budget - spent).quantize(ZERO),
    }


def attach_outcomes(projects) -> list:
    rows = list(projects)
    for p in rows:
        p.outcome = outcome_of(p)
    return rows


def brand_outcomes(user, brands) -> dict:
    """``{brand id: summed outcome of its projects}`` for ``brands`` (one query)."""
    sums = {b.pk: {"projects": 0, "people_served": 0, "items_done": 0, "activities": 0, "hours": Decimal("0.0"),
                   "budget": ZERO} for b in brands}
    rows = with_outcome(projects_for(user).filter(brand_id__in=list(sums)).order_by())
    for p in rows:
        o, s = outcome_of(p), sums[p.brand_id]
        s["projects"] += 1
        s["budget"] += p.budget
        for key in ("people_served", "items_done", "activities", "hours"):
            s[key] += o[key]
    return sums


# ------------------------------------------------------------------ records to link
def linkable_activities(user, project):
    """Activities in scope held by organizations of the project's community (or by its owner)."""
    from assessments.life.models import Activity

    return (Activity.objects.visible_to(user)
            .filter(trees.subtree_q(project.area, "org__area") | Q(org_id=project.owner_org_id))
            .filter(project_link__isnull=True).select_related("org").order_by("-starts_at", "-pk"))


def linkable_wishes(user, project):
    from services.wishes.models import Wish

    return (Wish.objects.visible_to(user).filter(trees.subtree_q(project.area, "community"))
            .filter(project_link__isnull=True).order_by("-pk"))


def linkable_requests(user, project):
    from services.requests.models import ServiceRequest

    return (ServiceRequest.objects.visible_to(user).filter(trees.subtree_q(project.area, "community"))
            .filter(project_link__isnull=True).order_by("-pk"))


def linked_rows(project):
    """The records linked to ``project`` (three queries, each with what its table shows)."""
    return {
        "activities": list(project.activity_links.select_related("activity__org", "activity__activity_type")
                           .order_by("-activity__starts_at")),
        "wishes": list(project.wish_links.select_related("wish").order_by("-wish_id")),
        "requests": list(project.request_links.select_related("request__category").order_by("-request_id")),
    }


# ---------------------------------------------------------------------- dashboard
def area_tiles(user, area) -> list[dict]:
    """Projects running in ``area``'s subtree and the people they served (one query)."""
    rows = with_outcome(projects_for(user).filter(trees.subtree_q(area, "area")).order_by())
    running = people = 0
    for p in rows.values("status", *OUTCOME_FIELDS[:4]):
        running += p["status"] == ProjectStatus.RUNNING
        people += p["n_attendees"] + p["n_wishes"] + p["n_requests"]
    url = reverse("projects:list")
    return [
        {"label": _("实施中的服务项目"), "value": f"{running:,}", "url": f"{url}?within={area.pk}&status=running",
         "note": ""},
        {"label": _("项目服务群众"), "value": f"{people:,}", "url": f"{url}?within={area.pk}",
         "note": _("活动参与党员与关联心愿、诉求的居民")},
    ]
