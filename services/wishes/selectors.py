"""Scoped reads of the services app (micro-wishes).

Every function returns a queryset already limited to what the user may see, with the
joins its pages need, so lists run a constant number of queries whatever their length.
"""

from django.db.models import Case, IntegerField, Q, Value, When

from dangjian.scoping import InArea, get_scope
from services.resident import permissions
from services.wishes import permissions as wishes_permissions
from services.wishes.choices import DONE_STATUSES, WALL_STATUSES, WishStatus
from services.wishes.models import Wish, WishEvent

LIST_RELATED = ("community", "building")


def wishes_for(user):
    """Every wish the user may open (``Wish.objects.visible_to``)."""
    return Wish.objects.visible_to(user)


def wishes_for_review(user):
    """The review list: every wish of the communities a roster role of the user covers."""
    return Wish.objects.granted(user, InArea("community", permissions.WISH_READ_ROLES)).select_related(*LIST_RELATED)


def awaiting_review_for(user):
    """Submitted wishes waiting for a review (``wish_list?status=submitted`` lists the same
    rows), oldest first; empty for a role that may not publish or reject."""
    if not get_scope(user).has_role(*permissions.WISH_MANAGE_ROLES):
        return Wish.objects.none()
    return wishes_for_review(user).filter(status=WishStatus.SUBMITTED)


def wall_area_for(user):
    """The area whose wall a user sees by default: the member's community, else the
    highest area one of the user's grants covers (None when there is none)."""
    community = permissions.member_community(user)
    if community is not None:
        return community
    from organizations.areas.selectors import top_areas_for

    return next(iter(top_areas_for(user)), None)


def wall(area):
    """Published wishes of the communities in ``area``'s subtree, newest first (no personal
    data is shown on the wall; callers check ``permissions.sees_wall_of``)."""
    return (
        Wish.objects.within(area).filter(status__in=WALL_STATUSES)
        .select_related(*LIST_RELATED).order_by("-published_at", "-id")
    )


def fulfilled_ranking(area):
    """Fulfilled (and rated) wishes of ``area``'s subtree ranked by fulfilment date."""
    return (
        Wish.objects.within(area).filter(status__in=DONE_STATUSES, fulfilled_at__isnull=False)
        .select_related(*LIST_RELATED).order_by("-fulfilled_at", "-id")
    )


def my_claims(user):
    """Wishes the user claimed as a member, or an organization they manage claimed; the
    ones still to fulfil first, then by fulfilment date."""
    if user is None or not user.is_authenticated:
        return Wish.objects.none()
    q = Q(claimed_member__user_id=user.pk)
    scope = get_scope(user)
    if scope.has_role(*wishes_permissions.WISH_ORG_CLAIM_ROLES):
        q |= Q(claimed_org__in=wishes_permissions.claimable_orgs(user).values("pk"))
    order = Case(When(status=WishStatus.CLAIMED, then=Value(0)), default=Value(1), output_field=IntegerField())
    return (
        Wish.objects.filter(q, status__in=(WishStatus.CLAIMED, *DONE_STATUSES))
        .select_related(*LIST_RELATED, "claimed_org", "claimed_member")
        .annotate(_todo=order).order_by("_todo", "-fulfilled_at", "-claimed_at", "-id")
    )


def claims_to_fulfil(user):
    """The user's claims not yet fulfilled (``my_claims?todo=1`` lists the same rows)."""
    return my_claims(user).filter(status=WishStatus.CLAIMED)


def events(wish):
    return WishEvent.objects.filter(wish=wish).select_related("actor").order_by("at", "id")


def public_timeline(wish):
    """The progress of a wish for its public status page: statuses and times only."""
    rows = WishEvent.objects.filter(wish=wish).order_by("at", "id").values("to_status", "at")
    return [{**row, "label": WishStatus(row["to_status"]).label} for row in rows]


def status_counts(queryset) -> dict:
    """``{status: n}`` of a (scoped, filtered) queryset in one query."""
    from django.db.models import Count

    rows = queryset.order_by().values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}
