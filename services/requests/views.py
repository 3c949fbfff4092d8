"""Pages of resident requests (点单-派单-接单-评单).

Public (no account, mobile first, under ``/r/``): the order form with each category's
time limits, the status page by code (progress and due times only — never the
requester's or the assignee's name or phone), and the rating form once resolved.
Anonymous writes are rate limited per client IP and per phone (429 with a Chinese page).

Staff (signed in, under ``/services/requests/``): the scoped list (filters by status,
category, overdue and code; due-time badges), a request's page with its history and the
actions the user may take, "my tasks" of assignees, and the volunteer teams of a
community.  Reads go through ``services.requests.selectors``, writes through
``services.requests.actions``; a refused change is a flash message, a role that may not act
a 403 page, an object out of scope a 404.  Every page runs a constant number of queries.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from dangjian import pickers, portal, trees
from dangjian.access import anyone, declare_access, page_access
from dangjian.errors import PermissionDeniedError, message_of
from dangjian.forms import attach_errors
from dangjian.portal import int_param, paginate, refusals
from dangjian.workflow import available_transitions
from organizations.areas import selectors
from organizations.areas.choices import AreaLevel
from organizations.areas.forms import CommunityPickForm
from services.requests import actions, permissions, sla
from services.requests import selectors as sel
from services.requests.choices import (
    REQUEST_DONE_STATUSES,
    REQUEST_OPEN_STATUSES,
    REQUEST_PATH,
    AssigneeKind,
    RequestAction,
    RequestStatus,
)
from services.requests.forms import (
    DiaryRequestForm,
    DispatchForm,
    RateForm,
    ReasonForm,
    RequestFilterForm,
    RequestSubmitForm,
    ResolveForm,
    TeamForm,
    TrackForm,
)
from services.requests.models import ServiceRequest, VolunteerTeam
from services.resident.views import (
    buildings_page,
    filtered_list,
    photo_response,
    post_form,
    rate_page,
    requester_phone_page,
    status_page,
    submit_page,
    track_page,
)
from services.resident.views import crumbs as _crumbs
from services.whistles import permissions as whistle_permissions


def assignee_phrase(req) -> str:
    """Who has the request, without naming anyone (public pages and Open311)."""
    kind = req.assignee_kind
    if not kind or req.status == RequestStatus.CANCELLED:
        return ""
    taken = req.status != RequestStatus.DISPATCHED
    phrases = {
        AssigneeKind.MEMBER: (_("已派给一名党员"), _("由一名党员承办")),
        AssigneeKind.GRID_WORKER: (_("已派给网格员"), _("由网格员承办")),
        AssigneeKind.TEAM: (_("已派给志愿服务队"), _("由志愿服务队承办")),
    }
    return phrases[AssigneeKind(kind)][1 if taken else 0]


def _progress(req):
    if req.status == RequestStatus.CANCELLED:
        return []
    reached = REQUEST_PATH.index(RequestStatus(req.status))
    return [{"label": s.label, "done": i <= reached, "current": i == reached} for i, s in enumerate(REQUEST_PATH)]


def clock(req, now=None):
    return sla.request_clock(status=req.status, response_due=req.response_due, resolve_due=req.resolve_due,
                             resolved_at=req.resolved_at, now=now or timezone.now())


# ------------------------------------------------------------------------------ public
def _categories():
    return {"categories": [
        {"name": c.name, "description": c.description, "response_label": sla.limit_label(c.response_minutes),
         "resolve_label": sla.limit_label(c.resolve_minutes)}
        for c in sel.active_categories()
    ]}


@declare_access(anyone)
@never_cache
def request_submit(request):
    return submit_page(
        request, form_class=RequestSubmitForm, submit=actions.request_submit,
        ip_limit="REQUEST_SUBMIT_IP_LIMIT", phone_limit="REQUEST_SUBMIT_PHONE_LIMIT", session_key="services_new_request",
        status_view="requests:public_status", template="services/requests/public_submit.html", context=_categories,
    )


def request_buildings(request):
    """``<option>``s of a community's buildings (fetched by the public form)."""
    return buildings_page(request, RequestSubmitForm)


def request_track(request):
    return track_page(request, form_class=TrackForm, status_view="requests:public_status",
                      template="services/requests/public_track.html", find=actions.request_for_code)


def _public_context(req):
    return {
        "req": req, "timeline": sel.public_timeline(req), "progress": _progress(req),
        "assignee": assignee_phrase(req), "clock": clock(req),
        "can_rate": RequestAction.RATE in available_transitions(req, None),
    }


@never_cache
def request_status(request, code):
    """Progress by code: statuses, times and due times; no personal data of anyone."""
    return status_page(request, code, find=actions.request_for_code, session_key="services_new_request",
                       status_view="requests:public_status", template="services/requests/public_status.html",
                       context=_public_context)


def request_result_photo(request, code):
    """The result photo of a resolved request, by its tracking code (the resident's
    authority, as for the status page): re-encoded without metadata on upload; never a
    public media URL."""
    req = actions.request_for_code(code)
    if req.status not in REQUEST_DONE_STATUSES or not req.resolve_photo:
        raise Http404
    return photo_response(req.resolve_photo)


@never_cache
def request_rate(request, code):
    return rate_page(request, code, find=actions.request_for_code, rate=actions.request_rate,
                     rate_verb=RequestAction.RATE, form_class=RateForm, ip_limit="REQUEST_RATE_IP_LIMIT", code_limit="REQUEST_RATE_CODE_LIMIT",
                     status_view="requests:public_status", template="services/requests/public_rate.html", name="req")


# ------------------------------------------------------------------------------- staff
@page_access(permissions.can_read_requests, gettext_lazy("您的角色无权查看居民诉求列表。如有派给您的诉求，请到“我的任务”查看。"))
@refusals
def request_list(request):
    user = request.user
    now = timezone.now()

    def narrow(qs, values):
        if values.get("category"):
            qs = qs.filter(category=values["category"])
        if values.get("overdue"):
            qs = qs.filter(sel.overdue_q(now))
        if values.get("counted"):  # as the dashboard counts requests: the cancelled left out
            qs = qs.exclude(status=RequestStatus.CANCELLED)
        return qs

    context = filtered_list(request, sel.requests_for_list(user), RequestFilterForm(request.GET or None),
                            narrow=narrow, status_counts=sel.status_counts, statuses=RequestStatus)
    for req in context["page_obj"]:
        req.clock = clock(req, now)
    return render(request, "services/requests/list.html", context)


def _request_for_view(user, pk):
    req = sel.requests_for(user).select_related(*sel.DETAIL_RELATED).filter(pk=pk).first()
    if req is None:
        raise Http404
    return req


def _detail(request, req, *, status=200, **forms):
    user = request.user
    steps = available_transitions(req, user)
    assignee = permissions.is_assignee(user, req)
    can_dispatch = RequestAction.DISPATCH in steps
    dispatch_form = forms.get("dispatch_form")
    if can_dispatch and dispatch_form is None:
        dispatch_form = _dispatch_form(req)
    show_personal = permissions.can_see_personal(user, req)
    return render(request, "services/requests/detail.html", {
        "req": req,
        "clock": clock(req),
        "events": list(sel.events(req)),
        "crumbs": _crumbs((_("居民诉求"), reverse("requests:list") if permissions.can_read_requests(user) else None),
                          (req.code, None)),
        "show_personal": show_personal,
        "show_name": show_personal or assignee,
        "can_contact": bool(req.requester_phone) and permissions.can_contact_requester(user, req),
        "can_dispatch": can_dispatch,
        "can_cancel": RequestAction.CANCEL in steps,
        "can_accept": RequestAction.ACCEPT in steps,  # accept or decline
        "can_resolve": RequestAction.RESOLVE in steps,
        # an open request its community cannot settle alone: the whistle form, pre-filled
        "can_whistle": req.status in REQUEST_OPEN_STATUSES and whistle_permissions.can_whistle(user, req.community),
        "dispatch_form": dispatch_form,
        "decline_form": forms.get("decline_form") or ReasonForm(prefix="decline"),
        "cancel_form": forms.get("cancel_form") or ReasonForm(prefix="cancel"),
        "resolve_form": forms.get("resolve_form") or ResolveForm(prefix="resolve"),
    }, status=status)


def _dispatch_form(req, data=None):
    return DispatchForm(data, prefix="dispatch", request=req)


@refusals
def pick_assignees(request, pk):
    """Picker options of the dispatch form (the form validates against the same querysets)."""
    if not request.user.is_authenticated:
        return pickers.refused(_("请先登录。"))
    req = _request_for_view(request.user, pk)
    if not permissions.can_manage(request.user, req.community):
        raise PermissionDeniedError(_("只有社区工作人员可以派单、取消诉求。"))
    rows, more = sel.assignee_options(req.community, request.GET.get("q", ""), pickers.PAGE)
    return pickers.answer(rows, more)


@login_required
@refusals
def request_detail(request, pk):
    return _detail(request, _request_for_view(request.user, pk))


def _after(request, req, message, target=None):
    messages.success(request, message)
    return redirect(target or reverse("requests:detail", args=[req.pk]))


def _refused(request, req, exc):
    messages.error(request, message_of(exc))
    return redirect("requests:detail", pk=req.pk)


def _post(request, req, form, call, done, target=None):
    return post_form(request, form, call, done=done, to=lambda: redirect(target or reverse("requests:detail", args=[req.pk])),
                     refused=lambda exc: _refused(request, req, exc))


@login_required
@refusals
@require_POST
def request_dispatch(request, pk):
    req = _request_for_view(request.user, pk)
    if not permissions.can_manage(request.user, req.community):
        raise PermissionDeniedError(_("只有社区工作人员可以派单、取消诉求。"))
    form = _dispatch_form(req, request.POST)
    response = _post(request, req, form,
                     lambda data: actions.request_dispatch(actor=request.user, request=req, note=data["note"], **form.target()),
                     _("已派单，承办人可在“我的任务”中接单。"))
    return response or _detail(request, req, status=400, dispatch_form=form)


def _reason_action(request, pk, fn, prefix, done, target=None):
    req = _request_for_view(request.user, pk)
    form = ReasonForm(request.POST, prefix=prefix)
    response = _post(request, req, form, lambda data: fn(actor=request.user, request=req, reason=data["reason"]), done,
                     target)
    return response or _detail(request, req, status=400, **{f"{prefix}_form": form})


@login_required
@refusals
@require_POST
def request_cancel(request, pk):
    return _reason_action(request, pk, actions.request_cancel, "cancel", _("已取消该诉求。"))


@login_required
@refusals
@require_POST
def request_decline(request, pk):
    return _reason_action(request, pk, actions.request_decline, "decline", _("已退单，诉求退回社区重新派单。"),
                          target=reverse("requests:my_tasks"))


@login_required
@refusals
@require_POST
def request_accept(request, pk):
    req = _request_for_view(request.user, pk)
    try:
        actions.request_accept(actor=request.user, request=req)
    except ValidationError as exc:
        return _refused(request, req, exc)
    return _after(request, req, _("接单成功！请在办结时限内办理并登记结果。"))


@login_required
@refusals
@require_POST
def request_resolve(request, pk):
    req = _request_for_view(request.user, pk)
    form = ResolveForm(request.POST, request.FILES, prefix="resolve")
    response = _post(request, req, form,
                     lambda data: actions.request_resolve(actor=request.user, request=req, note=data["note"],
                                                          photo=data.get("photo") or None),
                     _("已登记办结，感谢您的服务！居民可以对办理结果进行评价。"))
    return response or _detail(request, req, status=400, resolve_form=form)


@never_cache
@login_required
@require_POST
def request_reveal_phone(request, pk):
    """The requester's full phone (an htmx fragment with a ``tel:`` link), for the
    dispatching staff and the assignee of an open request; refused → the refusal fragment
    (403).  Every attempt is logged; the number is never in a URL."""
    return requester_phone_page(request, ServiceRequest, pk, lambda req, **how: actions.request_reveal_requester_phone(
        actor=request.user, request=req, **how))


@login_required
@refusals
def request_photo(request, pk, which="request"):
    """A request's photo (``request``) or its result photo (``result``), to those who may open
    the request (never a public URL)."""
    req = _request_for_view(request.user, pk)
    photo = {"request": req.photo, "result": req.resolve_photo}.get(which)
    if not photo:
        raise Http404
    return photo_response(photo)


@page_access(permissions.may_be_assigned, gettext_lazy("只有党员和网格员可以承办居民诉求。"))
@refusals
def my_tasks(request):
    now = timezone.now()
    todo = request.GET.get("todo") == "1"
    page_obj = paginate(request, sel.open_tasks(request.user) if todo else sel.my_tasks(request.user))
    for req in page_obj:
        req.clock = clock(req, now)
        req.steps = available_transitions(req, request.user, settled=permissions.ASSIGNEE_VERBS)
    return render(request, "services/requests/my_tasks.html", {
        "page_obj": page_obj, "todo": todo, "crumbs": _crumbs((_("我的任务"), None)),
    })


def request_home(request):
    """``/services/requests/home/``: staff to the list, assignees to their tasks, residents to the form."""
    if not request.user.is_authenticated:
        return redirect("requests:submit")
    if permissions.can_read_requests(request.user):
        return redirect("requests:list")
    return redirect("requests:my_tasks")


# ------------------------------------------------------------------------------ teams
@page_access(permissions.can_read_requests, gettext_lazy("您的角色无权查看志愿服务队。"))
@refusals
def team_list(request):
    user = request.user
    community_id = int_param(request, "community")
    qs = sel.teams_for(user)
    community = None
    if community_id is not None:
        community = portal.get_visible_or_404(selectors.areas_for(user), pk=community_id)
        if community.level != AreaLevel.COMMUNITY:
            raise Http404
        qs = qs.filter(community=community)
    from django.db.models import Count

    qs = qs.annotate(n_members=Count("members", distinct=True)).order_by(*trees.tree_order("community"), "name")
    return render(request, "services/requests/team_list.html", {
        "page_obj": paginate(request, qs), "community": community,
        "can_add": permissions.can_manage(user, community) if community is not None else permissions.can_manage_somewhere(user),
        "crumbs": _crumbs((_("居民诉求"), reverse("requests:list")), (_("志愿服务队"), None)),
    })


def _team_form_page(request, *, community, team=None):
    user = request.user
    if not permissions.can_manage(user, community):
        raise PermissionDeniedError(_("只有社区工作人员可以管理志愿服务队。"))
    initial = {}
    if team is not None:
        initial = {"name": team.name, "leader": team.leader_id, "is_active": team.is_active,
                   "members": list(team.members.values_list("pk", flat=True))}
    form = TeamForm(request.POST if request.method == "POST" else None, community=community, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = actions.volunteer_team_save(
                actor=user, community=community, team=team, name=data["name"], leader=data.get("leader"),
                members=list(data.get("members") or ()), is_active=data.get("is_active", False),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已保存志愿服务队“%(name)s”。") % {"name": saved.name})
            return redirect(f"{reverse('requests:team_list')}?community={community.pk}")
    return render(request, "services/requests/team_form.html", {
        "form": form, "community": community, "team": team,
        "crumbs": _crumbs((_("志愿服务队"), f"{reverse('requests:team_list')}?community={community.pk}"),
                          (team.name if team else _("新建"), None)),
    }, status=400 if form.is_bound and form.errors else 200)


@login_required
@refusals
def request_from_diary(request):
    """A people's-diary problem turned into a request (``?diary=<id>``, the button on the
    diary entry's page): the form comes pre-filled from the entry; saving converts it."""
    from grids.diary.models import DiaryEntry
    from grids.diary.permissions import can_change_entry

    user = request.user
    entry = portal.get_visible_or_404(
        DiaryEntry.objects.visible_to(user).select_related("grid__community", "building__parent"),
        pk=int_param(request, "diary") or 0)
    if not can_change_entry(user, entry):
        raise PermissionDeniedError(_("只有该网格的网格员或社区工作人员可以把民情日记转为诉求。"))
    initial = {"text": entry.text, "address": entry.household}
    form = DiaryRequestForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            req = actions.request_from_diary(actor=user, entry=entry, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已转为居民诉求 %(code)s，待派单。") % {"code": req.code})
            return redirect("requests:detail", pk=req.pk)
    return render(request, "services/requests/from_diary.html", {
        "form": form, "entry": entry,
        "crumbs": _crumbs((_("民情日记"), reverse("grids:diary_list")),
                          (str(entry), reverse("grids:diary_detail", args=[entry.pk])), (_("转为诉求"), None)),
    }, status=400 if form.is_bound and form.errors else 200)


@login_required
@refusals
def team_create(request):
    if "community" not in request.GET:
        return _team_community_pick(request)
    return _team_form_page(request, community=_team_community(request))


def _team_community_pick(request):
    """The first step of a new team: pick the community (by searching), then its form."""
    if not permissions.can_manage_somewhere(request.user):
        raise PermissionDeniedError(_("只有社区工作人员可以管理志愿服务队。"))
    pick = CommunityPickForm.from_request(request)
    if pick.is_bound and pick.is_valid():
        return redirect(f"{reverse('requests:team_create')}?community={pick.community.pk}")
    return render(request, "services/requests/team_community_pick.html", {
        "form": pick, "title": _("新建志愿服务队"),
        "crumbs": _crumbs((_("居民诉求"), reverse("requests:list")), (_("志愿服务队"), reverse("requests:team_list")),
                          (_("新建志愿服务队"), None)),
    })


def _team_community(request):
    community_id = int_param(request, "community")
    if community_id is None:
        raise Http404
    community = portal.get_visible_or_404(selectors.areas_for(request.user), pk=community_id)
    if community.level != AreaLevel.COMMUNITY:
        raise Http404
    return community


@refusals
def team_pick_members(request):
    """Picker options of the team form: the community's members, for those who may manage
    its teams (the form validates against the same queryset)."""
    def members(request):
        community = _team_community(request)
        if not permissions.can_manage(request.user, community):
            raise PermissionDeniedError(_("只有社区工作人员可以管理志愿服务队。"))
        return sel.community_members(community)

    return pickers.picker_view(members)(request)


@login_required
@refusals
def team_edit(request, pk):
    team = VolunteerTeam.objects.visible_to(request.user).select_related("community").filter(pk=pk).first()
    if team is None:
        raise Http404
    return _team_form_page(request, community=team.community, team=team)


