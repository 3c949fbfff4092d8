"""Pages of 经费 under /network/funds/: allocations (list with filters, the allocating form,
one allocation with its spending), the spending list, the recording form and one spending
with its evidence (served to those who may read it, never a public URL), the totals of an
area (per child area and purpose, per year), and the Excel export and import of a year's
allocations.  Reads through ``selectors``, writes through ``actions``."""
import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from dangjian import pickers, portal, trees, xlsx
from dangjian.access import page_access
from dangjian.errors import PermissionDeniedError
from dangjian.forms import attach_errors
from dangjian.portal import int_param, refusals
from network.funds import actions, forms, permissions, selectors, spreadsheet
from organizations.areas import selectors as areas_selectors
from organizations.areas.choices import AreaLevel
from organizations.orgs import selectors as orgs_selectors

REFUSED = gettext_lazy("您的角色无权查看经费。")


def _crumbs(*tail):
    return [{"label": _("经费"), "url": reverse("funds:allocations")}, *[{"label": label, "url": url} for label, url in tail]]


def _year(values):
    return values.get("year") or timezone.localdate().year


def _top_area(user):
    tops = list(areas_selectors.top_areas_for(user))
    return tops[0] if tops else None


# ----------------------------------------------------------------------- allocations
@page_access(permissions.can_read_funds, REFUSED)
def allocation_list(request):
    user = request.user
    filters = forms.FundFilterForm(request.GET or None, user=user)
    values = filters.filters()
    year = _year(values)
    qs = selectors.allocations_for(user).filter(year=year)
    if values.get("within") is not None:
        qs = qs.filter(trees.subtree_q(values["within"], "place"))
    if values.get("purpose"):
        qs = qs.filter(purpose=values["purpose"])
    if q := (values.get("q") or "").strip():
        qs = qs.filter(Q(org__name__icontains=q) | Q(area__name__icontains=q))
    qs = qs.select_related("org", "area", "place").order_by(*trees.tree_order("place"), "purpose", "pk")
    page = portal.paginate(request, qs)
    return render(request, "network/funds/allocations.html", {
        "page_obj": page, "filters": filters, "year": year, "within": values.get("within"),
        "can_allocate": permissions.can_allocate(user), "can_spend": permissions.can_record_spending(user),
        "crumbs": _crumbs((_("%(y)d年经费下拨") % {"y": year}, None)),
    })


@page_access(permissions.can_read_funds, REFUSED)
def allocation_detail(request, pk):
    user = request.user
    allocation = portal.get_visible_or_404(selectors.allocations_for(user).select_related("org", "area", "place"), pk=pk)
    spendings = (selectors.spendings_for(user).filter(allocation=allocation).select_related("project", "recorded_by")
                 .order_by("-spent_on", "-pk"))
    page = portal.paginate(request, spendings)
    return render(request, "network/funds/allocation.html", {
        "allocation": allocation, "page_obj": page,
        "can_spend": permissions.can_spend(user, allocation),
        "can_edit": permissions.can_allocate_at(user, allocation.place),
        "crumbs": _crumbs((str(allocation), None)),
    })


def _allocation_form(request, allocation=None):
    user = request.user
    initial = {}
    if allocation is not None:
        initial = {k: getattr(allocation, k) for k in ("year", "purpose", "org", "area", "amount", "source", "note")}
    form = forms.AllocationForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.allocation_save(actor=user, allocation=allocation, **form.values(
                ["year", "purpose", "org", "area", "amount", "source", "note"]))
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已下拨：%(a)s，%(amount)s 元。") % {"a": saved, "amount": f"{saved.amount:,.2f}"})
            return redirect("funds:allocation_detail", saved.pk)
    title = _("修改经费下拨") if allocation else _("下拨经费")
    return render(request, "network/funds/form.html", {
        "form": form, "title": title, "multipart": False,
        "crumbs": _crumbs((title, None)),
    }, status=400 if form.errors else 200)


@page_access(permissions.can_allocate, gettext_lazy("只有区、街道党组织可以下拨经费。"))
@refusals
def allocation_new(request):
    return _allocation_form(request)


@page_access(permissions.can_allocate, gettext_lazy("只有区、街道党组织可以下拨经费。"))
@refusals
def allocation_edit(request, pk):
    allocation = portal.get_visible_or_404(selectors.allocations_for(request.user).select_related("org", "area", "place"),
                                           pk=pk)
    if not permissions.can_allocate_at(request.user, allocation.place):
        raise PermissionDeniedError(_("您无权修改这笔经费。"))
    return _allocation_form(request, allocation)


# -------------------------------------------------------------------------- spending
@page_access(permissions.can_read_funds, REFUSED)
def spending_list(request):
    user = request.user
    filters = forms.SpendingFilterForm(request.GET or None, user=user)
    values = filters.filters()
    year = _year(values)
    qs = selectors.spendings_for(user).filter(allocation__year=year)
    if values.get("within") is not None:
        qs = qs.filter(trees.subtree_q(values["within"], "allocation__place"))
    if values.get("category"):
        qs = qs.filter(category=values["category"])
    if q := (values.get("q") or "").strip():
        qs = qs.filter(description__icontains=q)
    qs = qs.select_related("allocation__org", "allocation__area", "project").order_by("-spent_on", "-pk")
    page = portal.paginate(request, qs)
    return render(request, "network/funds/spendings.html", {
        "page_obj": page, "filters": filters, "year": year, "can_spend": permissions.can_record_spending(user),
        "crumbs": _crumbs((_("%(y)d年经费支出") % {"y": year}, None)),
    })


@page_access(permissions.can_read_funds, REFUSED)
def spending_detail(request, pk):
    user = request.user
    spending = portal.get_visible_or_404(
        selectors.spendings_for(user).select_related("allocation__org", "allocation__area", "project", "recorded_by"), pk=pk)
    return render(request, "network/funds/spending.html", {
        "spending": spending, "crumbs": _crumbs((str(spending.allocation), reverse("funds:allocation_detail",
                                                                                     args=[spending.allocation_id])),
                                                (_("支出记录"), None)),
    })


@page_access(permissions.can_read_funds, REFUSED)
def spending_evidence(request, pk):
    """The evidence of a spending, to those who may read the spending."""
    spending = portal.get_visible_or_404(selectors.spendings_for(request.user), pk=pk)
    if not spending.evidence:
        raise Http404
    content_type = mimetypes.guess_type(spending.evidence.name)[0] or "application/octet-stream"
    response = FileResponse(spending.evidence.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "attachment" if content_type != "application/pdf" and not content_type.startswith("image/") else "inline"
    return response


@never_cache
@page_access(permissions.can_record_spending, gettext_lazy("您的角色无权登记经费支出。"))
@refusals
def spending_new(request):
    user = request.user
    initial = {}
    project_id = int_param(request, "project")
    project = None
    if project_id is not None:
        project = portal.get_visible_or_404(forms.spendable_projects(user), pk=project_id)
        initial["project"] = project
        initial["category"] = "project"
        first = selectors.spendable_allocations(user, year=timezone.localdate().year).filter(
            Q(org_id=project.owner_org_id) | Q(area_id=project.area_id)).first()
        if first is not None:
            initial["allocation"] = first
    if (alloc_id := int_param(request, "allocation")) is not None:
        initial["allocation"] = portal.get_visible_or_404(selectors.spendable_allocations(user), pk=alloc_id)
    form = forms.SpendingForm(request.POST or None, request.FILES or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            spending = actions.spending_record(
                actor=user, allocation=data["allocation"], spent_on=data["spent_on"], category=data["category"],
                amount=data["amount"], description=data["description"], evidence=data.get("evidence"),
                project=data.get("project"))
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已登记支出 %(amount)s 元。") % {"amount": f"{spending.amount:,.2f}"})
            if spending.project_id:
                return redirect("projects:detail", spending.project_id)
            return redirect("funds:allocation_detail", spending.allocation_id)
    return render(request, "network/funds/form.html", {
        "form": form, "title": _("登记经费支出"), "multipart": True, "project": project,
        "crumbs": _crumbs((_("登记经费支出"), None)),
    }, status=400 if form.errors else 200)


# ---------------------------------------------------------------------------- totals
@page_access(permissions.can_read_funds, REFUSED)
def totals(request):
    user = request.user
    filters = forms.TotalsForm(request.GET or None, user=user)
    values = filters.filters()
    year = _year(values)
    area = values.get("within") or _top_area(user)
    if area is None:
        raise Http404
    if area.level >= AreaLevel.COMMUNITY:
        children = list(orgs_selectors.orgs_for(user).filter(trees.subtree_q(area, "area")).order_by(*trees.tree_order())
                        [:portal.PAGE_SIZE * 4])
    else:
        children = list(areas_selectors.areas_for(user).filter(parent=area).order_by(*trees.tree_order()))
    rows, whole = selectors.area_totals(user, area, year, children=children)
    if area.level >= AreaLevel.COMMUNITY:
        rows = [r for r in rows if r.n]
    return render(request, "network/funds/totals.html", {
        "area": area, "year": year, "rows": rows, "whole": whole, "filters": filters,
        "years": selectors.year_totals(user, area), "children_are_orgs": area.level >= AreaLevel.COMMUNITY,
        "crumbs": _crumbs((_("%(area)s %(y)d年经费汇总") % {"area": area.name, "y": year}, None)),
    })


# ---------------------------------------------------------------------- import/export
@page_access(permissions.can_read_funds, REFUSED)
def export(request):
    user = request.user
    filters = forms.TotalsForm(request.GET or None, user=user)
    values = filters.filters()
    year = _year(values)
    area = values.get("within") or _top_area(user)
    if area is None:
        raise Http404
    rows = (selectors.allocations_for(user).filter(year=year).filter(trees.subtree_q(area, "place"))
            .select_related("org", "area").order_by(*trees.tree_order("place"), "purpose", "pk"))
    data = spreadsheet.build_sheet(area, year, rows.iterator(chunk_size=2000))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = xlsx.content_disposition(spreadsheet.filename(area, year), f"funds-{year}.xlsx")
    return response


@never_cache
@page_access(permissions.can_allocate, gettext_lazy("只有区、街道党组织可以导入经费下拨。"))
@refusals
def import_year(request):
    user = request.user
    form = forms.ImportForm(request.POST or None, request.FILES or None, initial={"year": timezone.localdate().year})
    outcome = None
    if request.method == "POST" and form.is_valid():
        outcome = spreadsheet.import_year(actor=user, year=form.cleaned_data["year"], upload=form.cleaned_data["file"])
        if outcome.ok:
            messages.success(request, _("已导入经费下拨：新增 %(c)d 笔，修改 %(u)d 笔，未变 %(s)d 笔。") % {
                "c": outcome.created, "u": outcome.updated, "s": outcome.skipped})
            return redirect(f"{reverse('funds:allocations')}?year={form.cleaned_data['year']}")
    return render(request, "network/funds/import.html", {
        "form": form, "outcome": outcome, "crumbs": _crumbs((_("导入经费下拨表"), None)),
    }, status=400 if outcome is not None else 200)


# --------------------------------------------------------------------------- pickers
def _allocations(request):
    if not permissions.can_record_spending(request.user):
        raise Http404
    return selectors.spendable_allocations(request.user)


pick_allocations = pickers.picker_view(_allocations, fields=("org__name", "area__name"), label=selectors.allocation_label)
pick_projects = pickers.picker_view(lambda r: forms.spendable_projects(r.user), fields=("title",),
                                    label=lambda p: f"{p.title}（{p.area.name}）")
