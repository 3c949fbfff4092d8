from django.contrib.auth.decorators import login_required
from django.db.models import Subquery
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian import trees
from dangjian.scoping import scope_from_grants
from organizations.areas import selectors
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.areas.views import summary_cards
from organizations.grants.choices import Role
from organizations.grants.models import Grant
from organizations.imports import permissions
from organizations.members import selectors as members_selectors
from portal.queues import queues_for


def _link(label, url, icon):
    return {"label": label, "url": url, "icon": icon}


def _quick_links(user, scope, grants, member, member_community) -> list[dict]:
    """Links fit to the roles the user holds, without duplicates, in a stable order."""
    links = []
    area_index = reverse("organizations:area_index")
    member_list = reverse("organizations:member_list")
    org_list = reverse("organizations:org_list")
    unit_list = reverse("organizations:unit_list")

    def area_url(area):
        return reverse("organizations:area_detail", args=[area.pk])

    if scope.is_global or scope.has_role(Role.ADMIN, Role.DISTRICT):
        links += [_link(_("数据看板"), reverse("dashboard:index"), "bar-chart-line"),
                  _link(_("考核排名"), reverse("scoring:index"), "trophy"),
                  _link(_("市/区区域浏览"), area_index, "diagram-3"), _link(_("党员名册"), member_list, "people"),
                  _link(_("党组织"), org_list, "flag")]
    if scope.has_role(Role.STREET):
        links += [_link(_("数据看板"), reverse("dashboard:index"), "bar-chart-line"),
                  _link(_("街道区域浏览"), area_index, "diagram-3"), _link(_("党组织"), org_list, "flag"),
                  _link(_("党员名册"), member_list, "people"), _link(_("吹哨事项"), reverse("whistles:list"), "megaphone")]
    for g in grants:
        if g.role in (Role.COMMUNITY, Role.GRID) and g.area_id:
            label = _("本社区：%(name)s") if g.role == Role.COMMUNITY else _("我的网格区域：%(name)s")
            links.append(_link(label % {"name": g.area.name}, area_url(g.area), "geo-alt"))
    if scope.has_role(Role.COMMUNITY):
        links += [_link(_("党员名册"), member_list, "people"), _link(_("居民诉求"), reverse("requests:list"), "telephone"),
                  _link(_("心愿审核"), reverse("services:wish_list"), "heart"),
                  _link(_("吹哨事项"), reverse("whistles:list"), "megaphone"),
                  _link(_("四张清单"), reverse("checklist:index"), "list-check"),
                  _link(_("驻区单位"), unit_list, "buildings")]
        if permissions.can_import(user):
            links.append(_link(_("导入党员名册"), reverse("organizations:import_start", args=["members"]), "upload"))
    if scope.has_role(Role.GRID):
        links.append(_link(_("网格内党员"), member_list, "people"))
    if member is not None:
        links.append(_link(_("我的党员信息"), reverse("organizations:member_detail", args=[member.pk]), "person-badge"))
        links += [_link(_("心愿墙"), reverse("services:wish_wall"), "heart"),
                  _link(_("我的任务"), reverse("requests:my_tasks"), "check2-square"),
                  _link(_("我的服务与报到"), reverse("reporting:mine"), "clock-history")]
        if member_community is not None:
            links.append(_link(_("我的社区：%(name)s") % {"name": member_community.name}, area_url(member_community), "house"))
    if scope.has_role(Role.DEPARTMENT) or user.responder_for.exists():
        links += [_link(_("本单位的吹哨"), reverse("whistles:inbox"), "megaphone"),
                  _link(_("驻区单位"), unit_list, "buildings"), _link(_("区域浏览"), area_index, "diagram-3")]
    if user.is_staff:
        links.append(_link(_("管理后台"), reverse("admin:index"), "gear"))
    seen, out = set(), []
    for link in links:
        if link["url"] not in seen:
            seen.add(link["url"])
            out.append(link)
    return out


@login_required
def home(request):
    """Greeting, the user's grants, links fit to their roles, and the headline figures of the
    top area they can see (a constant number of queries)."""
    user = request.user
    grants = list(
        Grant.objects.filter(user=user, is_active=True).select_related("area", "org").order_by("created_at", "id")
    )
    scope = scope_from_grants(user, grants)  # the grants just read are the scope: no second read
    tops = list(selectors.top_areas_for(user, granted_areas=[g.area for g in grants if g.area_id]))
    top = tops[0] if tops else None
    summary = selectors.area_summary(top) if top is not None else None
    # the member record with the (visible) community holding its residence, in one query
    community = selectors.areas_for(user).filter(
        trees.ancestors_q(trees.outer("residence", at_position=True)), level=AreaLevel.COMMUNITY)
    member = (
        members_selectors.members_for(user).filter(user=user).select_related("organization", "residence")
        .annotate(community_pk=Subquery(community.values("pk")[:1]), community_name=Subquery(community.values("name")[:1]))
        .first()
    )
    member_community = None
    if member is not None and member.community_pk is not None:
        # only its id and name are read (the quick link to the member's community)
        member_community = Area(pk=member.community_pk, name=member.community_name, level=AreaLevel.COMMUNITY)
    return render(
        request,
        "home.html",
        {
            "grants": grants,
            "top": top,
            "more_tops": len(tops) > 1,
            "summary": summary,
            "cards": summary_cards(top, summary) if summary is not None else [],
            "member": member,
            "links": _quick_links(user, scope, grants, member, member_community),
            "is_global": scope.is_global,
            "queues": queues_for(user, grants),
        },
    )
