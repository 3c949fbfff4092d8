"""Pages of 民主评议党员, mounted at ``/life/appraisals/`` (the organizational-life pages).

* the rounds (filters year/status, pagination) with their grade counts;
* opening a round (branch and year pickers, the meeting it was held at);
* the grading sheet: every member of the branch with a grade select and a note, one POST,
  a refused row (the 双报到 rule, a missing note) shown on that row with what was typed kept;
* a round: its result, history and buttons (confirm, approve, send back);
* figures per area and year; a member's appraisal history; “我的评议”.

Reads through ``selectors``, writes through ``actions``; out of scope is a 404; a role that
may not act a 403 page; a state that refuses a flash message; constant queries per page.
"""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assessments.appraisal import actions, permissions, selectors
from assessments.appraisal.choices import AppraisalAction, AppraisalStatus, Grade
from assessments.appraisal.forms import AppraisalCreateForm, AppraisalFilterForm, MeetingForm, ReasonForm, sheet_entries
from dangjian import pickers
from dangjian.access import page_access, signed_in
from dangjian.errors import PermissionDeniedError, message_of
from dangjian.forms import attach_errors
from dangjian.portal import int_param, paginate, refusals
from dangjian.scoping import get_scope
from dangjian.workflow import available_transitions
from organizations.areas.models import Area
from organizations.grants.choices import MANAGE_ROLES
from organizations.members.models import Member
from organizations.orgs.forms import org_label

ROUNDS_RULE = (permissions.can_open_appraisals, gettext_lazy("只有党支部及其上级党组织的管理人员可以查看民主评议党员。"))
NOT_UNAPPRAISED_HEAD = 20


def _crumbs(*tail):
    return [{"label": _("民主评议党员"), "url": reverse("assessments:appraisal:index")},
            *({"label": label, "url": url} for label, url in tail)]


def _appraisal_or_404(user, pk):
    appraisal = (selectors.appraisals_for(user)
                 .select_related("org__area", "org__parent__area", "activity__activity_type", "confirmed_by", "approved_by")
                 .filter(pk=pk).first())
    if appraisal is None:
        raise Http404
    return appraisal


def _year_param(request):
    year = int_param(request, "year")
    today = timezone.localdate()
    return year if year and 2000 <= year <= today.year + 1 else today.year


# ------------------------------------------------------------------------------- list
@page_access(*ROUNDS_RULE)
def index(request):
    user = request.user
    filters = AppraisalFilterForm(request.GET or None)
    rows = selectors.appraisal_list(user, **filters.filters())
    if (org_id := int_param(request, "org")) is not None:  # one branch's rounds (the org page's link)
        rows = rows.filter(org_id=org_id)
    page = paginate(request, rows)
    selectors.attach_counts(page.object_list)
    return render(request, "assessments/appraisal/index.html", {
        "page_obj": page, "filters": filters, "Grade": Grade,
        "can_create": get_scope(user).has_role(*MANAGE_ROLES), "crumbs": [],
    })


@page_access(*ROUNDS_RULE)
@refusals
def create(request):
    user = request.user
    post = request.method == "POST"
    initial = {}
    if not post and (org_id := int_param(request, "org")) is not None:
        if not selectors.gradable_orgs(user).filter(pk=org_id).exists():
            raise Http404
        initial["org"] = org_id
    form = AppraisalCreateForm(request.POST if post else None, user=user, initial=initial)
    if post and form.is_valid():
        data = form.cleaned_data
        try:
            appraisal = actions.appraisal_create(actor=user, org=data["org"], year=data["year"], activity=data["activity"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已建立“%(a)s”，请逐一评定党员的等次。") % {"a": appraisal})
            return redirect("assessments:appraisal:sheet", pk=appraisal.pk)
    return render(request, "assessments/appraisal/form.html", {
        "form": form, "title": _("开展民主评议党员"), "submit_label": _("建立"),
        "cancel_url": reverse("assessments:appraisal:index"), "crumbs": _crumbs((_("开展评议"), None)),
    })


def _pick_refused(request):
    return request.user.is_authenticated and not permissions.can_open_appraisals(request.user)


@refusals
def pick_orgs(request):
    if _pick_refused(request):
        raise PermissionDeniedError(_("只有党支部的管理人员可以开展民主评议党员。"))
    return pickers.picker_view(lambda r: selectors.pickable_orgs(r.user), fields=("name", "code", "area__name"),
                               label=org_label)(request)


@refusals
def pick_meetings(request):
    if _pick_refused(request):
        raise PermissionDeniedError(_("只有党支部的管理人员可以开展民主评议党员。"))
    year = int_param(request, "year")
    today = timezone.localdate()
    years = [year] if year else [today.year, today.year - 1]
    return pickers.picker_view(lambda r: selectors.pickable_meetings(r.user, years=years), fields=("org__name", "topic"),
                               label=selectors.meeting_label)(request)


# ----------------------------------------------------------------------------- detail
@page_access(*ROUNDS_RULE)
def detail(request, pk):
    user = request.user
    appraisal = _appraisal_or_404(user, pk)
    grades = selectors.appraisal_grades(appraisal)
    selectors.attach_counts([appraisal])
    steps = available_transitions(appraisal, user)
    grader = permissions.can_grade(user, appraisal.org)
    return render(request, "assessments/appraisal/detail.html", {
        "appraisal": appraisal, "org": appraisal.org, "grades": grades, "events": selectors.appraisal_events(appraisal),
        "can": {
            "grade": grader and appraisal.status == AppraisalStatus.DRAFT,
            "confirm": AppraisalAction.CONFIRM in steps, "approve": AppraisalAction.APPROVE in steps,
            "reopen": AppraisalAction.REOPEN in steps,
        },
        "Grade": Grade, "crumbs": _crumbs((f"{appraisal.org.name} {appraisal.year}", None)),
    })


@page_access(*ROUNDS_RULE)
@refusals
def sheet(request, pk):
    user = request.user
    appraisal = _appraisal_or_404(user, pk)
    if not permissions.can_grade(user, appraisal.org):
        raise PermissionDeniedError(_("只有本支部的书记、委员等管理人员可以评定等次。"))
    if appraisal.status != AppraisalStatus.DRAFT:
        messages.info(request, _("评议结果已%(s)s，等次不能再修改。") % {"s": appraisal.get_status_display()})
        return redirect("assessments:appraisal:detail", pk=appraisal.pk)
    rows = selectors.sheet_rows(appraisal)
    errors, general = {}, []
    if request.method == "POST":
        entries = sheet_entries(request.POST, rows)
        try:
            actions.appraisal_grade(actor=user, appraisal=appraisal, entries=entries)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for key, errs in exc.message_dict.items():
                    if key.startswith("grade_"):
                        errors[int(key[6:])] = "；".join(errs)
                    else:
                        general.extend(errs)
            else:
                general.append(message_of(exc))
            for row in rows:  # keep what was typed
                row.grade, row.grade_note = entries.get(row.pk, (row.grade, row.grade_note))
        else:
            messages.success(request, _("已保存评议等次。"))
            if request.POST.get("then") == "confirm":
                return redirect(reverse("assessments:appraisal:detail", args=[appraisal.pk]) + "#confirm")
            return redirect("assessments:appraisal:sheet", pk=appraisal.pk)
    for row in rows:
        row.error = errors.get(row.pk, "")
    return render(request, "assessments/appraisal/sheet.html", {
        "appraisal": appraisal, "rows": rows, "general_errors": general, "error_count": len(errors),
        "grades": Grade.choices, "crumbs": _crumbs((f"{appraisal.org.name} {appraisal.year}",
                                                   reverse("assessments:appraisal:detail", args=[appraisal.pk])),
                                                  (_("评定等次"), None)),
    })


def _button(request, pk, run, success):
    appraisal = _appraisal_or_404(request.user, pk)
    try:
        run(actor=request.user, appraisal=appraisal)
    except ValidationError as exc:
        messages.error(request, message_of(exc))
    else:
        messages.success(request, success)
    return redirect("assessments:appraisal:detail", pk=appraisal.pk)


@require_POST
@page_access(*ROUNDS_RULE)
@refusals
def confirm(request, pk):
    return _button(request, pk, actions.appraisal_confirm, _("已确认评议结果。"))


@require_POST
@page_access(*ROUNDS_RULE)
@refusals
def approve(request, pk):
    return _button(request, pk, actions.appraisal_approve, _("已审核通过评议结果。"))


@page_access(*ROUNDS_RULE)
@refusals
def reopen(request, pk):
    user = request.user
    appraisal = _appraisal_or_404(user, pk)
    if not permissions.can_reopen(user, appraisal):
        raise PermissionDeniedError(_("只有本支部或上级党组织的管理人员可以退回评议结果。"))
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.appraisal_reopen(actor=user, appraisal=appraisal, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            if getattr(exc, "code", None) == "transition":
                messages.error(request, message_of(exc))
                return redirect("assessments:appraisal:detail", pk=appraisal.pk)
            attach_errors(form, exc)
        else:
            messages.success(request, _("已退回重新评议。"))
            return redirect("assessments:appraisal:detail", pk=appraisal.pk)
    return _form(request, appraisal, form, _("退回重新评议"), _("退回"))


@page_access(*ROUNDS_RULE)
@refusals
def meeting(request, pk):
    user = request.user
    appraisal = _appraisal_or_404(user, pk)
    if not permissions.can_grade(user, appraisal.org):
        raise PermissionDeniedError(_("只有本支部的书记、委员等管理人员可以选择评议会议。"))
    form = MeetingForm(request.POST if request.method == "POST" else None, user=user, year=appraisal.year,
                       initial={"activity": appraisal.activity_id})
    if request.method == "POST" and form.is_valid():
        try:
            actions.appraisal_set_meeting(actor=user, appraisal=appraisal, activity=form.cleaned_data["activity"])
        except ValidationError as exc:
            if getattr(exc, "code", None) == "transition":
                messages.error(request, message_of(exc))
                return redirect("assessments:appraisal:detail", pk=appraisal.pk)
            attach_errors(form, exc)
        else:
            messages.success(request, _("已选择评议会议。"))
            return redirect("assessments:appraisal:detail", pk=appraisal.pk)
    return _form(request, appraisal, form, _("选择评议会议"), _("保存"))


def _form(request, appraisal, form, title, submit_label):
    url = reverse("assessments:appraisal:detail", args=[appraisal.pk])
    return render(request, "assessments/appraisal/form.html", {
        "form": form, "title": title, "submit_label": submit_label, "appraisal": appraisal, "cancel_url": url,
        "crumbs": _crumbs((f"{appraisal.org.name} {appraisal.year}", url), (title, None)),
    })


# ---------------------------------------------------------------------------- figures
@page_access(*ROUNDS_RULE)
def figures(request):
    """Per area and year: the area (``?area=``, default the user's granted area) and its children."""
    user = request.user
    year = _year_param(request)
    area_id = int_param(request, "area")
    visible = Area.objects.visible_to(user)
    if area_id is not None:
        area = visible.filter(pk=area_id).first()
        if area is None:
            raise Http404
    else:
        scope = get_scope(user)
        ranges = scope.areas_for(MANAGE_ROLES)
        area = visible.filter(pk=ranges[0].node_id).first() if ranges else None
        if area is None:
            area = visible.filter(parent__isnull=True).order_by("pk").first()
    rows, children, unappraised, unappraised_count = [], [], [], 0
    if area is not None:
        ids = [area.pk, *area.get_children().values_list("pk", flat=True)]
        rows = selectors.area_figures(ids, year)
        own = next((r for r in rows if r.area_id == area.pk), None)
        children = [r for r in rows if r.area_id != area.pk]
        rows = own
        from dangjian.portal import head_and_total

        unappraised, unappraised_count = head_and_total(selectors.unappraised_branches(area, year), NOT_UNAPPRAISED_HEAD)
    today = timezone.localdate()
    return render(request, "assessments/appraisal/figures.html", {
        "area": area, "total": rows, "children": children, "year": year, "years": range(today.year, today.year - 4, -1),
        "unappraised": unappraised, "unappraised_count": unappraised_count, "Grade": Grade,
        "crumbs": _crumbs((_("评议统计"), None)),
    })


# ----------------------------------------------------------------------- member record
@page_access(signed_in)
def member_history(request, pk):
    """A member's appraisal history (the member page's 党员档案 card): whoever sees the member."""
    member = Member.objects.visible_to(request.user).select_related("organization").filter(pk=pk).first()
    if member is None:
        raise Http404
    return render(request, "assessments/appraisal/member.html", {
        "member": member, "grades": selectors.member_history(member),
        "crumbs": [{"label": member.name, "url": reverse("organizations:member_detail", args=[member.pk])},
                   {"label": _("民主评议"), "url": None}],
    })


@page_access(permissions.has_own_record, gettext_lazy("只有登记了党员信息的账号可以查看本人的民主评议结果。"))
def mine(request):
    return render(request, "assessments/appraisal/mine.html", {
        "grades": selectors.my_grades(request.user), "crumbs": [{"label": _("我的评议"), "url": None}],
    })
