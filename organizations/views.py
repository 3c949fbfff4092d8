"""Portal pages of the organizations app: the territory browser, party organizations,
members (masked, with a logged reveal) and resident units.

Views are thin.  Reads go through ``organizations.selectors`` (querysets already limited to
the user's subtree), writes through ``organizations.actions``.  An object outside the
user's subtree answers 404 exactly like a missing one; a role that may see but not change
answers 403 with a Chinese message; a refused write keeps the form with its field errors.
Every list and detail runs a constant number of queries (related rows are joined,
subtree figures are set-based).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from dangjian.auth import client_ip
from dangjian.crypto import keyed_hash
from dangjian.portal import PAGE_SIZE, refusals
from dangjian.portal import int_param as _int_param
from dangjian.portal import paginate as _paginate
from dangjian.privacy import mask_phone
from dangjian.scoping import get_scope
from organizations import actions, permissions, places, selectors
from organizations.choices import AccessChannel, AreaLevel, OrgRole
from organizations.forms import (
    AreaForm,
    CentralHouseholdForm,
    MemberFilterForm,
    MemberForm,
    OrgFilterForm,
    OrgForm,
    ResidentUnitForm,
    UnitFilterForm,
    attach_errors,
)
from organizations.rules import OrgFigures, org_warnings

ORG_MEMBERS_SHOWN = 100  # an organization page lists this many members, the list has the rest


# ----------------------------------------------------------------------------- helpers
def _visible_ids(queryset, ids) -> set:
    """Which of ``ids`` the (scoped) queryset holds: one query."""
    if not ids:
        return set()
    return set(queryset.filter(pk__in=ids).values_list("pk", flat=True))


def _area_crumbs(user, area, *, link_self=False):
    """Breadcrumb of an area: ancestors the user can see are links, others plain text."""
    ancestors = list(area.get_ancestors())
    visible = _visible_ids(selectors.areas_for(user), [a.pk for a in ancestors])
    crumbs = [{"label": _("区域"), "url": reverse("organizations:area_index")}]
    for a in ancestors:
        url = reverse("organizations:area_detail", args=[a.pk]) if a.pk in visible else None
        crumbs.append({"label": a.name, "url": url})
    crumbs.append({"label": area.name, "url": reverse("organizations:area_detail", args=[area.pk]) if link_self else None})
    return crumbs


def summary_cards(area, summary) -> list[dict]:
    """The headline figures of an area's subtree, as cards (used by the home page too)."""
    by_level = summary["by_level"]
    cards = [
        {"label": str(level.label), "value": by_level.get(level.value, 0), "icon": icon}
        for level, icon in (
            (AreaLevel.STREET, "signpost-split"),
            (AreaLevel.COMMUNITY, "houses"),
            (AreaLevel.COMPOUND, "bounding-box"),
            (AreaLevel.BUILDING, "building"),
        )
        if level.value > area.level
    ]
    orgs, members = summary["orgs"], summary["members"]
    households = summary["households"]
    cards += [
        {"label": _("小区党支部"), "value": orgs["compound_branches"], "icon": "flag"},
        {"label": _("楼道党小组"), "value": orgs["building_groups"], "icon": "people"},
        {"label": _("党员中心户"), "value": summary["central_households"], "icon": "house-heart"},
        {"label": _("党员"), "value": members["total"], "icon": "person-badge"},
        {"label": _("住户"), "value": households, "icon": "door-open"},
    ]
    return cards


def _member_role_order():
    return Case(
        *[When(org_role=role, then=Value(i)) for i, role in enumerate(OrgRole.values)],
        default=Value(len(OrgRole.values)),
        output_field=IntegerField(),
    )


# ------------------------------------------------------------------- territory browser
@login_required
def area_index(request):
    user = request.user
    tops = list(selectors.top_areas_for(user))
    if len(tops) == 1:
        return redirect("organizations:area_detail", pk=tops[0].pk)
    areas = []
    if tops:
        areas = list(
            selectors.with_subtree_counts(selectors.areas_for(user).filter(pk__in=[a.pk for a in tops])).order_by(
                "tree_id", "lft"
            )
        )
    return render(request, "organizations/area_index.html", {"areas": areas})


@login_required
def area_detail(request, pk):
    user = request.user
    area = selectors.get_visible_or_404(selectors.areas_for(user).select_related("parent"), pk=pk)
    summary = selectors.area_summary(area)
    children = selectors.area_children(area)
    if not get_scope(user).covers_area(area):
        # Seen only through an organization anchored here: its subtree is not the user's.
        children = children.visible_to(user)
    orgs = (
        selectors.orgs_for(user)
        .filter(area=area)
        .select_related("secretary")
        .annotate(member_total=Count("members"))
        .order_by("tree_id", "lft")
    )
    residents = central_households = None
    if area.level >= AreaLevel.BUILDING:
        residents = list(
            selectors.members_for(user).filter(residence=area).select_related("organization").order_by("name", "id")
        )
        central_households = list(
            selectors.central_households_for(user).filter(building=area).select_related("member").order_by("member__name")
        )
    return render(
        request,
        "organizations/area_detail.html",
        {
            "area": area,
            "crumbs": _area_crumbs(user, area),
            "summary": summary,
            "cards": summary_cards(area, summary),
            "children": list(children),
            "orgs": list(orgs),
            "residents": residents,
            "central_households": central_households,
            "can_manage": permissions.can_manage_area(user, area),
            "can_view_roster": permissions.can_view_roster(user),
            "can_add_child": area.level < AreaLevel.ENTRANCE,
        },
    )


def _next_level(parent):
    return min(parent.level + 1, AreaLevel.ENTRANCE)


@login_required
@refusals
def area_create(request):
    user = request.user
    parent_id = _int_param(request, "parent")
    parent = None
    if parent_id is not None:
        parent = selectors.get_visible_or_404(selectors.areas_for(user), pk=parent_id)
        if not permissions.can_manage_area(user, parent):
            raise actions.PermissionDeniedError(_("您的角色无权在该区域下新增区域。"))
    elif not permissions.can_manage_anything(user):
        raise actions.PermissionDeniedError(_("您的角色无权新增区域。"))
    initial = {"parent": parent.code, "level": _next_level(parent)} if parent else {}
    form = AreaForm(request.POST if request.method == "POST" else None, user=user, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            area = actions.area_create(actor=user, **form.values(AreaForm.FIELDS))
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已新增区域“%(name)s”。") % {"name": area.name})
            return redirect("organizations:area_detail", pk=area.pk)
    crumbs = _area_crumbs(user, parent, link_self=True) if parent else [{"label": _("区域"), "url": reverse("organizations:area_index")}]
    crumbs.append({"label": _("新增下级区域"), "url": None})
    return render(
        request, "organizations/area_form.html", {"form": form, "parent": parent, "crumbs": crumbs, "title": _("新增区域")}
    )


@login_required
@refusals
def area_edit(request, pk):
    user = request.user
    area = selectors.get_visible_or_404(selectors.areas_for(user).select_related("parent"), pk=pk)
    if not permissions.can_manage_area(user, area):
        raise actions.PermissionDeniedError(_("您的角色无权修改该区域。"))
    form = AreaForm(request.POST if request.method == "POST" else None, user=user, instance=area)
    if form.is_bound and form.is_valid():
        try:
            area = actions.area_update(actor=user, area=area, **form.values(AreaForm.FIELDS))
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已保存区域“%(name)s”。") % {"name": area.name})
            return redirect("organizations:area_detail", pk=area.pk)
    crumbs = _area_crumbs(user, area, link_self=True) + [{"label": _("编辑"), "url": None}]
    return render(
        request, "organizations/area_form.html", {"form": form, "area": area, "crumbs": crumbs, "title": _("编辑区域")}
    )


# ------------------------------------------------------------------ party organizations
@login_required
def org_list(request):
    user = request.user
    filters = OrgFilterForm(request.GET or None)
    values = filters.filters()
    qs = (
        selectors.orgs_for(user)
        .select_related("area", "parent", "secretary")
        .annotate(member_total=Count("members"))
        .order_by("tree_id", "lft")
    )
    if q := values.get("q"):
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
    if kind := values.get("kind"):
        qs = qs.filter(kind=kind)
    if category := values.get("category"):
        qs = qs.filter(category=category)
    return render(
        request,
        "organizations/org_list.html",
        {"page_obj": _paginate(request, qs), "filters": filters, "can_create": permissions.can_manage_anything(user)},
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
    org = selectors.get_visible_or_404(
        selectors.org_figures(selectors.orgs_for(user)).select_related("area", "parent", "secretary"), pk=pk
    )
    children = list(
        selectors.org_figures(selectors.orgs_for(user).filter(parent=org))
        .select_related("area", "secretary")
        .order_by("lft")
    )
    members = list(
        selectors.members_for(user)
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
            "area_visible": bool(_visible_ids(selectors.areas_for(user), [org.area_id])),
            "children": children,
            "members": members[:ORG_MEMBERS_SHOWN],
            "more_members": len(members) > ORG_MEMBERS_SHOWN,
            "member_total": org.full_count + org.probationary_count,
            "warnings": warnings,
            "can_manage": permissions.can_manage_org(user, org),
            "can_view_roster": permissions.can_view_roster(user),
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
        parent = selectors.get_visible_or_404(selectors.orgs_for(user).select_related("area"), pk=parent_id)
        if not permissions.can_manage_org(user, parent):
            raise actions.PermissionDeniedError(_("您的角色无权在该组织下新增党组织。"))
        initial["parent"] = parent.code
        initial["area"] = parent.area.code
    if area_id is not None:
        area = selectors.get_visible_or_404(selectors.areas_for(user), pk=area_id)
        initial["area"] = area.code
    if parent is None and not permissions.can_manage_anything(user):
        raise actions.PermissionDeniedError(_("您的角色无权新增党组织。"))
    form = OrgForm(request.POST if request.method == "POST" else None, user=user, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            org = actions.org_create(actor=user, **form.action_values())
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
    org = selectors.get_visible_or_404(selectors.orgs_for(user).select_related("area", "parent", "secretary"), pk=pk)
    if not permissions.can_manage_org(user, org):
        raise actions.PermissionDeniedError(_("您的角色无权修改该组织。"))
    form = OrgForm(request.POST if request.method == "POST" else None, user=user, instance=org)
    if form.is_bound and form.is_valid():
        try:
            org = actions.org_update(actor=user, org=org, **form.action_values())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已保存党组织“%(name)s”。") % {"name": org.name})
            return redirect("organizations:org_detail", pk=org.pk)
    crumbs = _org_crumbs(user, org, link_self=True) + [{"label": _("编辑"), "url": None}]
    return render(request, "organizations/org_form.html", {"form": form, "org": org, "crumbs": crumbs, "title": _("编辑党组织")})


# ----------------------------------------------------------------------------- members
@login_required
@refusals
def member_list(request):
    user = request.user
    roster = permissions.can_view_roster(user)
    members = selectors.members_for(user)
    if not roster and not members.exists():
        raise actions.PermissionDeniedError(_("您的角色不能查看党员名册。"))
    filters = MemberFilterForm(request.GET or None)
    values = filters.filters()
    wanted = Q()  # the filters, as one Q: the rows and the count (selectors.roster_count) apply the same
    if q := values.get("q"):
        digest = keyed_hash(q)
        wanted &= Q(name__icontains=q) | Q(phone_hash=digest) | Q(id_number_hash=digest)
    for name in ("status", "gender", "org_role"):
        if values.get(name):
            wanted &= Q(**{name: values[name]})
    if values.get("in_service") in ("yes", "no"):
        wanted &= Q(in_service=values["in_service"] == "yes")
    org_filter = area_filter = None
    if values.get("organization"):
        wanted &= Q(organization_id=values["organization"])
        org_filter = selectors.orgs_for(user).filter(pk=values["organization"]).first()
    if values.get("within"):
        area_filter = selectors.areas_for(user).filter(pk=values["within"]).first()
        if area_filter is None:
            wanted &= Q(pk__in=[])
        else:
            wanted &= places.residing_q(area_filter)
    qs = members.filter(wanted).select_related("organization", "residence").order_by(
        "organization__tree_id", "organization__lft", "id"
    )
    # The page's rows come from the scoped queryset in roster order; its count from
    # roster_count, which PostgreSQL answers from indexed foreign keys instead of the OR of joins.
    paginator = selectors.CountedPaginator(qs, PAGE_SIZE, count=selectors.roster_count(user, wanted))
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "organizations/member_list.html",
        {
            "page_obj": page,
            "filters": filters,
            "org_filter": org_filter,
            "area_filter": area_filter,
            "org_filter_id": values.get("organization"),
            "area_filter_id": values.get("within"),
            "roster": roster,
            "can_create": permissions.can_manage_anything(user),
            "can_import": permissions.can_import(user),
        },
    )


def _member_for_view(user, pk):
    return selectors.get_visible_or_404(
        selectors.members_for(user).select_related(
            "organization__area", "residence", "employer_org", "user", "central_household__building"
        ),
        pk=pk,
    )


def _central_household(member):
    try:
        return member.central_household
    except ObjectDoesNotExist:
        return None


def _member_crumbs(member, *, link_self=False):
    crumbs = [
        {"label": _("党员"), "url": reverse("organizations:member_list")},
        {"label": member.name, "url": reverse("organizations:member_detail", args=[member.pk]) if link_self else None},
    ]
    return crumbs


@login_required
def member_detail(request, pk):
    user = request.user
    member = _member_for_view(user, pk)
    return render(
        request,
        "organizations/member_detail.html",
        {
            "member": member,
            "crumbs": _member_crumbs(member),
            "household": _central_household(member),
            "can_reveal": permissions.can_reveal(user, member),
            "can_edit": permissions.can_manage_member(user, member),
            "can_edit_household": permissions.can_manage_member_household(user, member),
            "org_visible": bool(_visible_ids(selectors.orgs_for(user), [member.organization_id])),
            "residence_visible": bool(
                member.residence_id and _visible_ids(selectors.areas_for(user), [member.residence_id])
            ),
        },
    )


@never_cache
@login_required
@require_POST
def member_reveal(request, pk):
    user = request.user
    member = selectors.get_visible_or_404(
        selectors.members_for(user).select_related("organization__area", "residence"), pk=pk
    )
    try:
        data = actions.member_reveal_personal_data(
            actor=user, member=member, channel=AccessChannel.WEB, ip=client_ip(request)
        )
    except actions.PermissionDeniedError as exc:
        return render(request, "organizations/_reveal_refused.html", {"message": str(exc)}, status=403)
    return render(request, "organizations/_reveal.html", {"member": member, "data": data})


@login_required
@refusals
def member_create(request):
    user = request.user
    initial = {}
    org_id = _int_param(request, "organization")
    organization = None
    if org_id is not None:
        organization = selectors.get_visible_or_404(selectors.orgs_for(user).select_related("area"), pk=org_id)
        if not permissions.can_manage_org(user, organization):
            raise actions.PermissionDeniedError(_("您的角色无权在该组织新增党员。"))
        initial["organization"] = organization.code
    elif not permissions.can_manage_anything(user):
        raise actions.PermissionDeniedError(_("您的角色无权新增党员。"))
    form = MemberForm(request.POST if request.method == "POST" else None, user=user, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            member = actions.member_create(actor=user, **form.action_values())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已新增党员“%(name)s”。") % {"name": member.name})
            return redirect("organizations:member_detail", pk=member.pk)
    crumbs = [{"label": _("党员"), "url": reverse("organizations:member_list")}, {"label": _("新增党员"), "url": None}]
    return render(request, "organizations/member_form.html", {"form": form, "crumbs": crumbs, "title": _("新增党员")})


@login_required
@refusals
def member_edit(request, pk):
    user = request.user
    member = _member_for_view(user, pk)
    if not permissions.can_manage_member(user, member):
        raise actions.PermissionDeniedError(_("您的角色无权修改该党员的信息。"))
    form = MemberForm(request.POST if request.method == "POST" else None, user=user, instance=member)
    if form.is_bound and form.is_valid():
        try:
            member = actions.member_update(actor=user, member=member, **form.action_values())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已保存党员“%(name)s”的信息。") % {"name": member.name})
            return redirect("organizations:member_detail", pk=member.pk)
    crumbs = _member_crumbs(member, link_self=True) + [{"label": _("编辑"), "url": None}]
    return render(
        request, "organizations/member_form.html", {"form": form, "member": member, "crumbs": crumbs, "title": _("编辑党员")}
    )


@login_required
@refusals
def central_household_edit(request, pk):
    user = request.user
    member = _member_for_view(user, pk)
    if not permissions.can_manage_member_household(user, member):
        raise actions.PermissionDeniedError(_("您的角色无权设置党员中心户。"))
    household = _central_household(member)
    initial = {}
    if household is None and member.residence_id and member.residence.level == AreaLevel.BUILDING:
        initial["building"] = member.residence.code
    form = CentralHouseholdForm(
        request.POST if request.method == "POST" else None, user=user, instance=household, initial=initial
    )
    if form.is_bound and form.is_valid():
        try:
            actions.central_household_save(actor=user, member=member, **form.values(CentralHouseholdForm.FIELDS))
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已保存“%(name)s”的党员中心户信息。") % {"name": member.name})
            return redirect("organizations:member_detail", pk=member.pk)
    crumbs = _member_crumbs(member, link_self=True) + [{"label": _("党员中心户"), "url": None}]
    return render(
        request,
        "organizations/central_household_form.html",
        {"form": form, "member": member, "household": household, "crumbs": crumbs, "title": _("党员中心户")},
    )


# ---------------------------------------------------------------------- resident units
@login_required
def unit_list(request):
    user = request.user
    filters = UnitFilterForm(request.GET or None)
    values = filters.filters()
    qs = selectors.units_for(user).select_related("community", "party_org").order_by(
        "community__tree_id", "community__lft", "name", "id"
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
            "can_create": permissions.can_manage_anything(user),
        },
    )


def _unit_for_view(user, pk):
    return selectors.get_visible_or_404(selectors.units_for(user).select_related("community", "party_org"), pk=pk)


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
            "party_org_visible": bool(_visible_ids(selectors.orgs_for(user), [unit.party_org_id] if unit.party_org_id else [])),
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
        community = selectors.get_visible_or_404(selectors.areas_for(user), pk=community_id)
        if not permissions.can_manage_area(user, community):
            raise actions.PermissionDeniedError(_("您的角色无权在该社区登记驻区单位。"))
        initial["community"] = community.code
    elif not permissions.can_manage_anything(user):
        raise actions.PermissionDeniedError(_("您的角色无权登记驻区单位。"))
    form = ResidentUnitForm(request.POST if request.method == "POST" else None, user=user, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            unit = actions.resident_unit_save(actor=user, unit=None, **form.action_values())
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
        raise actions.PermissionDeniedError(_("您的角色无权修改该驻区单位。"))
    form = ResidentUnitForm(request.POST if request.method == "POST" else None, user=user, instance=unit)
    if form.is_bound and form.is_valid():
        try:
            unit = actions.resident_unit_save(actor=user, unit=unit, **form.action_values())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已保存驻区单位“%(name)s”。") % {"name": unit.name})
            return redirect("organizations:unit_detail", pk=unit.pk)
    crumbs = _unit_crumbs(unit, link_self=True) + [{"label": _("编辑"), "url": None}]
    return render(request, "organizations/unit_form.html", {"form": form, "unit": unit, "crumbs": crumbs, "title": _("编辑驻区单位")})
