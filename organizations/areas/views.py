"""Portal pages of the organizations app: the territory browser, party organizations,
members (masked, with a logged reveal) and resident units.

Views are thin.  Reads go through ``organizations.areas.selectors`` (querysets already limited to
the user's subtree), writes through ``organizations.areas.actions``.  An object outside the
user's subtree answers 404 exactly like a missing one; a role that may see but not change
answers 403 with a Chinese message; a refused write keeps the form with its field errors.
Every list and detail runs a constant number of queries (related rows are joined,
subtree figures are set-based).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian import errors, pickers, portal, trees
from dangjian.access import page_access, signed_in
from dangjian.forms import attach_errors
from dangjian.portal import int_param as _int_param
from dangjian.portal import refusals
from dangjian.scoping import get_scope
from network.designations import selectors as designations_selectors
from organizations.areas import actions as areas_actions
from organizations.areas import permissions, selectors
from organizations.areas.choices import AreaLevel
from organizations.areas.forms import AreaForm, area_label
from organizations.grants import permissions as grants_permissions
from organizations.members import permissions as members_permissions
from organizations.members import selectors as members_selectors
from organizations.orgs import selectors as orgs_selectors
from organizations.statistics import permissions as statistics_permissions


def _area_crumbs(user, area, *, link_self=False):
    """Breadcrumb of an area: ancestors the user can see are links, others plain text."""
    crumbs = [{"label": _("区域"), "url": reverse("organizations:area_index")}]
    for a in selectors.ancestors_for(user, area):
        url = reverse("organizations:area_detail", args=[a.pk]) if a.visible else None
        crumbs.append({"label": a.name, "url": url})
    crumbs.append({"label": area.name, "url": reverse("organizations:area_detail", args=[area.pk]) if link_self else None})
    return crumbs


def summary_links(user, area) -> dict:
    """The lists counting the same rows as the area's figures (the subtree's members by
    residence, its organizations by anchor), when the user may open them: ``{label: url}``."""
    from django.utils.http import urlencode

    from organizations.orgs.choices import OrgCategory, OrgKind

    def org_list(**params):
        return reverse("organizations:org_list") + "?" + urlencode({"within": area.pk, **params})

    links = {
        _("小区党支部"): org_list(kind=OrgKind.BRANCH, category=OrgCategory.COMPOUND),
        _("楼道党小组"): org_list(kind=OrgKind.GROUP, category=OrgCategory.BUILDING_GROUP),
    }
    if members_permissions.can_view_roster(user):
        links[_("党员")] = reverse("organizations:member_list") + "?" + urlencode({"within": area.pk})
    return links


def summary_cards(area, summary, links=None) -> list[dict]:
    """The headline figures of an area's subtree, as cards (used by the home page too);
    ``links`` (``summary_links``) adds to a card the list that counts its rows."""
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
    for card in cards:
        card["url"] = (links or {}).get(card["label"])
    return cards


# ------------------------------------------------------------------- territory browser
@page_access(signed_in)
def area_index(request):
    user = request.user
    tops = list(selectors.top_areas_for(user))
    if len(tops) == 1:
        return redirect("organizations:area_detail", pk=tops[0].pk)
    areas = []
    if tops:
        areas = list(
            selectors.with_subtree_counts(selectors.areas_for(user).filter(pk__in=[a.pk for a in tops])).order_by(
                *trees.tree_order()
            )
        )
    counts = designations_selectors.current_counts(areas)  # 示范点与星级 badges: one grouped query
    for a in areas:
        a.designation_count = counts.get(a.pk, 0)
    return render(request, "organizations/area_index.html", {"areas": areas})


@page_access(signed_in)
def area_detail(request, pk):
    user = request.user
    area = portal.get_visible_or_404(selectors.areas_for(user).select_related("parent"), pk=pk)
    summary = selectors.area_summary(area)
    children = selectors.area_children(area)
    if not get_scope(user).covers_area(area):
        # Seen only through an organization anchored here: its subtree is not the user's.
        children = children.visible_to(user)
    orgs = (
        orgs_selectors.orgs_for(user)
        .filter(area=area)
        .select_related("secretary")
        .annotate(member_total=Count("members"))
        .order_by(*trees.tree_order())
    )
    residents = central_households = None
    if area.level >= AreaLevel.BUILDING:
        residents = list(
            members_selectors.members_for(user).filter(residence=area).select_related("organization").order_by("name", "id")
        )
        central_households = list(
            members_selectors.central_households_for(user).filter(building=area).select_related("member").order_by("member__name")
        )
    children = list(children)
    counts = designations_selectors.current_counts(children, within=area)  # 示范点与星级 badges: one grouped query
    for c in children:
        c.designation_count = counts.get(c.pk, 0)
    return render(
        request,
        "organizations/area_detail.html",
        {
            "area": area,
            "crumbs": _area_crumbs(user, area),
            "summary": summary,
            "cards": summary_cards(area, summary, summary_links(user, area)),
            "children": list(children),
            "orgs": list(orgs),
            "residents": residents,
            "central_households": central_households,
            "can_manage": permissions.can_manage_area(user, area),
            "can_view_roster": members_permissions.can_view_roster(user),
            "can_view_statistics": statistics_permissions.can_view_area_statistics(user, area),
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
        parent = portal.get_visible_or_404(selectors.areas_for(user), pk=parent_id)
        if not permissions.can_manage_area(user, parent):
            raise errors.PermissionDeniedError(_("您的角色无权在该区域下新增区域。"))
    elif not grants_permissions.can_manage_anything(user):
        raise errors.PermissionDeniedError(_("您的角色无权新增区域。"))
    initial = {"parent": parent.pk, "level": _next_level(parent)} if parent else {}
    form = AreaForm(request.POST if request.method == "POST" else None, user=user, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            area = areas_actions.area_create(actor=user, **form.values(AreaForm.FIELDS))
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
    area = portal.get_visible_or_404(selectors.areas_for(user).select_related("parent"), pk=pk)
    if not permissions.can_manage_area(user, area):
        raise errors.PermissionDeniedError(_("您的角色无权修改该区域。"))
    form = AreaForm(request.POST if request.method == "POST" else None, user=user, instance=area)
    if form.is_bound and form.is_valid():
        try:
            area = areas_actions.area_update(actor=user, area=area, **form.values(AreaForm.FIELDS))
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已保存区域“%(name)s”。") % {"name": area.name})
            return redirect("organizations:area_detail", pk=area.pk)
    crumbs = _area_crumbs(user, area, link_self=True) + [{"label": _("编辑"), "url": None}]
    return render(
        request, "organizations/area_form.html", {"form": form, "area": area, "crumbs": crumbs, "title": _("编辑区域")}
    )


# ------------------------------------------------------------------------------ picker
def _levels(request) -> tuple:
    """``?level=6&level=7``: the area levels a picker asks for (unknown values ignored)."""
    out = []
    for raw in request.GET.getlist("level"):
        try:
            level = int(raw)
        except ValueError:
            continue
        if level in AreaLevel.values:
            out.append(level)
    return tuple(out)


# The areas pickers (``AreaPickerField``): the user's subtree, searched by name or code.
pick_areas = pickers.picker_view(lambda r: selectors.pickable_areas(r.user, _levels(r)),
                                 fields=("name", "code", "parent__name"), label=area_label)
