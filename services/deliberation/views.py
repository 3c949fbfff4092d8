"""Pages of residents' deliberation (居民议事).

Public (no account, phone first, under ``/y/``): the proposal form, the topic page by code
(question, options, facts, supports count, comments a cadre approved, the meeting, the
decision and its reasons, the work's progress, the ratings — never a name or a phone), the
support and comment forms (rate limited per client address and per phone) and the rating.

Staff (under ``/services/deliberation/``): the topics list with stage filter and search, a
topic's page with every step the user may take, the comments to moderate, the figures,
and the entry of a proposal for residents (from a diary entry or a meeting).
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from dangjian import pickers, trees
from dangjian.access import anyone, declare_access, page_access
from dangjian.crypto import keyed_hash
from dangjian.errors import TransitionError, message_of
from dangjian.forms import attach_errors
from dangjian.portal import int_param, paginate, refusals
from dangjian.workflow import available_transitions
from organizations.areas import selectors as areas_selectors
from services.deliberation import actions, permissions, selectors
from services.deliberation.choices import (
    OPEN_STATUSES,
    PUBLIC_STATUSES,
    RATABLE_STATUSES,
    SETTLED_STATUSES,
    TOPIC_PATH,
    TopicAction,
    TopicStatus,
)
from services.deliberation.forms import (
    AcceptForm,
    CommentForm,
    CompleteForm,
    DecideForm,
    DeclineForm,
    EnterForm,
    MeetingForm,
    MergeForm,
    ProposeForm,
    SupportForm,
    TopicFilterForm,
    TopicRateForm,
    VoteForm,
    WorkForm,
)
from services.deliberation.models import Topic, TopicComment
from services.resident.actions import digits
from services.resident.views import (
    allowed,
    buildings_page,
    client_key,
    counted,
    crumbs,
    post_form,
    submit_page,
    too_many,
    too_many_message,
)
from services.resident.views import communities_page as _communities_page

PUBLIC_TEMPLATE = "services/deliberation/public_topic.html"


# ------------------------------------------------------------------------------ public
@declare_access(anyone)
@never_cache
def propose(request):
    return submit_page(
        request, form_class=ProposeForm, submit=actions.topic_propose,
        ip_limit="DELIBERATION_PROPOSE_IP_LIMIT", phone_limit="DELIBERATION_PROPOSE_PHONE_LIMIT",
        session_key="deliberation_new_topic", status_view="deliberation:public_topic",
        template="services/deliberation/public_propose.html",
    )


def public_communities(request):
    return _communities_page(request)


def public_buildings(request):
    return buildings_page(request, ProposeForm)


def _progress(topic):
    if topic.status not in TOPIC_PATH:
        return []
    reached = TOPIC_PATH.index(TopicStatus(topic.status))
    return [{"label": s.label, "done": i <= reached, "current": i == reached} for i, s in enumerate(TOPIC_PATH)]


def _public_context(topic, **forms):
    context = {"topic": topic, "progress": _progress(topic), "timeline": selectors.public_timeline(topic),
               "is_public": topic.status in PUBLIC_STATUSES, "is_open": topic.status in OPEN_STATUSES,
               "can_rate": topic.status in RATABLE_STATUSES}
    if topic.status in PUBLIC_STATUSES:
        meeting = selectors.meeting_of(topic)
        context.update({
            "options": list(topic.options.all()),
            "supports": topic.supports.count(),
            "comments": list(selectors.shown_comments(topic)),
            "meeting": meeting,
            "participants": selectors.participant_counts(meeting) if meeting else [],
            "work": selectors.work_progress(Topic.objects.select_related("work_request", "work_whistle", "work_item")
                                            .get(pk=topic.pk)) if topic.work_kind else None,
            "ratings": topic.ratings.count() if topic.status in RATABLE_STATUSES else 0,
            "support_form": forms.get("support_form") or SupportForm(prefix="support"),
            "comment_form": forms.get("comment_form") or CommentForm(prefix="comment"),
        })
    return context


@never_cache
def public_topic(request, code):
    """The topic page by code (phone first): what residents may know, no personal data."""
    topic = actions.topic_for_code(code)
    if topic.code != code:
        return redirect("deliberation:public_topic", code=topic.code)
    is_new = request.session.get("deliberation_new_topic") == topic.code
    if is_new:
        del request.session["deliberation_new_topic"]
    return render(request, PUBLIC_TEMPLATE, {**_public_context(topic), "is_new": is_new})


def _public_post(request, code, *, form_class, prefix, ip_limit, phone_limit, call, done):
    """A public write on a topic (support or comment): limited per client address and per
    phone (counted once it succeeded); refused → the topic page again with the form's errors."""
    topic = actions.topic_for_code(code)
    form = form_class(request.POST, prefix=prefix)
    ip = client_key(request)

    def page(status):
        return render(request, PUBLIC_TEMPLATE, {**_public_context(topic, **{f"{prefix}_form": form}), "is_new": False},
                      status=status)

    if not allowed(ip_limit, ip):
        form.is_valid()
        form.add_error(None, too_many_message(ip_limit))
        return too_many(request, ip_limit, template=PUBLIC_TEMPLATE,
                        context={**_public_context(topic, **{f"{prefix}_form": form}), "is_new": False})
    if not form.is_valid():
        return page(400)
    phone_key = keyed_hash(digits(form.cleaned_data["phone"])) or "none"
    if not allowed(phone_limit, phone_key):
        form.add_error(None, too_many_message(phone_limit))
        return too_many(request, phone_limit, template=PUBLIC_TEMPLATE,
                        context={**_public_context(topic, **{f"{prefix}_form": form}), "is_new": False})
    try:
        call(topic, form.cleaned_data)
    except TransitionError as exc:
        messages.error(request, message_of(exc))
        return redirect("deliberation:public_topic", code=topic.code)
    except ValidationError as exc:
        attach_errors(form, exc)
        return page(400)
    counted(ip_limit, ip)
    counted(phone_limit, phone_key)
    messages.success(request, done)
    return redirect("deliberation:public_topic", code=topic.code)


@require_POST
def public_support(request, code):
    return _public_post(request, code, form_class=SupportForm, prefix="support",
                        ip_limit="DELIBERATION_SUPPORT_IP_LIMIT", phone_limit="DELIBERATION_SUPPORT_PHONE_LIMIT",
                        call=lambda topic, data: actions.topic_support(code=topic.code, phone=data["phone"]),
                        done=_("感谢您的附议！"))


@require_POST
def public_comment(request, code):
    return _public_post(request, code, form_class=CommentForm, prefix="comment",
                        ip_limit="DELIBERATION_COMMENT_IP_LIMIT", phone_limit="DELIBERATION_COMMENT_PHONE_LIMIT",
                        call=lambda topic, data: actions.topic_comment(code=topic.code, phone=data["phone"],
                                                                       text=data["text"]),
                        done=_("意见已提交，社区审核后公开。"))


@never_cache
def public_rate(request, code):
    """The proposer's or a supporter's rating (code + last four digits); wrong digits are
    counted per code and per client address."""
    topic = actions.topic_for_code(code)
    if topic.status not in RATABLE_STATUSES:
        return redirect("deliberation:public_topic", code=topic.code)
    form = TopicRateForm(request.POST if request.method == "POST" else None)
    template = "services/deliberation/public_rate.html"
    if request.method == "POST":
        ip = client_key(request)
        for limit, key in (("DELIBERATION_RATE_CODE_LIMIT", topic.code), ("DELIBERATION_RATE_IP_LIMIT", ip)):
            if not allowed(limit, key):
                form.is_valid()
                form.add_error(None, too_many_message(limit))
                return too_many(request, limit, template=template, context={"topic": topic, "form": form})

        def call(data):
            try:
                actions.topic_rate(code=topic.code, **data)
            except ValidationError as exc:
                if "phone_last4" in getattr(exc, "error_dict", {}):
                    counted("DELIBERATION_RATE_CODE_LIMIT", topic.code)
                    counted("DELIBERATION_RATE_IP_LIMIT", ip)
                raise

        done = post_form(request, form, call, done=_("感谢您的评价！"),
                         to=lambda: redirect("deliberation:public_topic", code=topic.code))
        if done is not None:
            return done
    return render(request, template, {"topic": topic, "form": form}, status=400 if form.is_bound else 200)


# ------------------------------------------------------------------------------- staff
def _filtered(request, qs, filters):
    values = filters.filters()
    area = None
    if values.get("within"):
        area = areas_selectors.areas_for(request.user).filter(pk=values["within"]).first()
        qs = qs.filter(trees.subtree_q(area, "community")) if area is not None else qs.none()
    if q := (values.get("q") or "").strip():
        from django.db.models import Q

        qs = qs.filter(Q(code__icontains=q.upper()) | Q(title__icontains=q) | Q(question__icontains=q))
    counts = selectors.status_counts(qs)
    status = values.get("status")
    if status == "public":
        qs = qs.filter(status__in=PUBLIC_STATUSES)
    elif status == "settled":
        qs = qs.filter(status__in=SETTLED_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    return qs, counts, area


@page_access(permissions.can_read_topics, gettext_lazy("您的角色无权查看居民议事。"))
@refusals
def topic_list(request):
    filters = TopicFilterForm(request.GET or None)
    qs, counts, area = _filtered(request, selectors.topics_for(request.user), filters)
    return render(request, "services/deliberation/topic_list.html", {
        "page_obj": paginate(request, qs.order_by("-created_at", "-id")),
        "filters": filters, "area": area,
        "counts": [(s, s.label, counts.get(s.value, 0)) for s in TopicStatus],
        "crumbs": crumbs((_("居民议事"), None)),
    })


def _topic(user, pk):
    topic = (selectors.topics_for(user).select_related("building__parent", "merged_into", "decided_option", "diary",
                                                      "work_request", "work_whistle", "work_item")
             .filter(pk=pk).first())
    if topic is None:
        raise Http404
    return topic


def _merge_targets(topic):
    return Topic.objects.filter(community_id=topic.community_id, status__in=OPEN_STATUSES).exclude(pk=topic.pk).order_by("-pk")


def _members(user, topic):
    from organizations.members.models import Member

    return Member.objects.visible_to(user).filter(trees.subtree_q(topic.community, "residence")).order_by("name", "pk")


def _detail(request, topic, *, status=200, **forms):
    user = request.user
    steps = available_transitions(topic, user)
    meeting = selectors.meeting_of(topic)
    outcome = actions.decision_of(meeting) if meeting is not None else None
    options = list(topic.options.all())
    context = {
        "topic": topic, "steps": steps, "meeting": meeting, "outcome": outcome, "options": options,
        "events": list(selectors.events(topic)),
        "supports": topic.supports.count(),
        "comments": list(topic.comments.order_by("-created_at", "-id")[:20]),
        "work": selectors.work_progress(topic),
        "ratings": list(topic.ratings.order_by("created_at", "id")),
        "crumbs": crumbs((_("居民议事"), reverse("deliberation:topic_list")), (topic.code, None)),
    }
    if TopicAction.ACCEPT in steps:
        context.update(
            accept_form=forms.get("accept_form") or AcceptForm(prefix="accept", initial={"question": topic.title}),
            merge_form=forms.get("merge_form") or MergeForm(prefix="merge", targets=_merge_targets(topic),
                                                            url=reverse("deliberation:pick_targets", args=[topic.pk])),
            decline_form=forms.get("decline_form") or DeclineForm(prefix="decline"))
    if TopicAction.DELIBERATE in steps:
        context["meeting_form"] = forms.get("meeting_form") or MeetingForm(
            prefix="meeting", members=_members(user, topic), members_url=reverse("deliberation:pick_members", args=[topic.pk]))
    if TopicAction.DECIDE in steps:
        context["vote_form"] = forms.get("vote_form") or VoteForm(prefix="vote", options=options)
        context["decide_form"] = forms.get("decide_form") or DecideForm(prefix="decide")
    if TopicAction.START_WORK in steps:
        context["work_form"] = forms.get("work_form") or WorkForm(prefix="work", user=user)
    if TopicAction.COMPLETE in steps:
        context["complete_form"] = forms.get("complete_form") or CompleteForm(prefix="complete")
    return render(request, "services/deliberation/topic_detail.html", context, status=status)


@page_access(permissions.can_read_topics, gettext_lazy("您的角色无权查看居民议事。"))
@refusals
def topic_detail(request, pk):
    return _detail(request, _topic(request.user, pk))


def _step(request, pk, prefix, form_factory, call, done):
    topic = _topic(request.user, pk)
    form = form_factory(topic)
    response = post_form(request, form, lambda data: call(topic, form), done=done,
                         to=lambda: redirect("deliberation:topic_detail", pk=topic.pk))
    return response or _detail(request, topic, status=400, **{f"{prefix}_form": form})


@login_required
@refusals
@require_POST
def topic_accept(request, pk):
    return _step(request, pk, "accept", lambda t: AcceptForm(request.POST, prefix="accept"),
                 lambda t, f: actions.topic_accept(actor=request.user, topic=t, **f.cleaned_data),
                 _("已立为议题，居民可在议题页面附议和发表意见。"))


@login_required
@refusals
@require_POST
def topic_merge(request, pk):
    return _step(request, pk, "merge",
                 lambda t: MergeForm(request.POST, prefix="merge", targets=_merge_targets(t),
                                     url=reverse("deliberation:pick_targets", args=[t.pk])),
                 lambda t, f: actions.topic_merge(actor=request.user, topic=t, into=f.cleaned_data["into"]),
                 _("已合并到所选议题。"))


@login_required
@refusals
@require_POST
def topic_decline(request, pk):
    return _step(request, pk, "decline", lambda t: DeclineForm(request.POST, prefix="decline"),
                 lambda t, f: actions.topic_decline(actor=request.user, topic=t, reason=f.cleaned_data["reason"]),
                 _("已不予立项，提议人可在查询页看到原因。"))


@login_required
@refusals
@require_POST
def topic_meeting(request, pk):
    def form(t):
        return MeetingForm(request.POST, prefix="meeting", members=_members(request.user, t),
                           members_url=reverse("deliberation:pick_members", args=[t.pk]))

    def call(t, f):
        data = f.cleaned_data
        actions.meeting_record(actor=request.user, topic=t, rule=data["rule"], starts_at=data["starts_at"],
                               ends_at=data["ends_at"], eligible=data["eligible"], place=data.get("place") or "",
                               minutes=data.get("minutes") or "", participants=f.participants())

    return _step(request, pk, "meeting", form, call, _("已登记议事会，请登记表决结果。"))


@login_required
@refusals
@require_POST
def topic_vote(request, pk):
    return _step(request, pk, "vote", lambda t: VoteForm(request.POST, prefix="vote", options=t.options.all()),
                 lambda t, f: actions.meeting_vote(actor=request.user, topic=t, counts=f.counts()),
                 _("已登记表决票数。"))


@login_required
@refusals
@require_POST
def topic_decide(request, pk):
    return _step(request, pk, "decide", lambda t: DecideForm(request.POST, prefix="decide"),
                 lambda t, f: actions.topic_decide(actor=request.user, topic=t, reasons=f.cleaned_data["reasons"]),
                 _("已形成决定，结果和理由已在议题页面公开。"))


@login_required
@refusals
@require_POST
def topic_work(request, pk):
    return _step(request, pk, "work", lambda t: WorkForm(request.POST, prefix="work", user=request.user),
                 lambda t, f: actions.topic_start_work(actor=request.user, topic=t, **f.values()),
                 _("已交办落实，办理进展会显示在议题页面。"))


@login_required
@refusals
@require_POST
def topic_complete(request, pk):
    return _step(request, pk, "complete", lambda t: CompleteForm(request.POST, prefix="complete"),
                 lambda t, f: actions.topic_complete(actor=request.user, topic=t, note=f.cleaned_data["note"]),
                 _("已确认办结，提议和附议的居民可以评价。"))


@refusals
def pick_targets(request, pk):
    return pickers.picker_view(lambda r: _merge_targets(_topic(r.user, pk)), fields=("code", "question", "title"),
                               label=lambda t: f"{t.code} {t.question or t.title}")(request)


@refusals
def pick_members(request, pk):
    return pickers.picker_view(lambda r: _members(r.user, _topic(r.user, pk)))(request)


@page_access(permissions.can_propose_for_residents, gettext_lazy("您的角色无权代居民提出议事事项。"))
@refusals
def topic_enter(request):
    """A cadre or grid worker enters a matter for residents; ``?diary=`` (a diary entry's
    link) or ``?activity=`` (a meeting's) marks where it came from."""
    from assessments.life.models import Activity
    from grids.diary.models import DiaryEntry

    user = request.user
    diary = activity = None
    if (pk := int_param(request, "diary")) is not None:
        diary = DiaryEntry.objects.visible_to(user).select_related("grid__community").filter(pk=pk).first()
        if diary is None:
            raise Http404
    if (pk := int_param(request, "activity")) is not None:
        activity = Activity.objects.visible_to(user).filter(pk=pk).first()
        if activity is None:
            raise Http404
    initial = {"text": diary.text} if diary is not None else {}
    form = EnterForm(request.POST or None, user=user, fixed_community=diary is not None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            topic = actions.topic_enter(actor=user, community=data.get("community"), title=data["title"],
                                        text=data["text"], name=data.get("name") or "", phone=data.get("phone") or "",
                                        diary=diary, activity=activity)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已录入，等待社区审核。"))
            return redirect("deliberation:topic_detail", pk=topic.pk)
    return render(request, "services/deliberation/topic_enter.html", {
        "form": form, "diary": diary, "activity": activity,
        "crumbs": crumbs((_("居民议事"), reverse("deliberation:topic_list")), (_("代居民提出"), None)),
    }, status=400 if form.is_bound and form.errors else 200)


@page_access(permissions.can_manage_somewhere, gettext_lazy("只有社区工作人员可以审核居民意见。"))
@refusals
def comment_queue(request):
    page_obj = paginate(request, selectors.comments_to_moderate(request.user).order_by("created_at", "id"))
    return render(request, "services/deliberation/comment_queue.html", {
        "page_obj": page_obj,
        "crumbs": crumbs((_("居民议事"), reverse("deliberation:topic_list")), (_("意见审核"), None)),
    })


def _moderate(request, pk, fn, done):
    comment = TopicComment.objects.filter(pk=pk).only("pk").first()
    if comment is None:
        raise Http404
    try:
        fn(actor=request.user, comment=comment)
    except ValidationError as exc:
        messages.error(request, message_of(exc))
    else:
        messages.success(request, done)
    return redirect("deliberation:comment_queue")


@login_required
@refusals
@require_POST
def comment_show(request, pk):
    return _moderate(request, pk, actions.comment_show, _("意见已公开。"))


@login_required
@refusals
@require_POST
def comment_hide(request, pk):
    return _moderate(request, pk, actions.comment_hide, _("意见已设为不公开。"))


@page_access(permissions.can_read_topics, gettext_lazy("您的角色无权查看居民议事。"))
@refusals
def topic_figures(request):
    """Figures of the communities the user covers, or of one area (``?within=``)."""
    user = request.user
    qs = selectors.topics_for(user)
    area = None
    if (pk := int_param(request, "within")) is not None:
        area = areas_selectors.areas_for(user).filter(pk=pk).first()
        if area is None:
            raise Http404
        qs = qs.within(area)
    return render(request, "services/deliberation/figures.html", {
        "figures": selectors.figures(qs), "area": area,
        "crumbs": crumbs((_("居民议事"), reverse("deliberation:topic_list")), (_("议事数据"), None)),
    })
