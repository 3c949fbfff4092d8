"""Pages of the regional network (区域化党建) under ``/network/committees/``.

* committees (area picker, kind filter, search, pagination), a committee's page (seats,
  meetings, problems, commitments, figures), new and edit;
* add a seat (unit or department picker) and end one; record a meeting (seat pickers);
  raise a problem at a meeting; a problem's page with settle / decline, and whistling it to
  departments and units (the whistle form's pickers);
* problems of an area or a committee (status filter), commitments with fulfil;
* pairings (结对共建) of an area (search, pagination), new and end.

Reads through ``selectors``, writes through ``actions``; out of scope is 404, a role that
may not act a 403 page, a refused change a flash message.  Each page runs a constant number
of queries."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dangjian import pickers, trees
from dangjian.access import page_access
from dangjian.errors import PermissionDeniedError, message_of
from dangjian.forms import attach_errors
from dangjian.portal import paginate, refusals
from dangjian.workflow import available_transitions
from network.committees import actions, forms, permissions, selectors
from network.committees.choices import ProblemAction
from network.committees.models import CommitteeMeeting, CommitteeSeat, UnitCommitment
from services.resident.views import crumbs as _crumbs
from services.resident.views import post_form

NOT_A_CADRE = gettext_lazy("只有区、街道、社区的工作人员可以查看区域化党建。")


def _crumbs_with(*items):
    return _crumbs((_("区域化党建"), reverse("committees:list")), *items)


def _area_of(request, filters):
    """The area of ``?area=`` (an area the user may see), or 404; None when not asked."""
    if not request.GET.get("area"):
        return None
    area = filters.filters().get("area")
    if area is None:
        raise Http404
    return area


def _committee(user, pk):
    found = selectors.committees_for(user).select_related("area__parent", "convener").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _managed(user, pk):
    committee = _committee(user, pk)
    if not permissions.can_manage(user, committee):
        raise PermissionDeniedError(_("只有该区域的区、街道、社区工作人员可以管理该联席组织。"))
    return committee


def _within_committees(request, filters, values, qs):
    """``qs`` (rows of committees) narrowed to ``?area=`` (its subtree) and ``?committee=``
    (one the user may see, else 404): ``(qs, area, committee)``."""
    area = _area_of(request, filters)
    if area is not None:
        qs = qs.filter(trees.subtree_q(area, "committee__area"))
    committee = None
    if values.get("committee"):
        committee = selectors.committees_for(request.user).filter(pk=values["committee"]).first()
        if committee is None:
            raise Http404
        qs = qs.filter(committee=committee)
    return qs, area, committee


def _render_form(request, template, context, form):
    return render(request, template, context, status=400 if form.is_bound and form.errors else 200)


def _committee_subform(request, committee, form, *, save, done, to, title, crumb, testid, subtitle=None):
    """A form on one committee (a seat, a meeting, a problem, a commitment): on a valid POST
    ``save(cleaned_data)`` (the action), then the ``done`` message and ``to(saved)``; an
    action's refusal goes back onto the form (400)."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, done)
            return to(saved)
    detail = reverse("committees:detail", args=[committee.pk])
    context = {"form": form, "title": title, "testid": testid, "committee": committee, "back": detail,
               "crumbs": _crumbs_with((committee.name, detail), (crumb, None))}
    if subtitle:
        context["subtitle"] = subtitle
    return _render_form(request, "network/committees/form.html", context, form)


# ------------------------------------------------------------------------- committees
@page_access(permissions.can_read, NOT_A_CADRE)
@refusals
def committee_list(request):
    user = request.user
    filters = forms.CommitteeFilterForm(request.GET or None, user=user)
    values = filters.filters()
    qs = selectors.committee_list(user)
    area = _area_of(request, filters)
    if area is not None:
        qs = qs.filter(trees.subtree_q(area, "area"))
    if values.get("kind"):
        qs = qs.filter(kind=values["kind"])
    if q := values.get("q"):
        qs = qs.filter(name__icontains=q.strip())
    page = paginate(request, qs.order_by(*trees.preorder("area"), "kind", "name", "pk"))
    return render(request, "network/committees/list.html", {
        "page_obj": page, "filters": filters, "area_filter": area,
        "can_create": permissions.can_create_somewhere(user), "crumbs": _crumbs((_("区域化党建"), None)),
    })


@page_access(permissions.can_read, NOT_A_CADRE)
@refusals
def committee_detail(request, pk):
    user = request.user
    committee = _committee(user, pk)
    seats = list(selectors.seats_of(committee))
    meetings = list(selectors.meetings_of(committee)[:10])
    problems = list(selectors.problems_for(user).filter(committee=committee).order_by("-created_at", "-pk")[:10])
    year = timezone.localdate().year
    commitments = list(selectors.commitments_for(user).filter(committee=committee, year=year)
                       .order_by("seat_id", "kind")[:30])
    return render(request, "network/committees/detail.html", {
        "committee": committee, "seats": seats, "meetings": meetings, "problems": problems,
        "commitments": commitments, "figures": selectors.committee_figures(committee, year),
        "can_manage": permissions.can_manage(user, committee), "year": year,
        "crumbs": _crumbs_with((committee.name, None)),
    })


@page_access(permissions.can_create_somewhere, NOT_A_CADRE)
@refusals
def committee_new(request):
    return _committee_form(request, None)


@page_access(permissions.can_create_somewhere, NOT_A_CADRE)
@refusals
def committee_edit(request, pk):
    return _committee_form(request, _managed(request.user, pk))


def _committee_form(request, committee):
    user = request.user
    initial = None
    if committee is not None and request.method == "GET":
        initial = {"kind": committee.kind, "name": committee.name, "area": committee.area_id,
                   "convener": committee.convener_id, "established_on": committee.established_on,
                   "active": committee.active}
    form = forms.CommitteeForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.committee_save(actor=user, committee=committee, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已保存联席组织。"))
            return redirect("committees:detail", pk=saved.pk)
    title = _("修改联席组织") if committee else _("新建联席组织")
    return _render_form(request, "network/committees/form.html", {
        "form": form, "title": title, "testid": "committee-form", "committee": committee,
        "back": reverse("committees:detail", args=[committee.pk]) if committee else reverse("committees:list"),
        "crumbs": _crumbs_with(*(((committee.name, reverse("committees:detail", args=[committee.pk])),)
                                 if committee else ()), (title, None)),
    }, form)


# ---------------------------------------------------------------------------- pickers
def _manager_of(request, pk):
    return _managed(request.user, pk)


pick_units = refusals(pickers.picker_view(lambda r, pk: forms.seat_units(r.user, _manager_of(r, pk)),
                                          label=lambda u: forms.whistle_forms.unit_label(u)))
pick_departments = refusals(pickers.picker_view(lambda r, pk: forms.seat_departments(r.user, _manager_of(r, pk)),
                                                label=lambda d: forms.whistle_forms.department_label(d)))
pick_seats = refusals(pickers.picker_view(lambda r, pk: forms.current_seats(_manager_of(r, pk)),
                                          fields=("unit__name", "department__name", "person_name"),
                                          label=forms.seat_label))


def _pairing_manager(request):
    if not permissions.can_create_somewhere(request.user):
        raise PermissionDeniedError(str(NOT_A_CADRE))
    return request.user


pick_organ_branches = refusals(pickers.picker_view(lambda r: selectors.organ_branches_for(_pairing_manager(r)),
                                                   label=forms.branch_label))
pick_compound_branches = refusals(pickers.picker_view(lambda r: selectors.compound_branches_for(_pairing_manager(r)),
                                                      label=forms.branch_label))


# ------------------------------------------------------------------------------ seats
@page_access(permissions.can_create_somewhere, NOT_A_CADRE)
@refusals
def seat_add(request, pk):
    user = request.user
    committee = _managed(user, pk)
    form = forms.SeatForm(request.POST or None, user=user, committee=committee)
    return _committee_subform(
        request, committee, form, save=lambda d: actions.seat_add(actor=user, committee=committee, **d),
        done=_("已添加成员单位。"), to=lambda _seat: redirect("committees:detail", pk=committee.pk),
        title=_("添加成员单位"), crumb=_("添加成员单位"), testid="seat-form",
    )


@page_access(permissions.can_create_somewhere, NOT_A_CADRE)
@require_POST
@refusals
def seat_end(request, pk):
    user = request.user
    seat = CommitteeSeat.objects.visible_to(user).filter(pk=pk).first()
    if seat is None:
        raise Http404
    form = forms.EndForm(request.POST)
    to = lambda: redirect("committees:detail", pk=seat.committee_id)  # noqa: E731
    done = post_form(request, form, lambda d: actions.seat_end(actor=user, seat=seat, until=d.get("until")),
                     done=_("该成员单位已退出。"), to=to)
    if done is None:
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
        return to()
    return done


# ---------------------------------------------------------------------------- meetings
@page_access(permissions.can_create_somewhere, NOT_A_CADRE)
@refusals
def meeting_new(request, pk):
    user = request.user
    committee = _managed(user, pk)
    form = forms.MeetingForm(request.POST or None, committee=committee)

    def save(data):
        return actions.meeting_record(
            actor=user, committee=committee, starts_at=data["starts_at"], ends_at=data["ends_at"],
            place=data["place"], topic=data["topic"], minutes=data["minutes"],
            attending_seats=list(data["attending_seats"]))

    return _committee_subform(
        request, committee, form, save=save, done=_("已登记联席会议，可继续登记会上提出的问题。"),
        to=lambda meeting: redirect("committees:problem_new", pk=meeting.pk),
        title=_("登记联席会议"), crumb=_("登记联席会议"), testid="meeting-form",
    )


# ---------------------------------------------------------------------------- problems
@page_access(permissions.can_create_somewhere, NOT_A_CADRE)
@refusals
def problem_new(request, pk):
    user = request.user
    meeting = CommitteeMeeting.objects.visible_to(user).select_related("committee", "activity").filter(pk=pk).first()
    if meeting is None:
        raise Http404
    committee = _managed(user, meeting.committee_id)
    form = forms.ProblemForm(request.POST or None, committee=committee)
    return _committee_subform(
        request, committee, form, save=lambda d: actions.problem_raise(actor=user, meeting=meeting, **d),
        done=_("已登记问题。"), to=lambda problem: redirect("committees:problem", pk=problem.pk),
        title=_("登记会上提出的问题"), crumb=_("登记问题"), testid="problem-form", subtitle=meeting.activity.topic,
    )


@page_access(permissions.can_read, NOT_A_CADRE)
@refusals
def problem_list(request):
    user = request.user
    filters = forms.ProblemFilterForm(request.GET or None, user=user)
    values = filters.filters()
    qs = selectors.problems_for(user)
    qs, area, committee = _within_committees(request, filters, values, qs)
    if q := values.get("q"):
        qs = qs.filter(title__icontains=q.strip())
    if values.get("status"):
        qs = qs.filter(selectors.SHOWN_FILTERS[values["status"]])
    if values.get("waiting"):  # the home page's to-do: open problems older than WAITING_DAYS
        qs = qs.filter(pk__in=selectors.waiting_problems(user).values("pk"))
    page = paginate(request, qs.order_by("-created_at", "-pk"))
    return render(request, "network/committees/problems.html", {
        "page_obj": page, "filters": filters, "area_filter": area, "committee": committee,
        "crumbs": _crumbs_with((_("会议问题"), None)),
    })


def _problem(user, pk):
    found = selectors.problems_for(user).select_related("settled_by__unit", "settled_by__department").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@page_access(permissions.can_read, NOT_A_CADRE)
@refusals
def problem_detail(request, pk):
    return _problem_page(request, pk)


def _problem_page(request, pk, *, bound=None, status=200):
    user = request.user
    problem = _problem(user, pk)
    steps = available_transitions(problem, user)
    bound = bound or {}
    return render(request, "network/committees/problem.html", {
        "problem": problem, "committee": problem.committee, "shown_label": selectors.shown_label(problem.shown),
        "events": list(problem.events.select_related("actor").order_by("at", "pk")),
        "can_settle": ProblemAction.SETTLE in steps, "can_decline": ProblemAction.DECLINE in steps,
        "can_whistle": ProblemAction.WHISTLE in steps,
        "settle_form": bound.get("settle") or forms.SettleForm(committee=problem.committee),
        "decline_form": bound.get("decline") or forms.DeclineForm(),
        "crumbs": _crumbs_with((problem.committee.name, reverse("committees:detail", args=[problem.committee_id])),
                               (problem.title, None)),
    }, status=status)


def _problem_post(request, pk, form_key, make_form, call, done):
    user = request.user
    problem = _problem(user, pk)
    form = make_form(problem)
    answer = post_form(request, form, lambda d: call(user, problem, d), done=done,
                       to=lambda: redirect("committees:problem", pk=problem.pk))
    if answer is None:
        return _problem_page(request, pk, bound={form_key: form}, status=400)
    return answer


@page_access(permissions.can_create_somewhere, NOT_A_CADRE)
@require_POST
@refusals
def problem_settle(request, pk):
    return _problem_post(
        request, pk, "settle", lambda p: forms.SettleForm(request.POST, committee=p.committee),
        lambda user, p, d: actions.problem_settle(actor=user, problem=p, **d), _("已登记为已解决。"))


@page_access(permissions.can_create_somewhere, NOT_A_CADRE)
@require_POST
@refusals
def problem_decline(request, pk):
    return _problem_post(
        request, pk, "decline", lambda p: forms.DeclineForm(request.POST),
        lambda user, p, d: actions.problem_decline(actor=user, problem=p, reason=d["reason"]), _("已登记为不予解决。"))


@page_access(permissions.can_create_somewhere, NOT_A_CADRE)
@refusals
def problem_whistle(request, pk):
    user = request.user
    problem = _problem(user, pk)
    if not permissions.can_manage(user, problem.committee):
        raise PermissionDeniedError(_("只有该区域的区、街道、社区工作人员可以管理该联席组织。"))
    initial = {"title": problem.title, "description": problem.description or problem.title}
    form = forms.ProblemWhistleForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.problem_whistle(actor=user, problem=problem, title=data["title"], description=data["description"],
                                    departments=list(data["departments"]), units=list(data["units"]))
        except ValidationError as exc:
            if getattr(exc, "code", None) == "transition":
                messages.error(request, message_of(exc))
                return redirect("committees:problem", pk=problem.pk)
            attach_errors(form, exc)
        else:
            messages.success(request, _("已吹哨，被吹哨的部门和单位办结后问题即为已解决。"))
            return redirect("committees:problem", pk=problem.pk)
    return _render_form(request, "network/committees/form.html", {
        "form": form, "title": _("问题吹哨"), "testid": "problem-whistle-form", "committee": problem.committee,
        "subtitle": problem.title, "back": reverse("committees:problem", args=[problem.pk]),
        "submit_label": _("吹哨"),
        "crumbs": _crumbs_with((problem.committee.name, reverse("committees:detail", args=[problem.committee_id])),
                               (problem.title, reverse("committees:problem", args=[problem.pk])), (_("吹哨"), None)),
    }, form)


# ------------------------------------------------------------------------- commitments
@page_access(permissions.can_read, NOT_A_CADRE)
@refusals
def commitment_list(request):
    user = request.user
    filters = forms.CommitmentFilterForm(request.GET or None, user=user)
    values = filters.filters()
    qs = selectors.commitments_for(user)
    qs, area, committee = _within_committees(request, filters, values, qs)
    year = values.get("year") or timezone.localdate().year
    qs = qs.filter(year=year)
    if values.get("kind"):
        qs = qs.filter(kind=values["kind"])
    totals = selectors.commitment_totals(qs)
    if values.get("fulfilled") == "yes":
        qs = qs.filter(fulfilled_on__isnull=False)
    elif values.get("fulfilled") == "no":
        qs = qs.filter(fulfilled_on__isnull=True)
    page = paginate(request, qs.order_by("committee__name", "seat_id", "kind", "pk"))
    manageable = {c.pk for c in {row.committee for row in page} if permissions.can_manage(user, c)}
    for row in page:
        row.can_fulfil = row.fulfilled_on is None and row.committee_id in manageable
    return render(request, "network/committees/commitments.html", {
        "page_obj": page, "filters": filters, "area_filter": area, "committee": committee, "year": year,
        "totals": totals, "fulfil_form": forms.FulfilForm(),
        "crumbs": _crumbs_with((_("成员单位承诺"), None)),
    })


@page_access(permissions.can_create_somewhere, NOT_A_CADRE)
@refusals
def commitment_new(request, pk):
    user = request.user
    committee = _managed(user, pk)
    form = forms.CommitmentForm(request.POST or None, committee=committee,
                                initial={"year": timezone.localdate().year})
    return _committee_subform(
        request, committee, form, save=lambda d: actions.commitment_save(actor=user, **d),
        done=_("已登记承诺。"), to=lambda _commitment: redirect("committees:detail", pk=committee.pk),
        title=_("登记成员单位承诺"), crumb=_("登记承诺"), testid="commitment-form",
    )


@page_access(permissions.can_create_somewhere, NOT_A_CADRE)
@require_POST
@refusals
def commitment_fulfil(request, pk):
    user = request.user
    commitment = UnitCommitment.objects.visible_to(user).filter(pk=pk).first()
    if commitment is None:
        raise Http404
    form = forms.FulfilForm(request.POST)
    back = request.POST.get("next") or ""
    to = lambda: redirect(back if back.startswith("/") and not back.startswith("//")  # noqa: E731
                          else reverse("committees:commitments") + f"?committee={commitment.committee_id}")
    answer = post_form(request, form, lambda d: actions.commitment_fulfil(
        actor=user, commitment=commitment, fulfilled_on=d.get("fulfilled_on"), note=d["note"]),
        done=_("已登记兑现。"), to=to)
    if answer is None:
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
        return to()
    return answer


# ---------------------------------------------------------------------------- pairings
@page_access(permissions.can_read, NOT_A_CADRE)
@refusals
def pairing_list(request):
    user = request.user
    filters = forms.PairingFilterForm(request.GET or None, user=user)
    values = filters.filters()
    qs = selectors.pairings_for(user).current()
    area = _area_of(request, filters)
    if area is not None:
        qs = qs.filter(trees.subtree_q(area, "compound_branch__area"))
    if q := values.get("q"):
        qs = qs.filter(Q(organ_branch__name__icontains=q.strip()) | Q(compound_branch__name__icontains=q.strip()))
    page = paginate(request, qs.order_by("compound_branch__name", "pk"))
    return render(request, "network/committees/pairings.html", {
        "page_obj": page, "filters": filters, "area_filter": area,
        "crumbs": _crumbs_with((_("结对共建"), None)),
    })


@page_access(permissions.can_create_somewhere, NOT_A_CADRE)
@refusals
def pairing_new(request):
    user = request.user
    form = forms.PairingForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            actions.pairing_create(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已登记结对共建。"))
            return redirect("committees:pairings")
    return _render_form(request, "network/committees/form.html", {
        "form": form, "title": _("登记结对共建"), "testid": "pairing-form", "back": reverse("committees:pairings"),
        "crumbs": _crumbs_with((_("结对共建"), reverse("committees:pairings")), (_("登记结对"), None)),
    }, form)


@page_access(permissions.can_create_somewhere, NOT_A_CADRE)
@require_POST
@refusals
def pairing_end(request, pk):
    from network.committees.models import BranchPairing

    user = request.user
    pairing = BranchPairing.objects.visible_to(user).filter(pk=pk).first()
    if pairing is None:
        raise Http404
    form = forms.EndForm(request.POST)
    to = lambda: redirect("committees:pairings")  # noqa: E731
    answer = post_form(request, form, lambda d: actions.pairing_end(actor=user, pairing=pairing, until=d.get("until")),
                       done=_("已结束结对。"), to=to)
    if answer is None:
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
        return to()
    return answer

