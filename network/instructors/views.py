"""Pages of 党建指导员, mounted at /network/instructors/ (namespace ``instructors``)."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian import pickers, portal, trees, xlsx
from dangjian.access import page_access
from dangjian.errors import PermissionDeniedError
from dangjian.forms import attach_errors
from dangjian.portal import paginate, refusals
from dangjian.scoping import get_scope
from network.instructors import actions, permissions, selectors, spreadsheet
from network.instructors.forms import (
    AreaFilterForm,
    AssignForm,
    EndAssignmentForm,
    InstructorFilterForm,
    InstructorForm,
    VisitForm,
    member_label,
    pickable_members,
)
from organizations.areas import selectors as areas_selectors

REFUSED = gettext_lazy("您的角色无权查看党建指导员。")


def _crumbs(*more):
    return [{"label": _("党建指导员"), "url": reverse("instructors:list")}, *more]


def _instructor_or_404(user, pk):
    instructor = selectors.instructor_detail(user, pk)
    if instructor is None:
        raise Http404
    return instructor


@page_access(permissions.can_view_instructors, REFUSED)
def instructor_list(request):
    user = request.user
    filters = InstructorFilterForm(request.GET or None, user=user)
    values = filters.filters()
    active = {"1": True, "0": False}.get(values.get("active", ""))
    rows = selectors.filter_instructors(selectors.instructor_list(user), q=values.get("q", ""),
                                        area=values.get("area"), active=active)
    return render(request, "network/instructors/list.html", {
        "page_obj": paginate(request, rows), "filters": filters,
        "can_create": permissions.can_create_instructor(user),
    })


@page_access(permissions.can_view_instructors, REFUSED)
def instructor_detail(request, pk):
    user = request.user
    instructor = _instructor_or_404(user, pk)
    today = timezone.localdate()
    cutoff = selectors.behind_cutoff(today)
    assignments = selectors.instructor_assignments(instructor)
    for a in assignments:
        a.behind = a.is_current and (a.last_visit_on or a.started_on) < cutoff
    return render(request, "network/instructors/detail.html", {
        "instructor": instructor, "assignments": assignments, "visits": selectors.instructor_visits(instructor),
        "can_manage": permissions.can_manage_instructor(user, instructor),
        "crumbs": _crumbs({"label": instructor.name, "url": None}),
    })


def _form_page(request, *, instructor=None):
    user = request.user
    form = InstructorForm(request.POST if request.method == "POST" else None, user=user, instance=instructor)
    if form.is_bound and form.is_valid():
        try:
            saved = actions.instructor_save(actor=user, instructor=instructor, **form.action_values())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已保存党建指导员“%(name)s”。") % {"name": saved.name})
            return redirect("instructors:detail", pk=saved.pk)
    title = _("编辑党建指导员") if instructor else _("选派党建指导员")
    return render(request, "network/instructors/form.html", {
        "form": form, "title": title, "instructor": instructor, "crumbs": _crumbs({"label": title, "url": None}),
    })


@page_access(permissions.can_create_instructor, REFUSED)
@refusals
def instructor_create(request):
    return _form_page(request)


@page_access(permissions.can_view_instructors, REFUSED)
@refusals
def instructor_edit(request, pk):
    instructor = _instructor_or_404(request.user, pk)
    if not permissions.can_manage_instructor(request.user, instructor):
        raise PermissionDeniedError(_("您的角色无权修改该党建指导员。"))
    return _form_page(request, instructor=instructor)


@page_access(permissions.can_view_instructors, REFUSED)
@refusals
def instructor_assign(request, pk):
    user = request.user
    instructor = _instructor_or_404(user, pk)
    if not permissions.can_manage_instructor(user, instructor):
        raise PermissionDeniedError(_("您的角色无权为该指导员安排联系单位。"))
    form = AssignForm(request.POST if request.method == "POST" else None, user=user)
    if form.is_bound and form.is_valid():
        try:
            assignment = actions.instructor_assign(actor=user, instructor=instructor, unit=form.cleaned_data["unit"],
                                                   started_on=form.cleaned_data["started_on"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已安排%(name)s联系“%(unit)s”。") % {
                "name": instructor.name, "unit": assignment.unit.name})
            return redirect("instructors:detail", pk=instructor.pk)
    title = _("安排联系单位")
    return render(request, "network/instructors/action_form.html", {
        "form": form, "title": title, "instructor": instructor,
        "crumbs": _crumbs({"label": instructor.name, "url": reverse("instructors:detail", args=[instructor.pk])},
                          {"label": title, "url": None}),
    })


def _assignment_page(request, pk, *, form_class, title, handle):
    user = request.user
    assignment = selectors.assignment_for(user, pk)
    if assignment is None:
        raise Http404
    instructor = assignment.instructor
    if not permissions.can_manage_instructor(user, instructor):
        raise PermissionDeniedError(_("您的角色无权处理该指导员的联系单位。"))
    form = form_class(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            message = handle(user, assignment, form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect("instructors:detail", pk=instructor.pk)
    return render(request, "network/instructors/action_form.html", {
        "form": form, "title": title, "instructor": instructor, "assignment": assignment,
        "crumbs": _crumbs({"label": instructor.name, "url": reverse("instructors:detail", args=[instructor.pk])},
                          {"label": title, "url": None}),
    })


@page_access(permissions.can_view_instructors, REFUSED)
@refusals
def assignment_end(request, pk):
    def handle(user, assignment, data):
        actions.assignment_end(actor=user, assignment=assignment, ended_on=data["ended_on"])
        return _("已结束对“%(unit)s”的联系。") % {"unit": assignment.unit.name}

    return _assignment_page(request, pk, form_class=EndAssignmentForm, title=_("结束联系"), handle=handle)


@page_access(permissions.can_view_instructors, REFUSED)
@refusals
def visit_create(request, pk):
    def handle(user, assignment, data):
        actions.visit_record(actor=user, assignment=assignment, **data)
        return _("已记录对“%(unit)s”的走访。") % {"unit": assignment.unit.name}

    return _assignment_page(request, pk, form_class=VisitForm, title=_("记录走访"), handle=handle)


@page_access(permissions.can_view_instructors, REFUSED)
def behind_list(request):
    user = request.user
    today = timezone.localdate()
    filters = AreaFilterForm(request.GET or None, user=user)
    values = filters.filters()
    rows = selectors.behind_list(user, today)
    if values.get("area"):
        rows = rows.filter(trees.subtree_q(values["area"], "unit__community"))
    page_obj = paginate(request, rows)
    # a community sees the instructors serving its units, not always the instructor's own page
    # (the appointing street's): the name links only where that page opens
    scope = get_scope(user)
    page_obj.object_list = list(page_obj.object_list)
    for a in page_obj.object_list:
        a.instructor_open = scope.covers_area(a.instructor.area)
    return render(request, "network/instructors/behind.html", {
        "page_obj": page_obj, "filters": filters, "cutoff": selectors.behind_cutoff(today),
        "days": selectors.BEHIND_DAYS, "crumbs": _crumbs({"label": _("走访滞后"), "url": None}),
    })


@page_access(permissions.can_view_instructors, REFUSED)
def coverage_index(request):
    """The coverage of the user's own (outermost) granted area, or the one picked."""
    user = request.user
    pk = portal.int_param(request, "area")
    if pk is None:
        scope = get_scope(user)
        if scope.area_ranges:
            pk = min(scope.area_ranges, key=lambda r: (r.level or 0, r.node_id)).node_id
        else:
            pk = areas_selectors.areas_for(user).order_by("level", "pk").values_list("pk", flat=True).first()
    if pk is None:
        raise Http404
    return redirect("instructors:coverage", area=pk)


def _coverage_area(user, pk):
    return portal.get_visible_or_404(areas_selectors.areas_for(user), pk=pk)


@page_access(permissions.can_view_instructors, REFUSED)
def coverage(request, area):
    user = request.user
    node = _coverage_area(user, area)
    table = selectors.coverage(user, node)
    parent = areas_selectors.areas_for(user).filter(pk=node.parent_id).first() if node.parent_id else None
    return render(request, "network/instructors/coverage.html", {
        "table": table, "area": node, "parent": parent, "filters": AreaFilterForm(user=user),
        "crumbs": _crumbs({"label": _("两新组织覆盖情况"), "url": None}),
    })


@page_access(permissions.can_view_instructors, REFUSED)
def coverage_export(request, area):
    user = request.user
    node = _coverage_area(user, area)
    data = spreadsheet.build_sheet(selectors.coverage(user, node))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = xlsx.content_disposition(spreadsheet.filename(node), f"coverage-{node.pk}.xlsx")
    return response


@page_access(permissions.can_view_instructors, REFUSED)
def pick_units(request):
    return pickers.picker_view(lambda r: selectors.servable_units(r.user), fields=("name", "community__name"),
                               label=selectors.unit_label)(request)


@page_access(permissions.can_view_instructors, REFUSED)
def pick_members(request):
    return pickers.picker_view(lambda r: pickable_members(r.user), label=member_label)(request)
