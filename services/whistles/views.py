"""Pages of 吹哨报到 under ``/services/whistles/``.

* the list (scoped: cadres see their areas' whistles and those escalated to them, a
  department or unit sees only the whistles sent to it), with filters (status, overdue,
  escalated to me, area, code or title) and pagination;
* the new-whistle form (prefilled from ``?request=<id>`` or ``?diary=<id>``);
* a whistle's page: each target's progress, deadlines with overdue badges, the events,
  and the forms the user may use (report in, answer, confirm with satisfaction, send
  back, cancel);
* the inbox of a department's or unit's accounts (“本单位的吹哨”);
* 三率 per child area and per department/unit, with the selectable weighting;
* a department's or unit's own 三率 and their monthly trend (“本单位三率”);
* departments and their accounts (系统管理员, 区委组织部).

Reads go through ``services.whistles.selectors``, writes through ``services.whistles.actions``;
a refused change is a flash message, a role that may not act a 403 page, an object out of
scope a 404.  Each page runs a constant number of queries.
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
from django.views.decorators.http import require_POST

from assessments.scoring import periods
from dangjian import pickers, trees
from dangjian.access import page_access
from dangjian.errors import PermissionDeniedError
from dangjian.forms import attach_errors
from dangjian.portal import int_param, paginate, refusals
from dangjian.workflow import available_transitions
from organizations.areas.models import Area
from organizations.units.models import ResidentUnit
from services.resident.views import crumbs as _crumbs
from services.resident.views import post_form
from services.resident.views import safe_next as _safe_next
from services.whistles import actions, choices, rates, selectors
from services.whistles import forms as whistle_forms
from services.whistles import permissions as wa
from services.whistles.choices import TargetAction, TargetStatus, WhistleAction, WhistleStatus
from services.whistles.forms import (
    ConfirmForm,
    DepartmentForm,
    OwnRatesForm,
    RatesForm,
    ReasonForm,
    ReportForm,
    ResolveForm,
    ResponderForm,
    WhistleFilterForm,
    WhistleForm,
)
from services.whistles.models import Department, Responder, WhistleTarget

NOT_A_RESPONDER = gettext_lazy("您的账号不是任何职能部门或驻区单位的报到账号。")
NOT_A_WHISTLER = gettext_lazy("只有街道、社区工作人员（及其上级）可以吹哨。")
NOT_A_DEPARTMENT_MANAGER = gettext_lazy("只有系统管理员和区委组织部可以管理职能部门。")


# ---------------------------------------------------------------------------- list
@page_access(wa.can_read_whistles, gettext_lazy("只有街道、社区工作人员和职能部门、驻区单位的报到账号可以查看吹哨事项。"))
@refusals
def whistle_list(request):
    user = request.user
    now = timezone.now()
    filters = WhistleFilterForm(request.GET or None)
    values = filters.filters()
    qs = selectors.whistles_for(user)
    area_filter = None
    if values.get("area"):
        area_filter = Area.objects.visible_to(user).filter(pk=values["area"]).first()
        if area_filter is None:
            raise Http404
        qs = qs.filter(trees.subtree_q(area_filter, "area"))
    figure_period = None
    if values.get("period") and periods.is_key(values["period"]):
        figure_period = periods.parse(values["period"])
        start, end = periods.moments(figure_period)  # as the dashboard counts whistles
        qs = qs.filter(created_at__gte=start, created_at__lt=end)
    if values.get("counted"):
        qs = qs.exclude(status=WhistleStatus.CANCELLED)
    if q := values.get("q"):
        qs = qs.filter(code__icontains=q.strip()) | qs.filter(title__icontains=q.strip())
    if values.get("overdue"):
        qs = qs.filter(selectors.overdue_q(now))
    if values.get("mine"):
        qs = qs.filter(selectors.escalated_to_me_q(user))
    counts = selectors.status_counts(qs)
    if values.get("status"):
        qs = qs.filter(status=values["status"])
    page = paginate(request, selectors.with_progress(qs, now).order_by("-created_at", "-id"))
    return render(request, "services/whistles/list.html", {
        "page_obj": page, "filters": filters, "now": now, "area_filter": area_filter,
        "figure_filter": {"period_label": figure_period.label} if figure_period else None,
        "counts": [(s.value, s.label, counts.get(s.value, 0)) for s in WhistleStatus],
        "can_whistle": wa.can_whistle_somewhere(user), "is_responder": wa.is_responder(user),
        "crumbs": _crumbs((_("吹哨报到"), None)),
    })


# ----------------------------------------------------------------------------- new
def _prefill(request, user) -> dict:
    """Initial values from ``?request=<id>`` or ``?diary=<id>`` (only what the user may see)."""
    initial = {}
    if (pk := int_param(request, "request")) is not None:
        from services.requests.models import ServiceRequest

        found = ServiceRequest.objects.visible_to(user).select_related("category", "community").filter(pk=pk).first()
        if found is None:
            raise Http404
        initial.update(request=found.pk, area=found.community_id,
                       title=_("居民诉求：%(category)s") % {"category": found.category.name},
                       description=found.text)
    elif (pk := int_param(request, "diary")) is not None:
        from grids.diary.models import DiaryEntry

        found = DiaryEntry.objects.visible_to(user).select_related("grid").filter(pk=pk).first()
        if found is None:
            raise Http404
        initial.update(diary=found.pk, area=found.grid.community_id,
                       title=_("民情日记：%(category)s") % {"category": found.get_category_display()},
                       description=found.text)
    elif (pk := int_param(request, "area")) is not None:
        initial["area"] = pk
    return initial


def _whistler(request):
    if not wa.can_whistle_somewhere(request.user):
        raise PermissionDeniedError(str(NOT_A_WHISTLER))
    return request.user


# Picker options of the whistle form (the form validates against the same querysets).
pick_areas = refusals(pickers.picker_view(lambda r: whistle_forms.whistle_areas(_whistler(r)),
                                          label=whistle_forms.area_label))
pick_departments = refusals(pickers.picker_view(lambda r: whistle_forms.whistle_departments(_whistler(r)),
                                                label=whistle_forms.department_label))
pick_units = refusals(pickers.picker_view(lambda r: whistle_forms.whistle_units(_whistler(r)),
                                          label=whistle_forms.unit_label))


@page_access(wa.can_whistle_somewhere, NOT_A_WHISTLER)
@refusals
def whistle_new(request):
    user = request.user
    form = WhistleForm(request.POST or None, user=user, initial=_prefill(request, user) if request.method == "GET" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        source = {}
        if data.get("request"):
            from services.requests.models import ServiceRequest

            source["request"] = ServiceRequest(pk=data["request"])
        elif data.get("diary"):
            from grids.diary.models import DiaryEntry

            source["diary"] = DiaryEntry(pk=data["diary"])
        try:
            whistle = actions.whistle_create(
                actor=user, area=data["area"], title=data["title"], description=data["description"],
                departments=list(data["departments"]), units=list(data["units"]),
                report_due=data.get("report_due"), resolve_due=data.get("resolve_due"), **source,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已吹哨，被吹哨的部门和单位需在截止时间前报到。"))
            return redirect("whistles:detail", pk=whistle.pk)
    return render(request, "services/whistles/form.html", {
        "form": form, "crumbs": _crumbs((_("吹哨报到"), reverse("whistles:list")), (_("我要吹哨"), None)),
    }, status=400 if form.is_bound and form.errors else 200)


# -------------------------------------------------------------------------- detail
def _whistle_for_view(user, pk):
    whistle = selectors.whistles_for(user).select_related("created_by", "area__parent").filter(pk=pk).first()
    if whistle is None:
        raise Http404
    return whistle


def _detail(request, whistle, *, status=200, bound=None):
    user = request.user
    now = timezone.now()
    live = whistle.status in choices.LIVE_STATUSES
    targets = list(selectors.whistle_targets(whistle))
    bound = bound or {}
    for t in targets:
        t.whistle = whistle
        # a cancelled whistle's targets take no step (their own statuses would allow some)
        steps = available_transitions(t, user) if live else frozenset()
        t.late_report = t.status == TargetStatus.NOTIFIED and whistle.report_due < now
        t.late_resolve = t.still_to_answer and whistle.resolve_due < now
        t.reported_late = t.reported_at is not None and t.reported_at > whistle.report_due
        t.can_report = TargetAction.REPORT in steps
        t.can_resolve = TargetAction.RESOLVE in steps
        t.can_judge = TargetAction.CONFIRM in steps  # confirm or send back
        t.report_form = bound.get(("report", t.pk)) or ReportForm(prefix=f"report-{t.pk}")
        t.resolve_form = bound.get(("resolve", t.pk)) or ResolveForm(prefix=f"resolve-{t.pk}")
        t.confirm_form = bound.get(("confirm", t.pk)) or ConfirmForm(prefix=f"confirm-{t.pk}")
        t.reopen_form = bound.get(("reopen", t.pk)) or ReasonForm(prefix=f"reopen-{t.pk}")
    events = list(selectors.whistle_events(whistle))
    for e in events:
        e.label = selectors.EVENT_LABELS.get(e.to_status, e.to_status)
    return render(request, "services/whistles/detail.html", {
        "whistle": whistle, "targets": targets, "events": events, "now": now,
        "late_report": whistle.status == WhistleStatus.OPEN and any(t.late_report for t in targets),
        "late_resolve": whistle.status == WhistleStatus.OPEN and any(t.late_resolve for t in targets),
        "can_cancel": WhistleAction.CANCEL in available_transitions(whistle, user),
        "cancel_form": bound.get(("cancel", whistle.pk)) or ReasonForm(prefix="cancel"),
        "crumbs": _crumbs((_("吹哨报到"), reverse("whistles:list")), (whistle.code, None)),
    }, status=status)


@login_required
@refusals
def whistle_detail(request, pk):
    return _detail(request, _whistle_for_view(request.user, pk))


@login_required
@refusals
@require_POST
def whistle_cancel(request, pk):
    whistle = _whistle_for_view(request.user, pk)
    form = ReasonForm(request.POST, prefix="cancel")
    response = post_form(request, form, lambda data: actions.whistle_cancel(actor=request.user, whistle=whistle, reason=data["reason"]),
                         done=_("已撤销该吹哨事项。"), to=lambda: redirect("whistles:detail", pk=whistle.pk))
    return response or _detail(request, whistle, status=400, bound={("cancel", whistle.pk): form})


def _target_for_view(user, pk):
    target = WhistleTarget.objects.visible_to(user).only("pk", "whistle_id").filter(pk=pk).first()
    if target is None:
        raise Http404
    return target


def _target_post(request, pk, verb, form_class, call, done):
    user = request.user
    target = _target_for_view(user, pk)
    form = form_class(request.POST, prefix=f"{verb}-{target.pk}")
    response = post_form(request, form, lambda data: call(user, target, data), done=done,
                         to=lambda: _safe_next(request, reverse("whistles:detail", args=[target.whistle_id])))
    if response is not None:
        return response
    whistle = _whistle_for_view(user, target.whistle_id)
    return _detail(request, whistle, status=400, bound={(verb, target.pk): form})


@login_required
@refusals
@require_POST
def target_report(request, pk):
    return _target_post(request, pk, "report", ReportForm,
                        lambda u, t, d: actions.whistle_report_in(actor=u, target=t, note=d.get("note", "")),
                        _("已报到，请尽快办理并登记结果。"))


@login_required
@refusals
@require_POST
def target_resolve(request, pk):
    return _target_post(request, pk, "resolve", ResolveForm,
                        lambda u, t, d: actions.whistle_resolve(actor=u, target=t, answer=d["answer"]),
                        _("已登记办理结果，等待吹哨方确认。"))


@login_required
@refusals
@require_POST
def target_confirm(request, pk):
    return _target_post(request, pk, "confirm", ConfirmForm,
                        lambda u, t, d: actions.whistle_confirm(actor=u, target=t, satisfaction=d["satisfaction"],
                                                           note=d.get("note", "")),
                        _("已确认办结。"))


@login_required
@refusals
@require_POST
def target_reopen(request, pk):
    return _target_post(request, pk, "reopen", ReasonForm,
                        lambda u, t, d: actions.whistle_reopen(actor=u, target=t, reason=d["reason"]),
                        _("已退回重办。"))


# --------------------------------------------------------------------------- inbox
@page_access(wa.is_responder, NOT_A_RESPONDER)
@refusals
def inbox(request):
    user = request.user
    todo = request.GET.get("todo") == "1"
    parties = [str(r.department or r.unit) for r in
               Responder.objects.filter(user=user).select_related("department", "unit").order_by("pk")]
    return render(request, "services/whistles/inbox.html", {
        "page_obj": paginate(request, selectors.inbox_todo(user) if todo else selectors.inbox(user)),
        "now": timezone.now(), "parties": parties, "todo": todo,
        "crumbs": _crumbs((_("吹哨报到"), reverse("whistles:list")), (_("本单位的吹哨"), None)),
    })


# --------------------------------------------------------------------------- 三率
@page_access(wa.can_read_area_rates, gettext_lazy("只有各级党委和街道、社区工作人员可以查看三率；职能部门和驻区单位请查看本单位三率。"))
@refusals
def rates_page(request):
    user = request.user
    form = RatesForm(request.GET or None)
    area_id = form.filters().get("area")
    if area_id:
        area = selectors.rate_areas_for(user).filter(pk=area_id).first()
        if area is None:
            raise Http404
    else:
        area = selectors.default_rate_area(user)
        if area is None:
            raise PermissionDeniedError(_("您没有可查看三率的管辖区域。"))
    start, end = form.period()
    weighting = form.chosen_weighting()
    table = selectors.rate_rows(area, start, end, weighting)
    parent = area.parent if area.parent_id and selectors.rate_areas_for(user).filter(pk=area.parent_id).exists() else None
    return render(request, "services/whistles/rates.html", {
        "form": form, "area": area, "parent": parent, "start": start, "end": end, "weighting": weighting,
        "weights": [int(w * 100) for w in rates.weights(weighting)], "weighting_label": rates.WEIGHTING_LABELS[weighting],
        "table": table,
        "crumbs": _crumbs((_("吹哨报到"), reverse("whistles:list")), (_("三率"), None), (area.name, None)),
    })


@page_access(wa.is_responder, NOT_A_RESPONDER)
@refusals
def my_rates(request):
    """The 三率 of the departments and units the user answers for — only theirs — over the
    period and month by month (``?party=`` narrows to one of them; another's is a 404)."""
    user = request.user
    form = OwnRatesForm(request.GET or None)
    parties = selectors.own_parties(user)
    chosen = form.filters().get("party")
    if chosen:
        parties = [p for p in parties if p[0] == chosen]
        if not parties:
            raise Http404
    start, end = form.period()
    weighting = form.chosen_weighting()
    return render(request, "services/whistles/my_rates.html", {
        "form": form, "start": start, "end": end, "weighting": weighting,
        "weights": [int(w * 100) for w in rates.weights(weighting)], "weighting_label": rates.WEIGHTING_LABELS[weighting],
        "tables": selectors.own_rate_rows(parties, start, end, weighting), "chosen": chosen,
        "crumbs": _crumbs((_("吹哨报到"), reverse("whistles:list")), (_("本单位三率"), None)),
    })


# ---------------------------------------------------------------------- departments
def _require_department_manager(user):
    if not wa.can_manage_departments(user):
        raise PermissionDeniedError(str(NOT_A_DEPARTMENT_MANAGER))


@page_access(wa.can_manage_departments, NOT_A_DEPARTMENT_MANAGER)
@refusals
def departments(request):
    user = request.user
    form = DepartmentForm(request.POST or None, user=user, prefix="dept")
    if request.method == "POST" and form.is_valid():
        try:
            dept = actions.department_save(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已添加职能部门“%(name)s”。") % {"name": dept.name})
            return redirect("whistles:department", pk=dept.pk)
    return render(request, "services/whistles/departments.html", {
        "page_obj": paginate(request, selectors.departments_managed_by(user, wa.DEPARTMENT_ROLES)), "form": form,
        "crumbs": _crumbs((_("吹哨报到"), reverse("whistles:list")), (_("职能部门"), None)),
    }, status=400 if form.is_bound and form.errors else 200)


def _department_for_view(user, pk):
    dept = selectors.departments_managed_by(user, wa.DEPARTMENT_ROLES).filter(pk=pk).first()
    if dept is None:
        if Department.objects.visible_to(user).filter(pk=pk).exists():
            raise PermissionDeniedError(str(NOT_A_DEPARTMENT_MANAGER))
        raise Http404
    return dept


@login_required
@refusals
def department(request, pk):
    user = request.user
    _require_department_manager(user)
    dept = _department_for_view(user, pk)
    form = DepartmentForm(request.POST or None, user=user, prefix="dept",
                          initial={"area": dept.area_id, "name": dept.name, "phone": dept.phone, "is_active": dept.is_active})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.department_save(actor=user, department=dept, **form.cleaned_data)
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("whistles:department", pk=dept.pk)
        status = 400
    return _department_page(request, dept, form=form, status=status)


def _department_page(request, dept, *, form=None, responder_form=None, status=200):
    return render(request, "services/whistles/department.html", {
        "dept": dept,
        "form": form or DepartmentForm(user=request.user, prefix="dept", initial={
            "area": dept.area_id, "name": dept.name, "phone": dept.phone, "is_active": dept.is_active}),
        "responder_form": responder_form or ResponderForm(prefix="resp"),
        "responders": list(Responder.objects.filter(department=dept).select_related("user").order_by("user__username")),
        "crumbs": _crumbs((_("吹哨报到"), reverse("whistles:list")), (_("职能部门"), reverse("whistles:departments")),
                          (dept.name, None)),
    }, status=status)


@login_required
@refusals
@require_POST
def department_responder_add(request, pk):
    user = request.user
    _require_department_manager(user)
    dept = _department_for_view(user, pk)
    form = ResponderForm(request.POST, prefix="resp")
    if _responder_added(request, form, department=dept):
        return redirect("whistles:department", pk=dept.pk)
    return _department_page(request, dept, responder_form=form, status=400)


def _responder_added(request, form, **party) -> bool:
    """Add the account of a bound ``ResponderForm`` for ``party`` (department= or unit=):
    True when added (with a flash message), else the errors are on the form."""
    if not form.is_valid():
        return False
    try:
        actions.responder_add(actor=request.user, **party, **form.cleaned_data)
    except ValidationError as exc:
        attach_errors(form, exc)
        return False
    messages.success(request, _("已添加报到账号“%(name)s”。") % {"name": form.cleaned_data["username"]})
    return True


def _unit_for_accounts(user, pk):
    unit = ResidentUnit.objects.visible_to(user).select_related("community").filter(pk=pk).first()
    if unit is None:
        raise Http404
    return unit


@login_required
@refusals
def unit_responders(request, pk):
    """A resident unit's 报到账号: the accounts that report in and answer whistles for it.
    Anyone who sees the unit sees the list; its community's cadres and their superiors add
    and remove accounts."""
    user = request.user
    unit = _unit_for_accounts(user, pk)
    can_manage = wa.can_manage_unit_accounts(user, unit)
    form, status = None, 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDeniedError(_("只有社区工作人员及其上级可以管理驻区单位的报到账号。"))
        form = ResponderForm(request.POST, prefix="resp")
        if _responder_added(request, form, unit=unit):
            return redirect("whistles:unit_responders", pk=unit.pk)
        status = 400
    return render(request, "services/whistles/unit_responders.html", {
        "unit": unit,
        "can_manage": can_manage,
        "responder_form": form or ResponderForm(prefix="resp"),
        "responders": list(Responder.objects.filter(unit=unit).select_related("user").order_by("user__username")),
        "crumbs": _crumbs((_("驻区单位"), reverse("organizations:unit_list")),
                          (unit.name, reverse("organizations:unit_detail", args=[unit.pk])), (_("报到账号"), None)),
    }, status=status)


@login_required
@refusals
@require_POST
def responder_remove(request, pk):
    user = request.user
    found = Responder.objects.filter(pk=pk).only("pk", "department_id").first()
    if found is None:
        raise Http404
    actions.responder_remove(actor=user, responder=found)
    messages.success(request, _("已移除该报到账号。"))
    if found.department_id:
        return redirect("whistles:department", pk=found.department_id)
    return _safe_next(request, reverse("whistles:list"))
