"""Pages of designations (示范点 and 星级党支部), under ``/network/designations/``: the list
(filters: kind, area, state; search; pages), a designation's page with its revoke form, the
grant form, and the current counts per child area.  Reads through ``selectors``, writes
through ``actions``; out of scope is 404 like missing; each page a constant number of queries."""
from collections import Counter

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dangjian import pickers, portal, trees
from dangjian.access import page_access
from dangjian.errors import PermissionDeniedError
from dangjian.forms import attach_errors
from dangjian.portal import refusals
from network.designations import actions, permissions, selectors
from network.designations.choices import SITE_KINDS, DesignationKind
from network.designations.forms import DesignationFilterForm, GrantForm, RevokeForm
from organizations.areas import selectors as areas_selectors
from organizations.areas.models import Area

REFUSED = gettext_lazy("您的角色无权查看示范点与星级评定。")
GRANT_REFUSED = gettext_lazy("只有区委组织部、街道党工委可以命名示范点或评定星级。")
RELATED = ("org__area", "area", "centre__area", "place")


def _crumbs(*more):
    return [{"label": _("示范点与星级"), "url": reverse("designations:list")}, *more]


def _designation_or_404(user, pk):
    return portal.get_visible_or_404(selectors.designations_for(user).select_related(*RELATED, "revoked_by"), pk=pk)


@page_access(permissions.can_read_designations, REFUSED)
def designation_list(request):
    user = request.user
    filters = DesignationFilterForm(request.GET or None, user=user)
    values = filters.filters()
    rows = selectors.designations_for(user).select_related(*RELATED)
    if kind := values.get("kind"):
        rows = rows.filter(kind=kind)
    if values.get("sites"):
        rows = rows.filter(kind__in=SITE_KINDS)
    if area := values.get("area"):
        rows = rows.filter(trees.subtree_q(area, "place"))
    if state := values.get("state"):
        rows = rows.filter(selectors.state_q(state))
    elif values.get("sites") or values.get("kind"):
        rows = rows.filter(selectors.state_q("current"))  # the dashboard's tiles count current ones
    if q := values.get("q"):
        rows = rows.filter(Q(title__icontains=q) | Q(org__name__icontains=q) | Q(area__name__icontains=q)
                           | Q(centre__name__icontains=q))
    rows = rows.order_by("-granted_on", "-pk")
    return render(request, "network/designations/list.html", {
        "page_obj": portal.paginate(request, rows), "filters": filters,
        "can_grant": permissions.can_grant(user),
        "crumbs": [{"label": _("示范点与星级"), "url": None}],
    })


@page_access(permissions.can_read_designations, REFUSED)
def designation_detail(request, pk):
    user = request.user
    designation = _designation_or_404(user, pk)
    can_revoke = designation.revoked_on is None and permissions.can_revoke(user, designation)
    return render(request, "network/designations/detail.html", {
        "d": designation, "crumbs": _crumbs({"label": designation.label, "url": None}),
        "can_revoke": can_revoke, "revoke_form": RevokeForm() if can_revoke else None,
    })


@page_access(permissions.can_grant, GRANT_REFUSED)
@refusals
def designation_create(request):
    user = request.user
    initial = {"granted_on": timezone.localdate()}
    form = GrantForm(request.POST if request.method == "POST" else None, user=user, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            designation = actions.designation_grant(actor=user, **form.action_values())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已登记“%(label)s”：%(subject)s。") % {
                "label": designation.label, "subject": designation.subject})
            return redirect("designations:detail", pk=designation.pk)
    return render(request, "network/designations/form.html", {
        "form": form, "title": _("命名示范点 / 评定星级"), "crumbs": _crumbs({"label": _("命名"), "url": None}),
    })


@page_access(permissions.can_grant, GRANT_REFUSED)
@refusals
@require_POST
def designation_revoke(request, pk):
    user = request.user
    designation = _designation_or_404(user, pk)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            actions.designation_revoke(actor=user, designation=designation, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已撤销“%(label)s”。") % {"label": designation.label})
    else:
        messages.error(request, _("请填写撤销原因。"))
    return redirect("designations:detail", pk=designation.pk)


@page_access(permissions.can_read_designations, REFUSED)
@refusals
def counts_index(request):
    user = request.user
    for area in areas_selectors.top_areas_for(user):
        if permissions.can_read_area(user, area):
            return redirect("designations:counts", pk=area.pk)
    raise PermissionDeniedError(str(REFUSED))


COLUMNS = (DesignationKind.DEMO_BRANCH, DesignationKind.DEMO_COMMUNITY, DesignationKind.DEMO_CENTRE,
           DesignationKind.STAR_BRANCH, DesignationKind.OTHER)


@page_access(permissions.can_read_designations, REFUSED)
@refusals
def area_counts(request, pk):
    """Current designations per child area, by kind (one grouped query)."""
    user = request.user
    area = portal.get_visible_or_404(areas_selectors.areas_for(user).select_related("parent"), pk=pk)
    if not permissions.can_read_area(user, area):
        raise PermissionDeniedError(_("您的角色无权查看该区域的示范点与星级评定。"))
    children = list(Area.objects.filter(parent=area).order_by(*trees.tree_order()))
    counts = selectors.current_counts(children, by_kind=True, within=area)  # one grouped query
    total = selectors.current_counts([area], by_kind=True).get(area.pk, Counter())  # the whole subtree: one more
    rows = [{"area": child, "cells": [counts.get(child.pk, Counter())[k] for k in COLUMNS]} for child in children]
    crumbs = [{"label": _("示范点与星级"), "url": reverse("designations:list")}]
    if area.parent_id and permissions.can_read_area(user, area.parent):
        crumbs.append({"label": area.parent.name, "url": reverse("designations:counts", args=[area.parent_id])})
    crumbs.append({"label": area.name, "url": None})
    return render(request, "network/designations/counts.html", {
        "area": area, "rows": rows, "columns": [DesignationKind(k).label for k in COLUMNS],
        "total": [total[k] for k in COLUMNS], "crumbs": crumbs,
    })


pick_centres = page_access(permissions.can_grant, GRANT_REFUSED)(pickers.picker_view(
    lambda request: selectors.pickable_centres(request.user), fields=("name", "area__name"),
    label=lambda c: f"{c.area.name} · {c.name}",
))
