"""Pages of the four lists (四张清单), mounted at ``/checklists/``.

* the index: the lists the user sees (filters, pagination), the lists awaiting the user's
  approval and the overdue items in the user's subtree (the first few, each with a page
  of its own);
* a list: the four lists as tabs, the figures, the history and the forms of the actions
  the user may take (submit; approve/return; mid-year check; 述职 report; appraisal);
* item forms: add, edit, delete, progress, complete (evidence optional), 销号.

Reads through ``assessments.checklists.selectors``, writes through
``assessments.checklists.actions``.  An object out of scope is a 404; a role that may not
act a 403 page; a state that does not allow the change (``TransitionError``) a flash
message on the list's page; bad input the form again with its errors.  Every page runs a
constant number of queries whatever the number of rows.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assessments.checklists import actions, permissions, selectors
from assessments.checklists.choices import ChecklistAction, ChecklistStatus, ItemKind, ItemStatus
from assessments.checklists.forms import (
    FIELD_MAP,
    AppraiseForm,
    ChecklistCreateForm,
    ChecklistFilterForm,
    FinishForm,
    ItemForm,
    MidyearForm,
    ProgressForm,
    ReasonForm,
    ReportForm,
    figure_guide,
)
from dangjian import pickers, portal
from dangjian.access import page_access
from dangjian.errors import PermissionDeniedError, TransitionError, message_of
from dangjian.forms import attach_errors
from dangjian.portal import int_param, paginate, refusals
from dangjian.workflow import available_transitions
from organizations.orgs.forms import org_label

PANEL_SIZE = 10


def _today():
    return timezone.localdate()


def _crumbs(*tail):
    return [{"label": _("四张清单"), "url": reverse("checklist:index")}, *({"label": label, "url": url} for label, url in tail)]


def _checklist_or_404(user, pk):
    checklist = (
        selectors.checklists_for(user).select_related("org__area", "org__parent__area", "submitted_by", "approved_by",
                                                       "midyear_by", "appraised_by")
        .filter(pk=pk).first()
    )
    if checklist is None:
        raise Http404
    return checklist


def _item_or_404(user, pk):
    item = selectors.items_for(user).select_related("checklist__org__area", "checklist__org__parent__area", "problem").filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def _detail_url(checklist_id, kind=None):
    url = reverse("checklist:detail", args=[checklist_id])
    return f"{url}?tab={kind}#items" if kind else url


def _refused(request, exc, checklist_id, kind=None):
    messages.error(request, message_of(exc))
    return redirect(_detail_url(checklist_id, kind))


# ------------------------------------------------------------------------------ index
@page_access(permissions.can_create_anywhere, gettext_lazy("只有本组织的书记、委员等管理人员及其上级可以查看四张清单。"))
def index(request):
    user = request.user
    today = _today()
    filters = ChecklistFilterForm(request.GET or None)
    values = filters.filters()
    page = paginate(request, selectors.checklist_list(user, today, **values), windowed=True)
    selectors.attach_figures(page.object_list, today)
    awaiting = selectors.awaiting_approval(user).select_related("org").order_by("submitted_at", "pk")
    overdue = selectors.overdue_items(user, today)
    awaiting, awaiting_count = portal.head_and_total(awaiting, PANEL_SIZE)
    overdue, overdue_count = portal.head_and_total(overdue, PANEL_SIZE)
    return render(request, "assessments/checklists/index.html", {
        "page_obj": page, "filters": filters,
        "awaiting": awaiting, "awaiting_count": awaiting_count,
        "overdue": selectors.attach_days(overdue, today), "overdue_count": overdue_count,
        "can_create": permissions.can_create_anywhere(user), "today": today,
        "crumbs": [],
    })


@page_access(permissions.can_review_anywhere, gettext_lazy("只有本组织的书记、委员等管理人员及其上级可以查看四张清单。"))
def awaiting(request):
    user = request.user
    qs = selectors.with_figures(selectors.awaiting_approval(user).select_related("org", "org__area"), _today())
    return render(request, "assessments/checklists/awaiting.html", {
        "page_obj": paginate(request, qs.order_by("submitted_at", "pk")),
        "crumbs": _crumbs((_("待我审批"), None)),
    })


@page_access(permissions.can_create_anywhere, gettext_lazy("只有本组织的书记、委员等管理人员及其上级可以查看四张清单。"))
def overdue(request):
    user = request.user
    today = _today()
    page = paginate(request, selectors.overdue_items(user, today))
    selectors.attach_days(page.object_list, today)
    return render(request, "assessments/checklists/overdue.html", {
        "page_obj": page, "today": today, "crumbs": _crumbs((_("逾期事项"), None)),
    })


# ----------------------------------------------------------------------------- create
@login_required
@refusals
def create(request):
    user = request.user
    if not permissions.can_create_anywhere(user):
        raise PermissionDeniedError(_("只有本组织的书记、委员等管理人员可以建立四张清单。"))
    post = request.method == "POST"
    initial = {}
    if not post and (org_id := int_param(request, "org")) is not None:
        if not selectors.editable_orgs(user).filter(pk=org_id).exists():
            raise Http404
        initial["org"] = org_id
    form = ChecklistCreateForm(request.POST if post else None, user=user, initial=initial)
    if post and form.is_valid():
        data = form.cleaned_data
        try:
            checklist = actions.checklist_create(actor=user, org=data["org"], year=data["year"],
                                                 copy_last_year=data["copy_last_year"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已建立“%(c)s”。") % {"c": checklist})
            return redirect("checklist:detail", pk=checklist.pk)
    return render(request, "assessments/checklists/form.html", {
        "form": form, "title": _("建立四张清单"), "submit_label": _("建立"),
        "cancel_url": reverse("checklist:index"), "crumbs": _crumbs((_("建立清单"), None)),
    })


@refusals
def pick_orgs(request):
    """The create form's organizations picker: the ones whose lists the user writes."""
    if request.user.is_authenticated and not permissions.can_create_anywhere(request.user):
        raise PermissionDeniedError(_("只有本组织的书记、委员等管理人员可以建立四张清单。"))
    return pickers.picker_view(lambda r: selectors.pickable_orgs(r.user), fields=("name", "code", "area__name"),
                               label=org_label)(request)


# ----------------------------------------------------------------------------- detail
def _abilities(user, checklist):
    org = checklist.org
    edit = permissions.can_edit(user, org)
    superior = permissions.is_superior(user, org)
    status = checklist.status
    open_year = checklist.appraised_at is None
    approved = status == ChecklistStatus.APPROVED
    steps = available_transitions(checklist, user)
    return {
        "edit": edit,
        "superior": superior,
        "plan": edit and open_year and status in actions.EDITABLE_STATUSES,
        "problems": edit and open_year,
        "submit": ChecklistAction.SUBMIT in steps,
        "review": ChecklistAction.APPROVE in steps,  # approve or return
        "midyear": superior and approved and open_year,
        "report": edit and approved and open_year,
        "appraise": superior and approved and open_year and checklist.reported_at is not None,
        "complete": edit and approved and open_year,
    }


@login_required
def detail(request, pk):
    user = request.user
    today = _today()
    checklist = _checklist_or_404(user, pk)
    view = selectors.checklist_sections(checklist, today)
    can = _abilities(user, checklist)
    tab = request.GET.get("tab") if request.GET.get("tab") in ItemKind.values else ItemKind.RESPONSIBILITY
    return render(request, "assessments/checklists/detail.html", {
        "checklist": checklist, "org": checklist.org, "view": view, "figures": view.figures,
        "events": selectors.checklist_events(checklist), "can": can, "tab": tab, "today": today,
        "ItemKind": ItemKind, "ItemStatus": ItemStatus,
        "planned_kinds": [k.value for k in actions.PLANNED_KINDS],
        "reason_form": ReasonForm() if can["review"] else None,
        "midyear_form": MidyearForm(initial={"note": checklist.midyear_note}) if can["midyear"] else None,
        "appraise_form": AppraiseForm() if can["appraise"] else None,
        "crumbs": _crumbs((checklist.org.name, None), (_("%(y)d 年") % {"y": checklist.year}, None)),
    })


# --------------------------------------------------------------- checklist actions
@require_POST
@login_required
@refusals
def submit(request, pk):
    return _button(request, pk, actions.checklist_submit, lambda checklist: _("清单已提交上级党组织审批。"))


@require_POST
@login_required
@refusals
def approve(request, pk):
    return _button(request, pk, actions.checklist_approve, lambda checklist: _("已审批通过“%(c)s”。") % {"c": checklist})


def _button(request, pk, run, success):
    """A button posted to ``run(actor=, checklist=)``: refused → flash message; done → ``success(checklist)``."""
    checklist = _checklist_or_404(request.user, pk)
    try:
        run(actor=request.user, checklist=checklist)
    except ValidationError as exc:
        return _refused(request, exc, checklist.pk)
    messages.success(request, success(checklist))
    return redirect("checklist:detail", pk=checklist.pk)


def _form_page(request, checklist, form, run, *, title, submit_label, success, may, refusal, field_map=None,
               cancel_url=None, template="assessments/checklists/form.html", extra=None):
    """A small form whose POST calls ``run(form.cleaned_data)``: the 403 when ``may`` is
    false, a flash message when the state refuses, the form again on bad input."""
    if not may:
        raise PermissionDeniedError(refusal)
    if request.method == "POST" and form.is_valid():
        try:
            run(form.cleaned_data)
        except TransitionError as exc:
            return _refused(request, exc, checklist.pk)
        except ValidationError as exc:
            attach_errors(form, exc, field_map=field_map)
        else:
            messages.success(request, success)
            return redirect(cancel_url or _detail_url(checklist.pk))
    return render(request, template, {
        "form": form, "title": title, "submit_label": submit_label, "checklist": checklist,
        "cancel_url": cancel_url or _detail_url(checklist.pk),
        "crumbs": _crumbs((checklist.org.name, _detail_url(checklist.pk)), (title, None)), **(extra or {}),
    })


def _bound(request, form_class, **kwargs):
    post = request.method == "POST"
    return form_class(request.POST if post else None, request.FILES if post else None, **kwargs)


@login_required
@refusals
def return_(request, pk):
    user = request.user
    checklist = _checklist_or_404(user, pk)
    return _form_page(
        request, checklist, _bound(request, ReasonForm),
        lambda d: actions.checklist_return(actor=user, checklist=checklist, reason=d["reason"]),
        title=_("退回修改"), submit_label=_("退回"), success=_("已退回，并告知退回原因。"),
        may=permissions.is_superior(user, checklist.org), refusal=_("只有上级党组织可以退回清单，本组织人员不能退回本组织的清单。"),
    )


@login_required
@refusals
def midyear(request, pk):
    user = request.user
    checklist = _checklist_or_404(user, pk)
    return _form_page(
        request, checklist, _bound(request, MidyearForm, initial={"note": checklist.midyear_note}),
        lambda d: actions.checklist_midyear_check(actor=user, checklist=checklist, note=d["note"]),
        title=_("年中检查"), submit_label=_("保存检查意见"), success=_("已保存年中检查意见。"),
        may=permissions.is_superior(user, checklist.org), refusal=_("只有上级党组织可以填写年中检查意见。"),
    )


@login_required
@refusals
def report(request, pk):
    user = request.user
    checklist = _checklist_or_404(user, pk)
    return _form_page(
        request, checklist, _bound(request, ReportForm, initial={"report_text": checklist.report_text}),
        lambda d: actions.checklist_report(actor=user, checklist=checklist, text=d["report_text"]),
        title=_("书记述职"), submit_label=_("提交述职报告"), success=_("已提交述职报告，等待上级评议。"),
        may=permissions.can_edit(user, checklist.org), refusal=_("只有本组织的书记、委员等管理人员可以填写述职报告。"),
    )


@login_required
@refusals
def appraise(request, pk):
    user = request.user
    checklist = _checklist_or_404(user, pk)
    return _form_page(
        request, checklist, _bound(request, AppraiseForm),
        lambda d: actions.checklist_appraise(actor=user, checklist=checklist, appraisal=d["appraisal"],
                                             note=d["appraisal_note"]),
        title=_("年终评议"), submit_label=_("提交评议"), success=_("已完成评议。"),
        may=permissions.is_superior(user, checklist.org),
        refusal=_("只有上级党组织可以评议述职，本组织人员不能评议本组织的清单。"),
        extra={"report_text": checklist.report_text},
    )


# ------------------------------------------------------------------------------ items
@login_required
@refusals
def item_add(request, pk):
    user = request.user
    checklist = _checklist_or_404(user, pk)
    kind = request.GET.get("kind") or request.POST.get("kind") or ItemKind.RESPONSIBILITY
    if kind not in ItemKind.values:
        raise Http404
    problems = selectors.items_for(user).filter(checklist=checklist, kind=ItemKind.PROBLEM).exclude(status=ItemStatus.CLOSED)
    problems = list(problems.order_by("pk"))
    if kind == ItemKind.RECTIFICATION and not problems and request.method != "POST":
        messages.info(request, _("请先在问题清单中列出问题，再为它制定整改事项。"))
        return redirect(_detail_url(checklist.pk, ItemKind.PROBLEM))
    initial = {"problem": int_param(request, "problem")} if request.method != "POST" else None
    form = _bound(request, ItemForm, kind=kind, problems=problems, initial=initial)
    return _form_page(
        request, checklist, form,
        lambda d: actions.checklist_item_add(actor=user, checklist=checklist, kind=kind, **form.action_values()),
        title=_("新增%(kind)s事项") % {"kind": ItemKind(kind).label}, submit_label=_("保存"),
        success=_("已新增事项。"), may=permissions.can_edit(user, checklist.org),
        refusal=_("只有本组织的书记、委员等管理人员可以填报四张清单。"), field_map=FIELD_MAP,
        cancel_url=_detail_url(checklist.pk, kind),
        extra={"hidden": {"kind": kind}, "figure_guide": figure_guide() if "figure" in form.fields else None},
    )


@login_required
@refusals
def item_edit(request, pk):
    user = request.user
    item = _item_or_404(user, pk)
    checklist = item.checklist
    problems = []
    if item.kind == ItemKind.RECTIFICATION:
        problems = list(selectors.items_for(user).filter(checklist=checklist, kind=ItemKind.PROBLEM).filter(
            ~Q(status=ItemStatus.CLOSED) | Q(pk=item.problem_id)).order_by("pk"))
    form = _bound(request, ItemForm, kind=item.kind, problems=problems, item=item)
    return _form_page(
        request, checklist, form,
        lambda d: actions.checklist_item_update(actor=user, item=item, **form.action_values()),
        title=_("修改事项"), submit_label=_("保存"), success=_("已保存事项。"),
        may=permissions.can_edit(user, checklist.org), refusal=_("只有本组织的书记、委员等管理人员可以修改清单事项。"),
        field_map=FIELD_MAP, cancel_url=_detail_url(checklist.pk, item.kind),
        extra={"figure_guide": figure_guide() if "figure" in form.fields else None},
    )


@require_POST
@login_required
@refusals
def item_delete(request, pk):
    user = request.user
    item = _item_or_404(user, pk)
    if not permissions.can_edit(user, item.checklist.org):
        raise PermissionDeniedError(_("只有本组织的书记、委员等管理人员可以删除清单事项。"))
    try:
        actions.checklist_item_delete(actor=user, item=item)
    except ValidationError as exc:
        return _refused(request, exc, item.checklist_id, item.kind)
    messages.success(request, _("已删除“%(t)s”。") % {"t": item.title})
    return redirect(_detail_url(item.checklist_id, item.kind))


@login_required
@refusals
def item_progress(request, pk):
    user = request.user
    item = _item_or_404(user, pk)
    return _form_page(
        request, item.checklist, _bound(request, ProgressForm, initial={"note": item.evidence_note}),
        lambda d: actions.item_progress(actor=user, item=item, note=d["note"]),
        title=_("填报进展：%(t)s") % {"t": item.title}, submit_label=_("保存进展"), success=_("已保存进展情况。"),
        may=permissions.can_edit(user, item.checklist.org), refusal=_("只有本组织的书记、委员等管理人员可以填报进展。"),
        field_map=FIELD_MAP, cancel_url=_detail_url(item.checklist_id, item.kind), extra={"item": item},
    )


@login_required
@refusals
def item_finish(request, pk):
    """登记完成 (responsibility, assessment) or 整改销号 (rectification)."""
    user = request.user
    item = _item_or_404(user, pk)
    closing = item.kind == ItemKind.RECTIFICATION
    if item.is_bound:
        messages.info(request, _("该事项由业务记录自动计算，不需要手工登记完成或上传材料。"))
        return redirect(_detail_url(item.checklist_id, item.kind))
    form = _bound(request, FinishForm, closing=closing, item=item, user=user)

    def run(d):
        if closing:
            return actions.rectification_close(actor=user, item=item, note=d["note"], evidence=d.get("evidence"),
                                               records=form.cited())
        return actions.item_complete(actor=user, item=item, note=d["note"], evidence=d.get("evidence"))

    return _form_page(
        request, item.checklist, form, run,
        title=(_("整改销号：%(t)s") if closing else _("登记完成：%(t)s")) % {"t": item.title},
        submit_label=_("销号") if closing else _("登记完成"),
        success=_("已销号。") if closing else _("已登记完成。"),
        may=permissions.can_edit(user, item.checklist.org), refusal=_("只有本组织的书记、委员等管理人员可以登记完成情况。"),
        field_map=FIELD_MAP, cancel_url=_detail_url(item.checklist_id, item.kind), extra={"item": item, "multipart": True},
    )


@login_required
def item_evidence(request, pk):
    item = _item_or_404(request.user, pk)
    if not item.evidence:
        raise Http404
    ext = item.evidence.name.rsplit(".", 1)[-1]
    name = f"{item.checklist.org.name}-{item.checklist.year}-{item.pk}.{ext}"
    return FileResponse(item.evidence.open("rb"), as_attachment=True, filename=name)


@refusals
def pick_records(request, pk, kind):
    """The 销号 form's pickers: the records a rectification of this list may cite
    (``selectors.citable_records``: the organization's activities, its area's closed whistles
    and resolved requests)."""
    from assessments.checklists.choices import RecordKind

    if kind not in RecordKind.values:
        raise Http404
    if not request.user.is_authenticated:
        return pickers.refused(_("请先登录。"))
    item = _item_or_404(request.user, pk)
    if item.kind != ItemKind.RECTIFICATION:
        raise Http404
    if not permissions.can_edit(request.user, item.checklist.org):
        raise PermissionDeniedError(_("只有本组织的书记、委员等管理人员可以登记销号。"))
    queryset = selectors.citable_records(request.user, item.checklist.org, kind)
    return pickers.respond(request, queryset, fields=selectors.RECORD_SEARCH[kind],
                           label=lambda obj: selectors.record_label(kind, obj))


@require_POST
@login_required
@refusals
def refresh(request, pk):
    """重新计算: the list's owner recomputes its bound items from the records now."""
    checklist = _checklist_or_404(request.user, pk)
    if not permissions.can_edit(request.user, checklist.org):
        raise PermissionDeniedError(_("只有本组织的书记、委员等管理人员可以重新计算清单进度。"))
    counts = actions.checklist_items_refresh(checklist_ids=[checklist.pk], actor=request.user, year=checklist.year)
    messages.success(request, _("已根据业务记录重新计算 %(n)d 个事项的进度。") % {"n": counts["items"]})
    return redirect(_detail_url(checklist.pk))
