"""Writes of resident requests (点单-派单-接单-评单, Shijingshan's 一呼百应).

``request_submit`` (public, no actor; also Open311) → ``request_dispatch`` (community
cadres: to a member of the community, a worker of one of its grids, or one of its
volunteer teams; again to someone else before acceptance) → ``request_decline`` (the
assignee hands it back) / ``request_accept`` (the assignee; exactly one wins a race) →
``request_resolve`` (the assignee; a party member resolving it is credited
``REQUEST_SERVICE_HOURS``) → ``request_rate`` (public: the tracking code plus the last four
digits of the phone); ``request_cancel`` (cadres) until resolved.  ``volunteer_team_save``
keeps a community's teams.  ``request_reveal_requester_phone``: the dispatching staff and
the assignee of an open request see the requester's full phone, each attempt logged
(``PersonalDataAccess``).

Every status change goes through ``dangjian.workflow.transition`` (lock, check, record a
``RequestEvent``) and writes an audit event.  Out of scope answers ``Http404``; in scope but
not allowed ``PermissionDeniedError``; a refused change ``TransitionError`` (a Chinese
message; 409 in the API); bad input ``ValidationError`` per field.
"""
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.audit import record
from dangjian.errors import PermissionDeniedError, TransitionError
from dangjian.scoping import get_scope
from dangjian.validation import check_text as _text
from dangjian.validation import text_or_error
from dangjian.workflow import action_refusal, action_transition
from organizations.areas.choices import AreaLevel
from services.ledger.actions import service_record_upsert
from services.ledger.models import ServiceSource
from services.requests import permissions, selectors, sla
from services.requests.choices import (
    REQUEST_ACTIONS,
    REQUEST_OPEN_STATUSES,
    REQUEST_SERVICE_HOURS,
    REQUEST_TRANSITIONS,
    AssigneeKind,
    RequestAction,
    RequestSource,
    RequestStatus,
)
from services.requests.models import RequestCategory, ServiceRequest, VolunteerTeam
from services.resident.actions import (
    ADDRESS_MAX,
    COMMENT_MAX,
    NAME_MAX,
    NOT_VISIBLE,
    NOTE_MAX,
    REASON_MAX,
    by_code,
    check_contact,
    check_place,
    check_rating,
    normalise_code,
    requester_phone_reveal,
    save_with_code,
)
from services.resident.choices import Satisfaction

TEXT_MAX = 1000
TEAM_NAME_MAX = 100

__all__ = ["TransitionError", "normalise_code"]

# Clear refusals for what people try most, by (action, current status).
REQUEST_REFUSALS = {
    (RequestAction.ACCEPT, RequestStatus.ACCEPTED): gettext_lazy("该诉求已被接单，不能重复接单。"),
    (RequestAction.ACCEPT, RequestStatus.SUBMITTED): gettext_lazy("该诉求尚未派单或已被退回，不能接单。"),
    (RequestAction.ACCEPT, RequestStatus.RESOLVED): gettext_lazy("该诉求已经办结。"),
    (RequestAction.ACCEPT, RequestStatus.RATED): gettext_lazy("该诉求已经办结。"),
    (RequestAction.ACCEPT, RequestStatus.CANCELLED): gettext_lazy("该诉求已取消。"),
    (RequestAction.DISPATCH, RequestStatus.ACCEPTED): gettext_lazy("该诉求已被接单，不能再改派。"),
    (RequestAction.DISPATCH, RequestStatus.RESOLVED): gettext_lazy("该诉求已经办结，不能派单。"),
    (RequestAction.DISPATCH, RequestStatus.RATED): gettext_lazy("该诉求已经办结，不能派单。"),
    (RequestAction.DISPATCH, RequestStatus.CANCELLED): gettext_lazy("该诉求已取消，不能派单。"),
    (RequestAction.DECLINE, RequestStatus.SUBMITTED): gettext_lazy("该诉求目前没有派给任何人，无需退单。"),
    (RequestAction.DECLINE, RequestStatus.ACCEPTED): gettext_lazy("已接单的诉求不能退单，请办结或联系社区。"),
    (RequestAction.RESOLVE, RequestStatus.SUBMITTED): gettext_lazy("该诉求尚未接单，不能办结。"),
    (RequestAction.RESOLVE, RequestStatus.DISPATCHED): gettext_lazy("请先接单，再登记办结。"),
    (RequestAction.RESOLVE, RequestStatus.RESOLVED): gettext_lazy("该诉求已经办结。"),
    (RequestAction.RESOLVE, RequestStatus.RATED): gettext_lazy("该诉求已经办结。"),
    (RequestAction.RATE, RequestStatus.RATED): gettext_lazy("该诉求已经评价过了。"),
    (RequestAction.CANCEL, RequestStatus.CANCELLED): gettext_lazy("该诉求已经取消。"),
    (RequestAction.CANCEL, RequestStatus.RESOLVED): gettext_lazy("该诉求已经办结，不能取消。"),
    (RequestAction.CANCEL, RequestStatus.RATED): gettext_lazy("该诉求已经办结，不能取消。"),
}
for _status in (RequestStatus.SUBMITTED, RequestStatus.DISPATCHED, RequestStatus.ACCEPTED):
    REQUEST_REFUSALS[(RequestAction.RATE, _status)] = gettext_lazy("诉求办结后才能评价。")


def _transition(verb, req, **kwargs) -> ServiceRequest:
    refusal = action_refusal(verb, known=REQUEST_REFUSALS, statuses=RequestStatus, verbs=RequestAction,
                             otherwise=gettext_lazy("该诉求当前为“%(now)s”，不能%(verb)s。"))
    return action_transition(ServiceRequest, verb, req, actions=REQUEST_ACTIONS, table=REQUEST_TRANSITIONS,
                             refusal=refusal, audit="request", **kwargs)


def _visible(actor, req) -> ServiceRequest:
    found = selectors.requests_for(actor).select_related(*selectors.DETAIL_RELATED).filter(pk=req.pk).first()
    if found is None:
        raise Http404
    return found


def _require_manage(actor, req) -> ServiceRequest:
    req = _visible(actor, req)
    if not permissions.can_manage(actor, req.community):
        raise PermissionDeniedError(_("只有社区工作人员可以派单、取消诉求。"))
    return req


# ----------------------------------------------------------------------------- submit
@transaction.atomic
def request_submit(*, community, category, text, name, phone, building=None, address="", photo=None,
                   lat=None, long=None, source=RequestSource.WEB) -> ServiceRequest:
    """A resident's request (no actor): validated, due times computed from the category,
    stored as 待派单 with a tracking code.  Through Open311 the name and the phone may be empty."""
    from dangjian.uploads import check_photo

    errors = {}
    check_place(errors, community, building, building_levels=(AreaLevel.BUILDING, AreaLevel.ENTRANCE))
    if not isinstance(category, RequestCategory) or not category.is_active:
        errors["category"] = _("请选择诉求类别。")
    text = _text(errors, "text", text, TEXT_MAX, empty_message=_("请写明您的诉求。"))
    # Open311 may leave out the contact; a problem from the people's diary was noted by the
    # grid worker, who may not have the resident's name or phone
    contact_required = source not in (RequestSource.OPEN311, RequestSource.DIARY)
    name, address, phone = check_contact(
        errors, name=name, name_max=NAME_MAX, address=address, address_max=ADDRESS_MAX, phone=phone, building=building,
        name_required=contact_required, address_required=source != RequestSource.OPEN311,
        phone_required=contact_required,
    )
    if source not in RequestSource.values:
        errors["source"] = _("来源不正确。")
    if errors:
        raise ValidationError(errors)
    if photo:
        photo = check_photo(photo)
    now = timezone.now()
    response_due, resolve_due = sla.request_due_times(now, category)
    req = ServiceRequest(
        community=community, building=building, address=address, lat=lat, long=long,
        requester_name=name, requester_phone=phone, category=category, text=text, source=source,
        status=RequestStatus.SUBMITTED, response_due=response_due, resolve_due=resolve_due, created_at=now,
    )
    if photo:
        req.photo = photo
    save_with_code(req)
    req.make_event(actor=None, from_status="", to_status=RequestStatus.SUBMITTED, note=category.name).save()
    record(None, "request.submit", req, {"community": community.pk, "category": category.code, "source": source})
    return req


@transaction.atomic
def request_from_diary(*, actor, entry, category, text, name="", phone="", address="") -> ServiceRequest:
    """A people's-diary problem handed on as a resident request (待派单) of the grid's
    community, by someone who may convert the entry (its grid worker or a cadre over it);
    the entry is converted in the same transaction (``grids.diary.actions.diary_convert``),
    so a problem becomes one request at most.  The building is the entry's when it has one."""
    from grids.diary.actions import diary_convert
    from grids.diary.choices import ConversionTarget
    from grids.diary.models import DiaryEntry
    from grids.diary.permissions import can_change_entry

    entry = DiaryEntry.objects.visible_to(actor).select_related("grid__community", "building").filter(pk=entry.pk).first()
    if entry is None:
        raise Http404
    if not can_change_entry(actor, entry):
        raise PermissionDeniedError(_("只有该网格的网格员或社区工作人员可以把民情日记转为诉求。"))
    building = entry.building if entry.building_id and entry.building.level in (AreaLevel.BUILDING, AreaLevel.ENTRANCE) else None
    req = request_submit(community=entry.grid.community, category=category, text=text, name=name, phone=phone,
                         building=building, address=address, source=RequestSource.DIARY)
    try:
        diary_convert(actor=actor, entry=entry, target=ConversionTarget.REQUEST, target_id=req.pk)
    except TransitionError:
        raise
    except ValidationError as exc:
        raise ValidationError({NON_FIELD_ERRORS: exc.messages}) from None
    record(actor, "request.from_diary", req, {"diary": entry.pk})
    return req


def request_for_code(code) -> ServiceRequest:
    """The request with this tracking code (any case, spaces ignored), or 404."""
    return by_code(ServiceRequest.objects.select_related("community", "category"), code)


# --------------------------------------------------------------------------- dispatch
def _check_target(req, *, member=None, worker=None, team=None) -> tuple[str, dict, str]:
    """(assignee kind, field values, event note) of a dispatch target, or ValidationError."""
    community = req.community
    given = [x for x in (member, worker, team) if x is not None]
    if len(given) != 1:
        raise ValidationError({"assignee": _("请选择一名党员、一名网格员或一支志愿服务队（只选一个）。")})
    if member is not None:
        if not selectors.community_members(community).filter(pk=member.pk).exists():
            raise ValidationError({"assignee": _("党员“%(name)s”不在本社区居住或组织关系不在本社区。") % {"name": member.name}})
        if member.user_id is None:
            raise ValidationError({"assignee": _("党员“%(name)s”还没有登录账号，无法在平台上接单。") % {"name": member.name}})
        return AssigneeKind.MEMBER, {"assigned_member": member}, _("派给党员 %(name)s") % {"name": member.name}
    if worker is not None:
        if not selectors.community_workers(community).filter(pk=worker.pk).exists():
            raise ValidationError({"assignee": _("该网格员不属于本社区的网格，或已不在任。")})
        if worker.user_id is None:
            raise ValidationError({"assignee": _("该网格员没有登录账号，无法在平台上接单。")})
        return AssigneeKind.GRID_WORKER, {"assigned_worker": worker}, _("派给网格员 %(name)s") % {"name": worker.person_name}
    if team.community_id != community.pk or not team.is_active:
        raise ValidationError({"assignee": _("志愿服务队“%(name)s”不属于本社区或已停用。") % {"name": team.name}})
    return AssigneeKind.TEAM, {"assigned_team": team}, _("派给志愿服务队 %(name)s") % {"name": team.name}


def request_dispatch(*, actor, request, member=None, worker=None, team=None, note="") -> ServiceRequest:
    """Assign a waiting (or re-assign a dispatched, not yet accepted) request."""
    req = _require_manage(actor, request)
    kind, target, event_note = _check_target(req, member=member, worker=worker, team=team)
    note = (note or "").strip()[:REASON_MAX]
    changes = {
        "assignee_kind": kind, "assigned_member": None, "assigned_worker": None, "assigned_team": None, **target,
        "dispatched_by": actor, "dispatched_at": timezone.now(), "accepted_by": None, "accepted_at": None,
    }
    return _transition(RequestAction.DISPATCH, req, actor=actor,
                       note=f"{event_note}{'：' + note if note else ''}", **changes)


def _require_assignee(actor, message=None):
    """Checked on the locked row, so a re-dispatch in between is seen."""
    def check(locked):
        locked = ServiceRequest.objects.select_related(
            "assigned_member", "assigned_worker", "assigned_team__leader").get(pk=locked.pk)
        if not permissions.is_assignee(actor, locked):
            raise PermissionDeniedError(message or _("只有承办人（接单的党员、网格员或志愿服务队成员）可以进行此操作。"))
    return check


def request_accept(*, actor, request) -> ServiceRequest:
    """The assignee takes the request (接单).  Concurrent accepts: one wins, the others
    find it already accepted (``TransitionError``)."""
    req = _visible(actor, request)
    return _transition(
        RequestAction.ACCEPT, req, actor=actor, check=_require_assignee(actor),
        accepted_by=actor, accepted_at=timezone.now(),
    )


def request_decline(*, actor, request, reason) -> ServiceRequest:
    """The assignee hands the request back to the community (退单) with a reason."""
    req = _visible(actor, request)
    reason = text_or_error("reason", reason, REASON_MAX, empty_message=_("请填写退单原因。"))
    return _transition(
        RequestAction.DECLINE, req, actor=actor, note=reason, check=_require_assignee(actor),
        assignee_kind="", assigned_member=None, assigned_worker=None, assigned_team=None,
        dispatched_by=None, dispatched_at=None,
    )


def request_resolve(*, actor, request, note, photo=None) -> ServiceRequest:
    """The assignee reports the result (办结), with an optional photo of it (``check_photo``:
    re-encoded without metadata) that the resident sees before rating.  A party member
    resolving it — the assigned member, or a team member or worker who has a member record —
    is credited ``REQUEST_SERVICE_HOURS`` on the local date."""
    from dangjian.uploads import check_photo
    from services.resident.permissions import member_of

    req = _visible(actor, request)
    note = text_or_error("note", note, NOTE_MAX, empty_message=_("请简要说明办理结果。"))
    changes = {"resolved_at": timezone.now(), "resolve_note": note}
    if photo:
        changes["resolve_photo"] = check_photo(photo)
    with transaction.atomic():
        obj = _transition(
            RequestAction.RESOLVE, req, actor=actor, note=note[:500], check=_require_assignee(actor), **changes,
        )
        member = obj.assigned_member if obj.assignee_kind == AssigneeKind.MEMBER else member_of(actor)
        if member is not None:
            service_record_upsert(
                source=ServiceSource.REQUEST, source_id=obj.pk, member_id=member.pk, hours=REQUEST_SERVICE_HOURS,
                occurred_on=timezone.localdate(obj.resolved_at), note=_("办结居民诉求 %(code)s") % {"code": obj.code},
            )
    return obj


def request_cancel(*, actor, request, reason) -> ServiceRequest:
    req = _require_manage(actor, request)
    reason = text_or_error("reason", reason, REASON_MAX, empty_message=_("请填写取消的原因。"))
    return _transition(RequestAction.CANCEL, req, actor=actor, note=reason, cancel_reason=reason)


def request_rate(*, code, phone_last4, rating, comment="") -> ServiceRequest:
    """The resident rates a resolved request (public): the tracking code plus the last four
    digits of the phone the request was made with."""
    req = request_for_code(code)
    errors = {}
    comment = check_rating(errors, req, rating=rating, ratings=Satisfaction.values, comment=comment, comment_max=COMMENT_MAX,
                           phone_last4=phone_last4, missing=_("请填写提交诉求时所留手机号的后四位。"),
                           mismatch=_("手机号后四位与提交诉求时所留的不一致。"))
    if errors:
        raise ValidationError(errors)
    return _transition(
        RequestAction.RATE, req, actor=None, note=Satisfaction(rating).label,
        rating=rating, rating_comment=comment, rated_at=timezone.now(),
    )


# ----------------------------------------------------------------------------- teams
@transaction.atomic
def volunteer_team_save(*, actor, community, name, leader=None, members=(), is_active=True, team=None) -> VolunteerTeam:
    """Create (``team=None``) or update a community's volunteer team.  The leader and the
    members must live in the community or belong to one of its organizations."""
    if team is not None:
        team = VolunteerTeam.objects.visible_to(actor).select_related("community").filter(pk=team.pk).first()
        if team is None:
            raise Http404
        community = team.community
    if community is None or community.level != AreaLevel.COMMUNITY:
        raise ValidationError({"community": _("请选择社区。")})
    if not get_scope(actor).covers_area(community):
        raise Http404
    if not permissions.can_manage(actor, community):
        raise PermissionDeniedError(_("只有社区工作人员可以管理志愿服务队。"))
    errors = {}
    name = _text(errors, "name", name, TEAM_NAME_MAX, empty_message=_("请填写队伍名称。"))
    people = [m for m in members if m is not None]
    if leader is not None:
        people_ids = {m.pk for m in people}
        if leader.pk not in people_ids:
            people.append(leader)
    if people:
        known = set(selectors.community_members(community).filter(pk__in=[m.pk for m in people]).values_list("pk", flat=True))
        strangers = [m.name for m in people if m.pk not in known]
        if strangers:
            key = "leader" if leader is not None and leader.name in strangers and len(strangers) == 1 else "members"
            errors[key] = _("以下党员不在本社区：%(names)s") % {"names": "、".join(strangers)}
    if name and "name" not in errors:
        clash = VolunteerTeam.objects.filter(community=community, name=name)
        if team is not None:
            clash = clash.exclude(pk=team.pk)
        if clash.exists():
            errors["name"] = _("本社区已有同名的志愿服务队。")
    if errors:
        raise ValidationError(errors)
    created = team is None
    if created:
        team = VolunteerTeam(community=community)
    team.name, team.leader, team.is_active = name, leader, bool(is_active)
    team.save()
    team.members.set(people)
    record(actor, "team.create" if created else "team.update", team,
           {"name": name, "leader": getattr(leader, "pk", None), "members": sorted(m.pk for m in people)})
    return team



# ------------------------------------------------------------------ calling the resident
def request_reveal_requester_phone(*, actor, request, channel, ip=None) -> str:
    """The requester's full phone for the dispatching staff or the assignee of an open
    request; refused (``PermissionDeniedError``) for other roles and once the request is
    resolved, rated or cancelled, 404 out of scope — every attempt logged, the number never."""
    def refusal(locked):
        if not selectors.requests_for(actor).filter(pk=locked.pk).exists():
            return NOT_VISIBLE
        if locked.status not in REQUEST_OPEN_STATUSES:
            return _("该诉求当前为“%(status)s”，事项已结束，不能再查看诉求人的联系电话。") % {
                "status": locked.get_status_display()}
        if not permissions.can_contact_requester(actor, locked):
            return _("只有负责派单的社区工作人员和承办人可以查看诉求人的联系电话。")
        return None

    queryset = ServiceRequest.objects.select_related(*selectors.DETAIL_RELATED)
    return requester_phone_reveal(actor=actor, queryset=queryset, pk=request.pk, refusal=refusal, channel=channel,
                                  ip=ip)
