"""Scoped reads of residents' deliberation: the lists, the queues (proposals to screen,
comments to moderate), a topic's page, the linked work's live progress, and the figures
per community and area (one grouped query each, whatever the subtree's size)."""

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian import trees
from dangjian.scoping import get_scope
from services.deliberation import permissions
from services.deliberation.choices import (
    DECIDED_STATUSES,
    PUBLIC_STATUSES,
    SETTLED_STATUSES,
    CommentStatus,
    ParticipantKind,
    TopicStatus,
    WorkKind,
)
from services.deliberation.models import Meeting, MeetingParticipant, Topic, TopicComment, TopicEvent, TopicRating
from services.resident.choices import Satisfaction

LIST_RELATED = ("community", "building")


def topics_for(user):
    """Every topic of the communities a roster role of the user covers."""
    return Topic.objects.visible_to(user).select_related(*LIST_RELATED)


def awaiting_screening_for(user):
    """Proposals waiting to be screened (``topic_list?status=proposed`` lists the same rows);
    empty for a role that may not screen."""
    if not permissions.can_manage_somewhere(user):
        return Topic.objects.none()
    return _managed(user).select_related(*LIST_RELATED).filter(status=TopicStatus.PROPOSED)


def _managed(user):
    scope = get_scope(user)
    if scope.is_global:
        return Topic.objects.all()
    return Topic.objects.filter(trees.ranges_q(scope.areas_for(permissions.SCREEN_ROLES), "community"))


def comments_to_moderate(user):
    """Residents' comments waiting for a cadre (the moderation page lists the same rows)."""
    if not permissions.can_manage_somewhere(user):
        return TopicComment.objects.none()
    return (TopicComment.objects.filter(topic__in=_managed(user).values("pk"), status=CommentStatus.PENDING)
            .select_related("topic__community"))


def events(topic):
    return TopicEvent.objects.filter(topic=topic).select_related("actor").order_by("at", "id")


def public_timeline(topic):
    rows = TopicEvent.objects.filter(topic=topic).order_by("at", "id").values("to_status", "at")
    return [{**row, "label": TopicStatus(row["to_status"]).label} for row in rows]


def shown_comments(topic):
    return TopicComment.objects.filter(topic=topic, status=CommentStatus.SHOWN).order_by("created_at", "id")


def meeting_of(topic):
    """The topic's latest meeting with its rule, activity, votes and participants (3 queries)."""
    meeting = (Meeting.objects.select_related("rule", "activity").filter(topic=topic)
               .order_by("-created_at", "-id").first())
    if meeting is not None:
        meeting.vote_rows = list(meeting.votes.select_related("option").order_by("option__position"))
        meeting.participant_rows = list(
            MeetingParticipant.objects.filter(meeting=meeting).select_related("member", "unit").order_by("kind", "id"))
    return meeting


def participant_counts(meeting) -> list[tuple[str, int]]:
    """``(kind label, n)`` of a meeting's participants, for the public page (no names)."""
    counts = {}
    for p in meeting.participant_rows:
        counts[p.kind] = counts.get(p.kind, 0) + 1
    return [(ParticipantKind(kind).label, n) for kind, n in counts.items()]


def work_progress(topic):
    """The linked work's live state, read from its own record: ``{"label", "status", "done",
    "kind"}`` (None before the decision is handed over).  ``topic.work_*`` loaded."""
    from assessments.checklists.choices import ItemStatus
    from services.requests.choices import REQUEST_DONE_STATUSES
    from services.whistles.choices import WhistleStatus

    if topic.work_request_id and topic.work_request is not None:
        req = topic.work_request
        return {"kind": WorkKind.REQUEST, "label": _("居民诉求 %(code)s") % {"code": req.code},
                "status": req.get_status_display(), "done": req.status in REQUEST_DONE_STATUSES,
                "staff_url": reverse("requests:detail", args=[req.pk])}
    if topic.work_whistle_id and topic.work_whistle is not None:
        whistle = topic.work_whistle
        return {"kind": WorkKind.WHISTLE, "label": _("吹哨事项：%(title)s") % {"title": whistle.title},
                "status": whistle.get_status_display(), "done": whistle.status == WhistleStatus.CLOSED,
                "staff_url": reverse("whistles:detail", args=[whistle.pk])}
    if topic.work_item_id and topic.work_item is not None:
        item = topic.work_item
        return {"kind": WorkKind.CHECKLIST, "label": _("清单事项：%(title)s") % {"title": item.title},
                "status": item.get_status_display(), "done": item.status in (ItemStatus.DONE, ItemStatus.CLOSED),
                "staff_url": reverse("checklist:detail", args=[item.checklist_id])}
    return None


def status_counts(queryset) -> dict:
    rows = queryset.order_by().values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


# ---------------------------------------------------------------------------- figures
def _days(expr):
    return ExpressionWrapper(expr, output_field=DurationField())


def figures(queryset) -> dict:
    """The figures of a (scoped) topic queryset in two queries: topics by stage, average days
    from proposal to decision and to done, the share settled (of the topics accepted), and
    satisfaction (满意 + 基本满意 of the ratings)."""
    stages = status_counts(queryset)
    accepted = sum(stages.get(s, 0) for s in PUBLIC_STATUSES)
    settled = sum(stages.get(s, 0) for s in SETTLED_STATUSES)
    avg = queryset.order_by().aggregate(
        to_decision=Avg(_days(F("decided_at") - F("created_at")), filter=Q(status__in=DECIDED_STATUSES)),
        to_done=Avg(_days(F("done_at") - F("created_at")), filter=Q(status__in=SETTLED_STATUSES)),
    )
    ratings = TopicRating.objects.filter(topic__in=queryset.values("pk")).aggregate(
        n=Count("id"), good=Count("id", filter=Q(rating__in=(Satisfaction.SATISFIED, Satisfaction.BASIC))))
    return {
        "stages": [(s, s.label, stages.get(s.value, 0)) for s in TopicStatus],
        "total": sum(stages.values()),
        "accepted": accepted,
        "settled": settled,
        "settled_share": (settled * 100 // accepted) if accepted else None,
        "days_to_decision": _as_days(avg["to_decision"]),
        "days_to_done": _as_days(avg["to_done"]),
        "ratings": ratings["n"],
        "satisfaction": (ratings["good"] * 100 // ratings["n"]) if ratings["n"] else None,
    }


def _as_days(value):
    if value is None:
        return None
    return round(value.total_seconds() / 86400, 1)


def area_tiles(user, area) -> list[dict]:
    """The dashboard's tiles for ``area`` (its subtree, what the user may read): topics
    accepted, share settled, satisfaction — 3 queries whatever the subtree's size."""
    qs = Topic.objects.visible_to(user).within(area)
    stages = status_counts(qs)
    accepted = sum(stages.get(s, 0) for s in PUBLIC_STATUSES)
    settled = sum(stages.get(s, 0) for s in SETTLED_STATUSES)
    proposed = stages.get(TopicStatus.PROPOSED, 0)
    ratings = TopicRating.objects.filter(topic__in=qs.values("pk")).aggregate(
        n=Count("id"), good=Count("id", filter=Q(rating__in=(Satisfaction.SATISFIED, Satisfaction.BASIC))))
    base = reverse("deliberation:topic_list")
    return [
        {"label": _("居民议事议题"), "value": str(accepted), "url": f"{base}?within={area.pk}&status=public",
         "note": _("待审核 %(n)d 件") % {"n": proposed}},
        {"label": _("议事办结率"), "value": f"{settled * 100 // accepted}%" if accepted else "—",
         "url": f"{base}?within={area.pk}&status=settled", "note": _("已办结 %(n)d 件") % {"n": settled}},
        {"label": _("议事满意率"), "value": f"{ratings['good'] * 100 // ratings['n']}%" if ratings["n"] else "—",
         "url": "", "note": _("%(n)d 条评价") % {"n": ratings["n"]}},
    ]
