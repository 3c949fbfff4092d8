"""Pages of the service centres (党群服务中心/站).

Staff, under ``/network/centres/``: the list (filters, search, pages), a centre's page, the
register and edit forms, deactivate / reactivate, the coverage table of an area's children
and its Excel export.  Public, without an account, under ``/c/``: a resident picks their
community and sees the centres serving it.  Reads through ``selectors``, writes through
``actions``; out of scope answers 404 like missing; each page a constant number of queries."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dangjian import pickers, portal, trees, xlsx
from dangjian.access import anyone, declare_access, page_access
from dangjian.errors import PermissionDeniedError
from dangjian.forms import attach_errors
from dangjian.portal import refusals
from network.centres import actions, permissions, selectors, workbook
from network.centres.choices import LEVELS, CentreLevel, MeetsStandard
from network.centres.forms import CentreFilterForm, CentreForm, FinderForm
from organizations.areas import selectors as areas_selectors
from organizations.areas.forms import area_label

REFUSED = gettext_lazy("您的角色无权查看党群服务中心（站）。")
EDIT_REFUSED = gettext_lazy("您的角色无权登记或修改党群服务中心（站）。")


def _crumbs(*more):
    return [{"label": _("党群服务中心"), "url": reverse("centres:list")}, *more]


def _centre_or_404(user, pk):
    return portal.get_visible_or_404(
        selectors.with_standard(selectors.centres_for(user)).select_related("area__parent", "runner"), pk=pk
    )


# ------------------------------------------------------------------------------ list
@page_access(permissions.can_read_centres, REFUSED)
def centre_list(request):
    user = request.user
    filters = CentreFilterForm(request.GET or None, user=user)
    values = filters.filters()
    rows = selectors.with_standard(selectors.centres_for(user)).select_related("area__parent", "runner")
    state = values.get("state")
    if state == "inactive":
        rows = rows.filter(is_active=False)
    elif state != "all":
        rows = rows.filter(is_active=True)
    if q := values.get("q"):
        rows = rows.filter(name__icontains=q)
    if level := values.get("level"):
        rows = rows.filter(level=level)
    if area := values.get("area"):
        rows = rows.filter(trees.subtree_q(area, "area"))
    meets = values.get("meets")
    if meets == MeetsStandard.YES:
        rows = rows.filter(selectors.MEETS_Q)
    elif meets == MeetsStandard.NO:
        rows = rows.filter(standard__isnull=False, floor_area__lt=F("standard"))
    elif meets == MeetsStandard.NONE:
        rows = rows.filter(standard__isnull=True)
    rows = rows.order_by(*trees.tree_order("area"), "level", "name", "pk")
    return render(request, "network/centres/list.html", {
        "page_obj": portal.paginate(request, rows),
        "filters": filters,
        "can_create": permissions.can_manage_centres(user),
        "crumbs": [{"label": _("党群服务中心"), "url": None}],
    })


# ---------------------------------------------------------------------------- detail
@page_access(permissions.can_read_centres, REFUSED)
def centre_detail(request, pk):
    user = request.user
    centre = _centre_or_404(user, pk)
    return render(request, "network/centres/detail.html", {
        "centre": centre,
        "crumbs": _crumbs({"label": centre.name, "url": None}),
        "can_manage": permissions.can_manage_centre(user, centre),
    })


# ----------------------------------------------------------------------------- forms
def _form_page(request, form, title, crumbs, centre=None):
    return render(request, "network/centres/form.html", {"form": form, "title": title, "crumbs": crumbs, "centre": centre})


@page_access(permissions.can_manage_centres, EDIT_REFUSED)
@refusals
def centre_create(request):
    user = request.user
    form = CentreForm(request.POST if request.method == "POST" else None, user=user)
    if form.is_bound and form.is_valid():
        try:
            centre = actions.centre_save(actor=user, **form.action_values())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已登记“%(name)s”。") % {"name": centre.name})
            return redirect("centres:detail", pk=centre.pk)
    return _form_page(request, form, _("登记党群服务中心（站）"), _crumbs({"label": _("登记"), "url": None}))


@page_access(permissions.can_manage_centres, EDIT_REFUSED)
@refusals
def centre_edit(request, pk):
    user = request.user
    centre = _centre_or_404(user, pk)
    if not permissions.can_manage_centre(user, centre):
        raise PermissionDeniedError(str(EDIT_REFUSED))
    form = CentreForm(request.POST if request.method == "POST" else None, user=user, instance=centre)
    if form.is_bound and form.is_valid():
        try:
            centre = actions.centre_save(actor=user, centre=centre, **form.action_values())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已保存“%(name)s”。") % {"name": centre.name})
            return redirect("centres:detail", pk=centre.pk)
    crumbs = _crumbs({"label": centre.name, "url": reverse("centres:detail", args=[centre.pk])}, {"label": _("编辑"), "url": None})
    return _form_page(request, form, _("编辑党群服务中心（站）"), crumbs, centre)


@page_access(permissions.can_manage_centres, EDIT_REFUSED)
@refusals
@require_POST
def centre_deactivate(request, pk):
    return _switch(request, pk, actions.centre_deactivate, _("已停用“%(name)s”：它不再计入覆盖情况，也不在居民查询页显示。"))


@page_access(permissions.can_manage_centres, EDIT_REFUSED)
@refusals
@require_POST
def centre_reactivate(request, pk):
    return _switch(request, pk, actions.centre_reactivate, _("已重新启用“%(name)s”。"))


def _switch(request, pk, action, done):
    user = request.user
    centre = _centre_or_404(user, pk)
    try:
        centre = action(actor=user, centre=centre)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, done % {"name": centre.name})
    return redirect("centres:detail", pk=centre.pk)


# -------------------------------------------------------------------------- coverage
@page_access(permissions.can_read_centres, REFUSED)
@refusals
def coverage_index(request):
    user = request.user
    for area in areas_selectors.top_areas_for(user):
        if permissions.can_read_area(user, area):
            return redirect("centres:coverage", pk=area.pk)
    raise PermissionDeniedError(str(REFUSED))


def _coverage_area(user, pk):
    area = portal.get_visible_or_404(areas_selectors.areas_for(user).select_related("parent"), pk=pk)
    if not permissions.can_read_area(user, area):
        raise PermissionDeniedError(_("您的角色无权查看该区域的党群服务中心覆盖情况。"))
    return area


@page_access(permissions.can_read_centres, REFUSED)
@refusals
def coverage(request, pk):
    user = request.user
    area = _coverage_area(user, pk)
    report = selectors.coverage(area)
    crumbs = [{"label": _("阵地覆盖"), "url": None}]
    if area.parent_id and permissions.can_read_area(user, area.parent):
        crumbs.append({"label": area.parent.name, "url": reverse("centres:coverage", args=[area.parent_id])})
    crumbs.append({"label": area.name, "url": None})
    return render(request, "network/centres/coverage.html", {
        "area": area, "report": report, "crumbs": crumbs,
        "levels": [CentreLevel(level) for level in LEVELS],
        "level_totals": list(zip([CentreLevel(level) for level in LEVELS], report.total.centres_by_level, strict=True)),
        "list_url": reverse("centres:list"),
    })


@page_access(permissions.can_read_centres, REFUSED)
@refusals
def coverage_export(request, pk):
    user = request.user
    area = _coverage_area(user, pk)
    today = timezone.localdate()
    data = workbook.coverage_workbook(selectors.coverage(area), today)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = xlsx.content_disposition(workbook.filename(area, today), f"centres-{area.pk}.xlsx")
    return response


# ---------------------------------------------------------------------------- public
@declare_access(anyone)
def public_finder(request):
    """找党群服务中心: the resident's community (``?community=``), then the centres serving it."""
    form = FinderForm(request.GET or None)
    community, centres, status = None, [], 200
    if form.is_bound:
        if form.is_valid():
            community = form.cleaned_data["community"]
            centres = list(selectors.centres_serving(community))
        else:
            status = 400
    if community is not None:
        form.fields["community"].widget.chosen = lambda ids: [(str(community.pk), area_label(community))]
    return render(request, "network/centres/public.html", {
        "form": form, "community": community, "centres": centres,
    }, status=status)


public_communities = declare_access(anyone)(pickers.picker_view(
    lambda request: selectors.public_communities(), fields=("name", "parent__name"),
    label=area_label, public=True,
))
