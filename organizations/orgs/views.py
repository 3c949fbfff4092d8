from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Q, Value, When
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian import errors, pickers, portal, trees
from dangjian.access import page_access, signed_in
from dangjian.forms import attach_errors
from dangjian.portal import _visible_ids, refusals
from dangjian.portal import int_param as _int_param
from dangjian.portal import paginate as _paginate
from network.designations import selectors as designations_selectors
from organizations.areas import selectors as areas_selectors
from organizations.grants import permissions as grants_permissions
from organizations.members import permissions as members_permissions
from organizations.members import selectors as members_selectors
from organizations.members.choices import OrgRole
from organizations.orgs import actions as orgs_actions
from organizations.orgs import permissions, selectors
from organizations.orgs.forms import OrgFilterForm, OrgForm, org_label
from organizations.orgs.rules import OrgFigures, org_warnings

ORG_MEMBERS_SHOWN = 100  # an organization page lists this many members, the list has the rest


def _member_role_order():
    return Case(
        *[When(org_role=role, then=Value(i)) for i, role in enumerate(OrgRole.values)],
        default=Value(len(OrgRole.values)),
        output_field=IntegerField(),
    )


# ------------------------------------------------------------------ party organizations
@page_access(signed_in)
def org_list(request):
    user = request.user
    filters = OrgFilterForm(request.GET or None)
    values = filters.filters()
    qs = (
        selectors.orgs_for(user)
        .select_related("area", "parent", "secretary")
        .order_by(*trees.tree_order())
    )
    qs = selectors.with_member_total(qs)
    if q := values.get("q"):
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
    if kind := values.get("kind"):
        qs = qs.filter(kind=kind)
    if category := values.get("category"):
        qs = qs.filter(category=category)
    area_filter = None
    if values.get("within"):  # anchored in an area's subtree, as the area and dashboard figures count
        area_filter = areas_selectors.areas_for(user).filter(pk=values["within"]).first()
        qs = qs.anchored_within(area_filter) if area_filter is not None else qs.none()
    return render(
        request,
        "organizations/org_list.html",
        {"page_obj": _paginate(request, qs), "filters": filters, "can_create": grants_permissions.can_manage_anything(user),
         "area_filter": area_filter, "area_filter_id": values.get("within")},
    )


def _org_crumbs(user, org, *, link_self=False):
    ancestors = list(org.get_ancestors())
    visible = _visible_ids(selectors.orgs_for(user), [o.pk for o in ancestors])
    crumbs = [{"label": _("党组织"), "url": reverse("organizations:org_list")}]
    for o in ancestors:
        crumbs.append({"label": o.name, "url": reverse("organizations:org_detail", args=[o.pk]) if o.pk in visible else None})
    crumbs.append({"label": org.name, "url": reverse("organizations:org_detail", args=[org.pk]) if link_self else None})
    return crumbs


@login_required
def org_detail(request, pk):
    user = request.user
    org = portal.get_visible_or_404(
        selectors.org_figures(selectors.orgs_for(user)).select_related("area", "parent", "secretary"), pk=pk
    )
    children = list(
        selectors.org_figures(selectors.orgs_for(user).filter(parent=org))
        .select_related("area", "secretary")
        .order_by(*trees.preorder())
    )
    members = list(
        members_selectors.members_for(user)
        .filter(organization=org)
        .select_related("residence")
        .order_by(_member_role_order(), "name", "id")[: ORG_MEMBERS_SHOWN + 1]
    )
    warnings = org_warnings(
        OrgFigures(
            kind=org.kind,
            formation=org.formation,
            full_members=org.full_count,
            probationary_members=org.probationary_count,
            committee_size=org.committee_size,
            has_secretary=org.secretary_id is not None,
            joint_units=org.joint_units,
            term_ends_on=org.term_ends_on,
        ),
        today=timezone.localdate(),
    )
    return render(
        request,
        "organizations/org_detail.html",
        {
            "org": org,
            "crumbs": _org_crumbs(user, org),
            "area_visible": bool(_visible_ids(areas_selectors.areas_for(user), [org.area_id])),
            "children": children,
            "members": members[:ORG_MEMBERS_SHOWN],
            "more_members": len(members) > ORG_MEMBERS_SHOWN,
            "member_total": org.full_count + org.probationary_count,
            "warnings": warnings,
            "can_manage": permissions.can_manage_org(user, org),
            "can_view_roster": members_permissions.can_view_roster(user),
            "designations": designations_selectors.org_current(org),  # 示范点与星级: one query
        },
    )


@login_required
@refusals
def org_create(request):
    user = request.user
    initial = {}
    parent_id, area_id = _int_param(request, "parent"), _int_param(request, "area")
    parent = None
    if parent_id is not None:
        parent = portal.get_visible_or_404(selectors.orgs_for(user).select_related("area"), pk=parent_id)
        if not permissions.can_manage_org(user, parent):
            raise errors.PermissionDeniedError(_("您的角色无权在该组织下新增党组织。"))
        initial["parent"] = parent.pk
        initial["area"] = parent.area_id
    if area_id is not None:
        area = portal.get_visible_or_404(areas_selectors.areas_for(user), pk=area_id)
        # from a compound's (building's) page: a 小区党支部 (党小组) under the organization above
        initial.update(selectors.new_org_defaults(user, area) if parent is None else {"area": area.pk})
    if parent is None and not grants_permissions.can_manage_anything(user):
        raise errors.PermissionDeniedError(_("您的角色无权新增党组织。"))
    form = OrgForm(request.POST if request.method == "POST" else None, user=user, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            org = orgs_actions.org_create(actor=user, **form.action_values())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已新增党组织“%(name)s”。") % {"name": org.name})
            return redirect("organizations:org_detail", pk=org.pk)
    crumbs = _org_crumbs(user, parent, link_self=True) if parent else [{"label": _("党组织"), "url": reverse("organizations:org_list")}]
    crumbs.append({"label": _("新增党组织"), "url": None})
    return render(request, "organizations/org_form.html", {"form": form, "crumbs": crumbs, "title": _("新增党组织")})


@login_required
@refusals
def org_edit(request, pk):
    user = request.user
    org = portal.get_visible_or_404(selectors.orgs_for(user).select_related("area", "parent", "secretary"), pk=pk)
    if not permissions.can_manage_org(user, org):
        raise errors.PermissionDeniedError(_("您的角色无权修改该组织。"))
    form = OrgForm(request.POST if request.method == "POST" else None, user=user, instance=org)
    if form.is_bound and form.is_valid():
        try:
            org = orgs_actions.org_update(actor=user, org=org, **form.action_values())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已保存党组织“%(name)s”。") % {"name": org.name})
            return redirect("organizations:org_detail", pk=org.pk)
    crumbs = _org_crumbs(user, org, link_self=True) + [{"label": _("编辑"), "url": None}]
    return render(request, "organizations/org_form.html", {"form": form, "org": org, "crumbs": crumbs, "title": _("编辑党组织")})


# ------------------------------------------------------------------------------ picker
# The organizations picker (``OrgPickerField``): the user's subtree, searched by name or code.
pick_orgs = pickers.picker_view(lambda r: selectors.pickable_orgs(r.user), fields=("name", "code", "area__name"),
                                label=org_label)
