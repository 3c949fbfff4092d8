"""Pages of one-table reports (一表通), mounted at ``/reports/`` (``reports:…``).

* the list: the reports I defined (my tree's) and those asking something of me, search,
  pagination;
* define a report: subjects, range (a picker), period (a picker), columns picked from the
  figure catalogue (each with its definition) and from the fields of the tree, in order; a
  new field on its own page, refused when the catalogue or the tree has the name;
* the table: subjects × columns, a computed cell linking to its records, a field cell with
  who filled it and when, the definition under each header; Excel export with a sheet of
  definitions;
* the fill page of a subject: every field asked of it, in one form;
* the figure catalogue: every figure by level, its definition, records and unit.

Reads through ``selectors``, writes through ``actions``.  Out of scope is 404; a role that
may not act the 403 page; a step the status refuses a flash message; bad input the form
again with its errors and what was typed.
"""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assessments.figures import catalogue
from assessments.figures.choices import FigureLevel, Measure
from assessments.reports import actions, permissions, selectors, spreadsheet
from assessments.reports.choices import DEFINE_ROLES, ReportAction, ReportStatus
from assessments.reports.forms import FieldForm, FillForm, ReportFilterForm, ReportForm, column_choices, columns_from
from assessments.reports.models import ReportCell
from dangjian.access import page_access
from dangjian.errors import PermissionDeniedError, TransitionError, message_of
from dangjian.forms import attach_errors
from dangjian.portal import paginate, refusals
from dangjian.scoping import get_scope
from dangjian.workflow import available_transitions
from dangjian.xlsx import content_disposition
from organizations.areas.models import Area
from organizations.orgs.models import PartyOrg

CADRES_ONLY = gettext_lazy("只有区、街道、社区的工作人员可以查看报表。")
DEFINERS_ONLY = gettext_lazy("只有区委组织部或街道党工委可以制作报表。")
STAFF_ONLY = gettext_lazy("指标库面向各级工作人员。")
TABS = ("mine", "asked")
SUBJECTS_PER_PAGE = 30


def _crumbs(*tail):
    return [{"label": _("报表"), "url": reverse("reports:list")},
            *({"label": label, "url": url} for label, url in tail)]


def _report_or_404(user, pk):
    report = selectors.report_detail(user, pk)
    if report is None:
        raise Http404
    return report


# ------------------------------------------------------------------------------- list
@page_access(permissions.can_open_reports, CADRES_ONLY)
def report_list(request):
    user = request.user
    may_define = permissions.can_define(user)
    default = "mine" if may_define else "asked"
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else default
    filters = ReportFilterForm(request.GET or None)
    values = filters.filters()
    rows = selectors.defined_by_me(user) if tab == "mine" else selectors.asked_of_me(user)
    rows = selectors.filter_reports(rows, q=values.get("q", ""), status=values.get("status", ""))
    page = paginate(request, rows.select_related(*selectors.LIST_RELATED).order_by("-created_at", "-pk"))
    return render(request, "assessments/reports/list.html", {
        "page_obj": page, "filters": filters, "tab": tab, "may_define": may_define, "crumbs": [],
    })


# ----------------------------------------------------------------------------- define
def _definer_area(user, within):
    try:
        return actions.defining_area(user, within) if within is not None else None
    except PermissionDeniedError:
        return None


def _default_area(user):
    scope = get_scope(user)
    ranges = scope.areas_for(DEFINE_ROLES)
    if not ranges:
        return None
    return Area.objects.filter(pk=min(ranges, key=lambda r: r.start).node_id).select_related("parent").first()


def _definition(request, *, report=None):
    user = request.user
    post = request.method == "POST"
    initial = {}
    if report is not None:
        initial = {"name": report.name, "subject_level": report.subject_level, "org_category": report.org_category,
                   "within": report.within_id, "period_key": report.period_key, "due_on": report.due_on,
                   "note": report.note, "only_in": [a.pk for a in report.only_in.all()]}
    default_area = _default_area(user) if report is None else None
    if report is None:
        area = default_area
        initial = {"within": area.pk if area else None, "subject_level": request.GET.get("level") or FigureLevel.COMMUNITY,
                   "period_key": request.GET.get("period") or ""}
    # the level chosen (a GET reload of the picker) or posted
    data = request.POST if post else None
    if not post and request.GET.get("level"):
        initial["subject_level"] = request.GET["level"]
    form = ReportForm(data, user=user, initial=initial)
    level = form.level
    within = None
    if post and form.is_valid():
        within = form.cleaned_data["within"]
    elif report is not None:
        within = report.within
    else:
        within = default_area
    if report is not None:
        area = report.area
    elif within is not None and default_area is not None and within.pk == default_area.pk:
        area = default_area  # the definer's own node: no lookup
    else:
        area = _definer_area(user, within)
    figures, fields = column_choices(level, area)
    chosen_keys, orders, labels = set(), {}, {}
    if post:
        chosen_keys = set(request.POST.getlist("columns"))
        orders = {k: request.POST.get(f"order_{k}", "") for k in chosen_keys}
        labels = {k: request.POST.get(f"label_{k}", "") for k in chosen_keys}
    elif report is not None:
        for c in selectors.columns_of(report):
            key = f"field:{c.field_id}" if c.is_field else f"fig:{c.figure_code}"
            chosen_keys.add(key)
            orders[key], labels[key] = c.position, c.label
    if post and request.POST.get("reload"):
        form = ReportForm(request.POST, user=user)  # the level changed: offer its columns, keep the rest
        form.errors.clear()
    elif post and form.is_valid():
        d = form.cleaned_data
        columns = columns_from(request.POST, figures=figures, fields=fields)
        kwargs = {"name": d["name"], "within": d["within"], "subject_level": d["subject_level"],
                  "org_category": d.get("org_category") or "", "period_key": d["period_key"], "columns": columns,
                  "only_in": list(d.get("only_in") or ()), "due_on": d.get("due_on"), "note": d.get("note", "")}
        try:
            if report is None:
                saved = actions.report_create(actor=user, **kwargs)
            else:
                saved = actions.report_update(actor=user, report=report, **kwargs)
        except PermissionDeniedError as exc:
            form.add_error("within", message_of(exc))
        except TransitionError as exc:
            form.add_error(None, message_of(exc))
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已保存报表“%(name)s”。发布后，各填报单位才会收到填报任务。") % {"name": saved.name})
            return redirect("reports:detail", pk=saved.pk)
    column_errors = form.errors.get("columns")
    offered = []
    for f in figures:
        key = f"fig:{f.code}"
        offered.append({"key": key, "name": f.name, "definition": f.definition, "source": f.source_text,
                        "unit": f.unit, "kind": "figure", "chosen": key in chosen_keys, "order": orders.get(key, ""),
                        "label": labels.get(key, "")})
    for f in fields:
        key = f"field:{f.pk}"
        offered.append({"key": key, "name": f.name, "definition": f.definition, "source": _("由%(level)s填报（%(area)s定义）") % {
            "level": FigureLevel(f.fill_level).label, "area": f.area.name}, "unit": f.unit, "kind": "field",
            "chosen": key in chosen_keys, "order": orders.get(key, ""), "label": labels.get(key, "")})
    title = _("修改报表") if report is not None else _("制作报表")
    return render(request, "assessments/reports/define.html", {
        "form": form, "offered": offered, "column_errors": column_errors, "level": level, "report": report,
        "title": title, "levels": [(value, label) for value, label in FigureLevel.choices if value != FigureLevel.DISTRICT],
        "field_url": f"{reverse('reports:field_create')}?level={level}&next={request.get_full_path()}",
        "crumbs": _crumbs((title, None)),
    })


@page_access(permissions.can_define, DEFINERS_ONLY)
@refusals
def report_create(request):
    return _definition(request)


@page_access(permissions.can_define, DEFINERS_ONLY)
@refusals
def report_edit(request, pk):
    report = _report_or_404(request.user, pk)
    if not permissions.is_definer(request.user, report):
        raise PermissionDeniedError(_("只有制表单位可以修改报表。"))
    if report.status != ReportStatus.DRAFT:
        messages.error(request, _("报表已发布，不能再修改列和范围；如需调整请新建报表。"))
        return redirect("reports:detail", pk=report.pk)
    return _definition(request, report=report)


def _safe_next(request, default):
    target = request.GET.get("next") or request.POST.get("next") or ""
    return target if target.startswith("/reports/") else default


@page_access(permissions.can_define, DEFINERS_ONLY)
@refusals
def field_create(request):
    user = request.user
    post = request.method == "POST"
    area = _default_area(user)
    initial = {"fill_level": request.GET.get("level") or FigureLevel.COMMUNITY, "area": area.pk if area else None}
    form = FieldForm(request.POST if post else None, user=user, initial=initial)
    back = _safe_next(request, reverse("reports:create"))
    if post and form.is_valid():
        d = form.cleaned_data
        try:
            field = actions.field_create(actor=user, area=d["area"], name=d["name"], definition=d["definition"],
                                         value_type=d["value_type"], choices_text=d.get("choices_text", ""),
                                         unit=d.get("unit", ""), fill_level=d["fill_level"], period_kind=d["period_kind"])
        except PermissionDeniedError as exc:
            form.add_error("area", message_of(exc))
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已新建字段“%(name)s”，在列中勾选即可使用。") % {"name": field.name})
            return redirect(back)
    return render(request, "assessments/reports/form.html", {
        "form": form, "title": _("新建报表字段"), "submit_label": _("新建字段"), "cancel_url": back, "next": back,
        "intro": _("只有指标库没有、业务记录也算不出的数据才新建字段。字段定义一次，各单位每期填一次，以后的报表直接引用。"),
        "crumbs": _crumbs((_("新建报表字段"), None)),
    })


# ------------------------------------------------------------------------------ table
def _subject_label(node, org):
    if org:
        return node.name
    parent = getattr(node, "parent", None)
    return f"{node.name}（{parent.name}）" if parent is not None and node.level >= 5 else node.name


@page_access(permissions.can_open_reports, CADRES_ONLY)
def report_detail(request, pk):
    user = request.user
    report = _report_or_404(user, pk)
    columns = selectors.columns_of(report)
    org = selectors.is_org_report(report)
    definer = permissions.is_definer(user, report)
    nodes = selectors.subject_nodes(report)
    if not definer:  # a subject's cadre sees its own rows only
        nodes = nodes.filter(pk__in=selectors.subjects_filled_by(user, report))
    if not org:
        nodes = nodes.select_related("parent")
    page = paginate(request, nodes, SUBJECTS_PER_PAGE, windowed=True)
    ids = [n.pk for n in page.object_list]
    cells = {(c.subject_id, c.column_id): c for c in
             ReportCell.objects.filter(report=report, subject_id__in=ids).select_related("filled_by")}
    heads = []
    for c in columns:
        figure = c.figure
        heads.append({"column": c, "title": c.title, "definition": c.field.definition if c.is_field else (
            figure.definition if figure else ""), "unit": (c.field.unit if c.is_field else (
                "%" if figure and figure.measure == Measure.RATIO else (figure.unit if figure else ""))),
            "is_field": c.is_field})
    rows = [{"node": n, "label": _subject_label(n, org),
             "cells": [(h, cells.get((n.pk, h["column"].pk))) for h in heads],
             "fill_url": reverse("reports:fill", args=["org" if org else "area", n.pk])} for n in page.object_list]
    mine = [] if definer else [r["node"].pk for r in rows]
    return render(request, "assessments/reports/detail.html", {
        "report": report, "heads": heads, "rows": rows, "page_obj": page, "definer": definer,
        "steps": available_transitions(report, user), "ReportAction": ReportAction, "ReportStatus": ReportStatus,
        "can_edit": permissions.can_edit(user, report), "can_compute": permissions.can_compute(user, report),
        "can_export": permissions.can_export(user, report), "asked_here": bool(mine) and report.status == ReportStatus.PUBLISHED,
        "period": report.period, "crumbs": _crumbs((report.name, None)),
    })


def _step(request, pk, verb, run, success):
    report = _report_or_404(request.user, pk)
    try:
        run(actor=request.user, report=report)
    except TransitionError as exc:
        messages.error(request, message_of(exc))
    else:
        messages.success(request, success)
    return redirect("reports:detail", pk=report.pk)


@require_POST
@page_access(permissions.can_define, DEFINERS_ONLY)
@refusals
def report_publish(request, pk):
    return _step(request, pk, ReportAction.PUBLISH, actions.report_publish,
                 _("已发布：各填报单位会在首页看到待填报表；指标列已由业务记录计算。"))


@require_POST
@page_access(permissions.can_define, DEFINERS_ONLY)
@refusals
def report_close(request, pk):
    return _step(request, pk, ReportAction.CLOSE, actions.report_close, _("已关闭报表，不再征集填报。"))


@require_POST
@page_access(permissions.can_define, DEFINERS_ONLY)
@refusals
def report_compute(request, pk):
    report = _report_or_404(request.user, pk)
    try:
        outcome = actions.report_compute(actor=request.user, report=report)
    except TransitionError as exc:
        messages.error(request, message_of(exc))
    else:
        messages.success(request, _("已重新计算全部单元格。") if outcome == "done" else
                         _("报表较大，已在后台计算；完成后页面显示新的计算时间。"))
    return redirect("reports:detail", pk=report.pk)


@page_access(permissions.can_define, DEFINERS_ONLY)
@refusals
def report_export(request, pk):
    user = request.user
    report = _report_or_404(user, pk)
    if not permissions.can_export(user, report):
        raise PermissionDeniedError(_("只有制表单位可以导出报表。"))
    content = spreadsheet.export(report)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition(f"{report.name}-{report.period_key}.xlsx",
                                                          f"report-{report.pk}.xlsx")
    return response


# ------------------------------------------------------------------------------- fill
@page_access(permissions.can_open_reports, CADRES_ONLY)
def my_fill(request, pk):
    """The subjects of a report the user fills for: straight to the form when there is one."""
    user = request.user
    report = _report_or_404(user, pk)
    ids = selectors.my_subjects_in(user, report)
    if len(ids) == 1:
        return redirect(selectors.fill_url(report, ids[0]))
    return redirect(f"{reverse('reports:detail', args=[report.pk])}")


@page_access(permissions.can_open_reports, CADRES_ONLY)
@refusals
def fill(request, kind, subject_id):
    user = request.user
    if kind not in ("org", "area"):
        raise Http404
    org = kind == "org"
    model = PartyOrg if org else Area
    subject = model.objects.select_related("area" if org else "parent").filter(pk=subject_id).first()
    if subject is None:
        raise Http404
    may = permissions.can_fill_org(user, subject) if org else permissions.can_fill_area(user, subject)
    if not may:
        raise Http404
    entries = selectors.asked_entries(user, org=org, subject_id=subject.pk)
    post = request.method == "POST"
    form = FillForm(request.POST if post else None, entries=entries)
    if post and form.is_valid():
        try:
            changed = actions.field_values_save(actor=user, subject=subject, values=form.values())
        except TransitionError as exc:
            form.add_error(None, message_of(exc))
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已保存 %(n)d 项；所有引用这些字段的报表都已更新。") % {"n": changed} if changed
                             else _("没有改动。"))
            return redirect(request.path)
    rows = [{"entry": e, "field": form[e["name"]]} for e in entries]
    return render(request, "assessments/reports/fill.html", {
        "form": form, "rows": rows, "subject": subject, "today": timezone.localdate(),
        "crumbs": _crumbs((_("填报：%(name)s") % {"name": subject.name}, None)),
    })


# -------------------------------------------------------------------------- catalogue
@page_access(permissions.can_read_catalogue, STAFF_ONLY)
def figure_catalogue(request):
    levels = []
    for value, label in FigureLevel.choices:
        figures = catalogue.figures_for(value)
        levels.append({"value": value, "label": label, "figures": figures})
    return render(request, "assessments/reports/figures.html", {
        "levels": levels, "Measure": Measure, "forbidden": sorted(catalogue.FORBIDDEN_MEASURES),
        "crumbs": _crumbs((_("指标库"), None)),
    })
