from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian import errors, portal, trees
from dangjian.access import page_access, signed_in
from dangjian.forms import attach_errors
from dangjian.portal import _visible_ids, refusals
from dangjian.portal import int_param as _int_param
from dangjian.portal import paginate as _paginate
from dangjian.privacy import mask_phone
from organizations.areas import permissions as areas_permissions
from organizations.areas import selectors
from organizations.grants import permissions as grants_permissions
from organizations.orgs import selectors as orgs_selectors
from organizations.units import actions as units_actions
from organizations.units import permissions
from organizations.units import selectors as units_selectors
from organizations.units.forms import ResidentUnitForm, UnitFilterForm


# ---------------------------------------------------------------------- resident units
@page_access(signed_in)
def unit_list(request):
    user = request.user
    filters = UnitFilterForm(request.GET or None)
    values = filters.filters()
    qs = units_selectors.units_for(user).select_related("community", "party_org").order_by(
        *trees.tree_order("community"), "name", "id"
    )
    if q := values.get("q"):
        qs = qs.filter(name__icontains=q)
    if kind := values.get("kind"):
        qs = qs.filter(kind=kind)
    community_filter = None
    if values.get("community"):
        qs = qs.filter(community_id=values["community"])
        community_filter = selectors.areas_for(user).filter(pk=values["community"]).first()
    return render(
        request,
        "organizations/unit_list.html",
        {
            "page_obj": _paginate(request, qs),
            "filters": filters,
            "community_filter": community_filter,
            "community_filter_id": values.get("community"),
            "can_create": grants_permissions.can_manage_anything(user),
        },
    )


def _unit_for_view(user, pk):
    return portal.get_visible_or_404(units_selectors.units_for(user).select_related("community", "party_org"), pk=pk)


def _unit_crumbs(unit, *, link_self=False):
    return [
        {"label": _("驻区单位"), "url": reverse("organizations:unit_list")},
        {"label": unit.name, "url": reverse("organizations:unit_detail", args=[unit.pk]) if link_self else None},
    ]


@login_required
def unit_detail(request, pk):
    user = request.user
    unit = _unit_for_view(user, pk)
    return render(
        request,
        "organizations/unit_detail.html",
        {
            "unit": unit,
            "crumbs": _unit_crumbs(unit),
            "contact_phone_masked": mask_phone(unit.contact_phone),
            "community_visible": bool(_visible_ids(selectors.areas_for(user), [unit.community_id])),
            "party_org_visible": bool(_visible_ids(orgs_selectors.orgs_for(user), [unit.party_org_id] if unit.party_org_id else [])),
            "can_manage": permissions.can_manage_unit(user, unit),
        },
    )


@login_required
@refusals
def unit_create(request):
    user = request.user
    initial = {}
    community_id = _int_param(request, "community")
    if community_id is not None:
        community = portal.get_visible_or_404(selectors.areas_for(user), pk=community_id)
        if not areas_permissions.can_manage_area(user, community):
            raise errors.PermissionDeniedError(_("您的角色无权在该社区登记驻区单位。"))
        initial["community"] = community.pk
    elif not grants_permissions.can_manage_anything(user):
        raise errors.PermissionDeniedError(_("您的角色无权登记驻区单位。"))
    form = ResidentUnitForm(request.POST if request.method == "POST" else None, user=user, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            unit = units_actions.resident_unit_save(actor=user, unit=None, **form.action_values())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已登记驻区单位“%(name)s”。") % {"name": unit.name})
            return redirect("organizations:unit_detail", pk=unit.pk)
    crumbs = [{"label": _("驻区单位"), "url": reverse("organizations:unit_list")}, {"label": _("登记驻区单位"), "url": None}]
    return render(request, "organizations/unit_form.html", {"form": form, "crumbs": crumbs, "title": _("登记驻区单位")})


@login_required
@refusals
def unit_edit(request, pk):
    user = request.user
    unit = _unit_for_view(user, pk)
    if not permissions.can_manage_unit(user, unit):
        raise errors.PermissionDeniedError(_("您的角色无权修改该驻区单位。"))
    form = ResidentUnitForm(request.POST if request.method == "POST" else None, user=user, instance=unit)
    if form.is_bound and form.is_valid():
        try:
            unit = units_actions.resident_unit_save(actor=user, unit=unit, **form.action_values())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已保存驻区单位“%(name)s”。") % {"name": unit.name})
            return redirect("organizations:unit_detail", pk=unit.pk)
    crumbs = _unit_crumbs(unit, link_self=True) + [{"label": _("编辑"), "url": None}]
    return render(request, "organizations/unit_form.html", {"form": form, "unit": unit, "crumbs": crumbs, "title": _("编辑驻区单位")})
