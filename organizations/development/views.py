"""Pages of 发展党员 (mounted under /org/development/): the pipeline of the user's area or of
one branch, the case list with filters, a case with its timeline and next-step form, opening
a case, the printable public notice (one candidate or a branch's batch), a member's
development record, and the pickers of the step form.  Reads through the selectors, writes
through the actions; out of scope answers 404 like a missing case."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from dangjian import pickers, portal, trees
from dangjian.access import page_access
from dangjian.errors import PermissionDeniedError
from dangjian.forms import attach_errors
from dangjian.portal import client_ip, refusals
from organizations.areas import selectors as areas_selectors
from organizations.development import actions, permissions, schedule, selectors
from organizations.development.choices import STAGE_TITLES, Stage
from organizations.development.forms import (
    CaseFilterForm,
    CaseForm,
    ExtendForm,
    StepForm,
    meeting_label,
    member_label,
)
from organizations.development.models import DevelopmentStep
from organizations.members import permissions as members_permissions
from organizations.members import selectors as members_selectors
from organizations.orgs import selectors as orgs_selectors
from organizations.orgs.forms import org_label

REFUSED = gettext_lazy("您的角色无权查看发展党员工作。")
MANAGE_REFUSED = gettext_lazy("您的角色无权办理发展党员工作。")


def _today():
    return timezone.localdate()


def _crumbs(*tail):
    return [{"label": _("发展党员"), "url": reverse("organizations:development_index")},
            *({"label": label, "url": url} for label, url in tail)]


def _case_or_404(user, pk):
    return portal.get_visible_or_404(
        selectors.cases_for(user).select_related("organization__area", "rule_set", "member"), pk=pk)


def _org_or_404(user, pk):
    return portal.get_visible_or_404(orgs_selectors.orgs_for(user).select_related("area"), pk=pk)


def _due_rows(cases, today, limit=portal.PAGE_SIZE):
    """Cases due this month or overdue, soonest first (one query), with their step names."""
    month_end = schedule.add_months(today.replace(day=1), 1)
    rows = list(
        cases.filter(stage__in=[s for s in Stage.values if s != Stage.FULL], due_on__lt=month_end)
        .select_related("organization", "rule_set").order_by("due_on", "pk")[:limit]
    )
    return rows


def _step_names(rule_set_ids) -> dict:
    from organizations.development.models import StepRule

    return {(r.rule_set_id, r.code): r.name for r in StepRule.objects.filter(rule_set_id__in=set(rule_set_ids))}


def _label_rows(rows):
    names = _step_names([c.rule_set_id for c in rows])
    for c in rows:
        c.next_name = names.get((c.rule_set_id, c.next_step), "")
        c.due_name = names.get((c.rule_set_id, c.due_step), "")
    return rows


# --------------------------------------------------------------------------- pipelines
def _pipeline(request, cases, *, title, org=None, area=None):
    today = _today()
    counts = selectors.pipeline_counts(cases, today)
    due = _label_rows(_due_rows(cases, today))
    return render(request, "organizations/development/pipeline.html", {
        "title": title, "org": org, "area": area, "today": today,
        "stages": [{"value": s.value, "label": s.label, "count": counts[s.value]} for s in Stage],
        "counts": counts, "due": due,
        "can_create": permissions.can_manage_somewhere(request.user),
        "crumbs": _crumbs((title, None)),
    })


@page_access(permissions.can_view_development, REFUSED)
def development_index(request):
    """The pipeline of the user's top area (or ?area=)."""
    user = request.user
    area_id = portal.int_param(request, "area")
    if area_id is not None:
        area = portal.get_visible_or_404(areas_selectors.areas_for(user), pk=area_id)
    else:
        tops = list(areas_selectors.top_areas_for(user))
        area = tops[0] if tops else None
    cases = selectors.cases_for(user)
    if area is not None:
        cases = cases.filter(trees.subtree_q(area, "organization__area"))
    return _pipeline(request, cases, title=area.name if area else _("发展党员"), area=area)


@page_access(permissions.can_view_development, REFUSED)
def branch_pipeline(request, pk):
    user = request.user
    org = _org_or_404(user, pk)
    cases = selectors.cases_for(user).filter(trees.subtree_q(org, "organization"))
    return _pipeline(request, cases, title=org.name, org=org)


# ------------------------------------------------------------------------------- cases
@page_access(permissions.can_view_development, REFUSED)
def case_list(request):
    user = request.user
    today = _today()
    filters = CaseFilterForm(request.GET or None)
    values = filters.filters()
    org_id = portal.int_param(request, "org")
    if org_id is not None:
        values["org"] = _org_or_404(user, org_id)
    rows = selectors.filter_cases(selectors.cases_for(user), values, today)
    rows = rows.select_related("organization", "rule_set").order_by("-applied_on", "-pk")
    page = portal.paginate(request, rows)
    _label_rows(page.object_list)
    return render(request, "organizations/development/case_list.html", {
        "page_obj": page, "filters": filters, "today": today, "org": values.get("org"),
        "can_create": permissions.can_manage_somewhere(user),
        "crumbs": _crumbs((_("发展党员档案"), None)),
    })


def _case_context(user, case, *, step_form=None, step_rule=None):
    today = _today()
    rules = selectors.rules_of(case.rule_set)
    by_code = {r.code: r for r in rules}
    steps = selectors.timeline(case)
    plan = selectors.case_plan(case, rules, steps, today)
    for s in steps:
        s.rule = by_code.get(s.code)
    can_manage = permissions.can_manage_case(user, case)
    allowed = plan.allowed if can_manage else []
    if can_manage and step_form is None and allowed:
        step_rule = allowed[0]
        step_form = StepForm(case=case, rule=step_rule, prefix="step")
    done = {s.code for s in steps}
    stages = []
    for stage in Stage:
        stages.append({"label": STAGE_TITLES[stage], "rules": [
            {"rule": r, "done": r.code in done} for r in rules if r.stage == stage]})
    vote_on = next((s.on for s in steps if s.code == "branch_vote"), None)
    return {
        "case": case, "steps": steps, "plan": plan, "stages": stages, "today": today,
        "allowed": allowed, "step_form": step_form, "step_rule": step_rule,
        "can_manage": can_manage, "can_reveal": permissions.can_reveal(user, case),
        "probation_end": schedule.probation_end(vote_on, case.probation_extension_months) if vote_on else None,
        "extend_form": ExtendForm(prefix="extend") if can_manage and case.stage == Stage.PROBATIONARY
        and not case.probation_extension_months else None,
        "has_notice": "notice" in done,
        "crumbs": _crumbs((_("发展党员档案"), reverse("organizations:development_case_list")), (case.name, None)),
    }


@page_access(permissions.can_open_own_or_any, REFUSED)
def case_detail(request, pk):
    user = request.user
    case = _case_or_404(user, pk)
    step_form = step_rule = None
    code = request.GET.get("step")
    if code and permissions.can_manage_case(user, case):
        rules = {r.code: r for r in selectors.rules_of(case.rule_set)}
        if code in rules:
            step_rule = rules[code]
            step_form = StepForm(case=case, rule=step_rule, prefix="step")
    return render(request, "organizations/development/case_detail.html",
                  _case_context(user, case, step_form=step_form, step_rule=step_rule))


@never_cache
@require_POST
@refusals
@page_access(permissions.can_manage_somewhere, MANAGE_REFUSED)
def step_create(request, pk, code):
    user = request.user
    case = _case_or_404(user, pk)
    if not permissions.can_manage_case(user, case):
        raise PermissionDeniedError(MANAGE_REFUSED)
    rules = {r.code: r for r in selectors.rules_of(case.rule_set)}
    rule = rules.get(code)
    if rule is None:
        raise Http404
    form = StepForm(request.POST, request.FILES, case=case, rule=rule, prefix="step")
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.step_record(
                actor=user, case=case, code=code, on=data["on"], people=data.get("people") or (),
                note=data.get("note", ""), hours=data.get("hours"), activity=data.get("activity"),
                yes=data.get("votes_yes"), no=data.get("votes_no"), abstain=data.get("votes_abstain"),
                written=data.get("votes_written") or 0,
                evidence=request.FILES.getlist("step-evidence"),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已登记“%(step)s”。") % {"step": rule.name})
            return redirect("organizations:development_case_detail", pk=case.pk)
    return render(request, "organizations/development/case_detail.html",
                  _case_context(user, case, step_form=form, step_rule=rule), status=400)


@never_cache
@require_POST
@refusals
@page_access(permissions.can_manage_somewhere, MANAGE_REFUSED)
def probation_extend(request, pk):
    user = request.user
    case = _case_or_404(user, pk)
    form = ExtendForm(request.POST, prefix="extend")
    if form.is_valid():
        try:
            actions.probation_extend(actor=user, case=case, months=form.cleaned_data["months"],
                                     note=form.cleaned_data["note"])
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已延长预备期。"))
    return redirect("organizations:development_case_detail", pk=case.pk)


@never_cache
@refusals
@page_access(permissions.can_manage_somewhere, MANAGE_REFUSED)
def case_create(request):
    user = request.user
    initial = {"applied_on": _today()}
    org_id = portal.int_param(request, "org")
    if org_id is not None:
        initial["organization"] = org_id
    form = CaseForm(request.POST if request.method == "POST" else None, user=user, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            case = actions.case_create(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已登记“%(name)s”的入党申请。") % {"name": case.name})
            return redirect("organizations:development_case_detail", pk=case.pk)
    return render(request, "organizations/development/case_form.html", {
        "form": form, "crumbs": _crumbs((_("登记入党申请"), None)),
    }, status=400 if form.is_bound else 200)


@never_cache
@require_POST
@page_access(permissions.can_view_development, REFUSED)
def case_reveal(request, pk):
    user = request.user
    case = _case_or_404(user, pk)
    try:
        data = actions.reveal_personal_data(actor=user, case=case, ip=client_ip(request))
    except PermissionDeniedError as exc:
        return render(request, "organizations/_reveal_refused.html", {"message": str(exc)}, status=403)
    return render(request, "organizations/_reveal.html", {"data": data})


@page_access(permissions.can_open_own_or_any, REFUSED)
def evidence_download(request, pk, step_pk, index):
    from django.core.files.storage import default_storage

    case = _case_or_404(request.user, pk)
    step = DevelopmentStep.objects.filter(pk=step_pk, case=case).first()
    if step is None or not 0 <= index < len(step.evidence or []):
        raise Http404
    item = step.evidence[index]
    return FileResponse(default_storage.open(item["path"], "rb"), as_attachment=True, filename=item["name"])


# ------------------------------------------------------------------------------ notices
def _notice_rows(steps):
    return [{"case": s.case, "step": s, "sponsors": list(s.case.sponsors)} for s in steps]


def _notices(cases):
    """The notice steps of ``cases`` with each case's sponsors (three queries)."""
    from django.db.models import Prefetch

    sponsors = Prefetch("case__steps", queryset=DevelopmentStep.objects.filter(code="sponsors_assigned")
                        .prefetch_related("people"), to_attr="sponsor_steps")
    steps = list(DevelopmentStep.objects.filter(case__in=cases, code="notice")
                 .select_related("case__organization").prefetch_related(sponsors).order_by("-on", "case__name"))
    for s in steps:
        s.case.sponsors = [m for st in s.case.sponsor_steps for m in st.people.all()]
    return steps


@page_access(permissions.can_view_development, REFUSED)
def case_notice(request, pk):
    case = _case_or_404(request.user, pk)
    steps = _notices(selectors.cases_for(request.user).filter(pk=case.pk))
    if not steps:
        raise Http404
    return render(request, "organizations/development/notice.html", {
        "org": case.organization, "rows": _notice_rows(steps), "today": _today(),
        "crumbs": _crumbs((case.name, reverse("organizations:development_case_detail", args=[case.pk])),
                          (_("公示"), None)),
    })


@page_access(permissions.can_view_development, REFUSED)
def branch_notices(request, pk):
    """The branch's notices still running (or ended within the last month): one sheet to print."""
    user = request.user
    org = _org_or_404(user, pk)
    since = schedule.add_months(_today(), -1)
    cases = selectors.cases_for(user).filter(organization=org)
    steps = [s for s in _notices(cases.filter(steps__code="notice", steps__notice_until__gte=since))]
    return render(request, "organizations/development/notice.html", {
        "org": org, "rows": _notice_rows(steps), "today": _today(), "batch": True,
        "crumbs": _crumbs((org.name, reverse("organizations:development_branch", args=[org.pk])), (_("公示"), None)),
    })


# ------------------------------------------------------------------------- a member's record
@page_access(permissions.can_open_own_or_any, REFUSED)
def member_record(request, pk):
    user = request.user
    member = portal.get_visible_or_404(members_selectors.members_for(user), pk=pk)
    case = selectors.case_of_member(user, member)
    if case is not None:
        return redirect("organizations:development_case_detail", pk=case.pk)
    return render(request, "organizations/development/member_record.html", {
        "member": member,
        "crumbs": [{"label": member.name, "url": reverse("organizations:member_detail", args=[member.pk])},
                   {"label": _("发展党员档案"), "url": None}],
    })


@page_access(members_permissions.has_member_record, gettext_lazy("您的账号没有关联党员信息。"))
def my_record(request):
    """The signed-in member's own development record (the same rule as ``member_record``)."""
    member = members_selectors.members_for(request.user).filter(user=request.user).first()
    if member is None:
        raise Http404
    return redirect("organizations:development_member_record", pk=member.pk)


# ------------------------------------------------------------------------------ pickers
def _managed_case(request, pk):
    case = _case_or_404(request.user, pk)
    if not permissions.can_manage_case(request.user, case):
        raise PermissionDeniedError(MANAGE_REFUSED)
    return case


@refusals
@page_access(permissions.can_manage_somewhere, MANAGE_REFUSED)
def pick_members(request, pk):
    return pickers.picker_view(lambda r: selectors.full_members_of(_managed_case(r, pk)), label=member_label)(request)


@refusals
@page_access(permissions.can_manage_somewhere, MANAGE_REFUSED)
def pick_meetings(request, pk):
    return pickers.picker_view(lambda r: selectors.branch_meetings(_managed_case(r, pk)), fields=("topic",),
                               label=meeting_label)(request)


@refusals
@page_access(permissions.can_manage_somewhere, MANAGE_REFUSED)
def pick_branches(request):
    return pickers.picker_view(
        lambda r: selectors.manageable_branches(r.user).select_related("area").order_by("name", "pk"),
        fields=("name", "code", "area__name"), label=org_label)(request)

