"""The portal's navigation: ONE definition of every entry, shown to a user only when the page
will let them in.

Each entry names a URL; whether a user sees it is the rule its view declared with
``dangjian.access.page_access`` (``may_open``) — never a role test in a template — so the
menu, the home page's quick links and the pages themselves cannot disagree.  The main
navigation is ``MAIN`` (sections of groups of links), the user menu ``USER_MENU`` and the
home page's quick links ``QUICK``: entries of the same definition, picked by URL name, with
the links personal to the user (their community, their grid, their own record) first.

Asking costs no query of its own: the rules read the request's cached scope (roles and
user facts, ``dangjian.scoping``), and the URLs of the entries are reversed once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.access import is_staff, may_open, signed_in
from organizations.grants.choices import Role
from organizations.members.permissions import can_view_roster


@dataclass(frozen=True)
class Link:
    label: str
    url_name: str
    icon: str = "link-45deg"
    args: tuple = ()
    quick_label: str = ""  # its label among the quick links, when other than ``label``
    # Among the quick links only for these users (a feature's permission function), when
    # the page opens to more people than it is a useful shortcut for.
    quick_if: object = None
    # Only for a page outside the project's views, which declares no rule (Django's admin
    # site, which checks ``is_staff`` itself).
    rule: object = None

    @property
    def url(self) -> str:
        return _url(self.url_name, self.args)

    def visible_to(self, user) -> bool:
        if self.rule is not None:
            return signed_in(user) and bool(self.rule(user))
        return may_open(user, self.url_name, self.args)


@dataclass(frozen=True)
class Group:
    """Links under one header of a dropdown (no header: ``label=""``)."""

    label: str
    links: tuple


@dataclass(frozen=True)
class Section:
    """A top-level menu entry: a dropdown of groups, or one plain link when a single link of
    it is visible."""

    label: str
    groups: tuple


def _section(label, *links):
    return Section(label, (Group("", links),))


L = gettext_lazy
MAIN = (
    _section(L("区域"), Link(L("区域"), "organizations:area_index", "diagram-3", quick_label=L("区域浏览"))),
    _section(L("党组织"), Link(L("党组织"), "organizations:org_list", "flag")),
    Section(L("党员"), (
        Group("", (
            # a party member opens the roster (their own record) but has “我的党员信息” instead
            Link(L("党员名册"), "organizations:member_list", "people", quick_if=can_view_roster),
            Link(L("导入党员名册"), "organizations:import_start", "upload", args=("members",)),
            Link(L("党内统计"), "organizations:statistics_index", "bar-chart"),
        )),
        # a member's life in the organization: from the application letter to every later move
        Group(L("党员队伍"), (
            Link(L("发展党员"), "organizations:development_index", "person-plus"),
            Link(L("组织关系转接"), "organizations:transfer_list", "arrow-left-right"),
            Link(L("临时党支部"), "organizations:temporary_list", "diagram-2"),
            Link(L("党费收缴"), "organizations:dues_index", "cash-coin", quick_if=can_view_roster),
        )),
        # 任职与换届 (organizations.roles): 一肩挑、交叉任职, 换届 reminders, leaders linked to communities
        Group(L("任职与换届"), (
            Link(L("一肩挑与交叉任职"), "organizations:roles_index", "person-badge"),
            Link(L("换届提醒"), "organizations:roles_terms", "calendar-event"),
            Link(L("领导联系社区"), "organizations:roles_leaders", "person-walking"),
        )),
        Group(L("我的"), (
            Link(L("我的党费"), "organizations:dues_mine", "wallet2"),
            Link(L("我的入党档案"), "organizations:development_my_record", "journal-bookmark"),
            Link(L("我的联系社区"), "organizations:roles_leaders_mine", "geo-alt"),
        )),
    )),
    _section(
        L("网格"),
        Link(L("网格列表"), "grids:grid_list", "grid-3x3"),
        Link(L("覆盖情况"), "grids:coverage_index", "bullseye"),
        Link(L("民情日记"), "grids:diary_list", "journal-text"),
    ),
    _section(
        L("组织生活"),
        Link(L("组织生活首页"), "assessments:index", "calendar-check", quick_label=L("组织生活")),
        Link(L("活动记录"), "assessments:activity_list", "calendar-event"),
        Link(L("落实情况"), "assessments:compliance_index", "clipboard-check"),
        Link(L("长期未参加组织生活"), "assessments:inactive", "person-exclamation"),
        Link(L("组织生活规则"), "assessments:rules", "book"),
        # 民主评议党员 (assessments.appraisal)
        Link(L("民主评议党员"), "assessments:appraisal:index", "award"),
        Link(L("我的评议"), "assessments:appraisal:mine", "person-badge"),
    ),
    Section(L("服务群众"), (
        Group(L("微心愿"), (
            Link(L("心愿墙"), "services:wish_wall", "heart"),
            Link(L("我的认领"), "services:my_claims", "bookmark-heart"),
            Link(L("心愿审核"), "services:wish_list", "heart-pulse"),
        )),
        Group(L("居民诉求"), (
            Link(L("诉求列表"), "requests:list", "telephone", quick_label=L("居民诉求")),
            Link(L("我的任务"), "requests:my_tasks", "check2-square"),
            Link(L("志愿服务队"), "requests:team_list", "people-fill"),
        )),
        Group(L("居民议事"), (
            Link(L("议事列表"), "deliberation:topic_list", "people", quick_label=L("居民议事")),
            Link(L("意见审核"), "deliberation:comment_queue", "chat-square-text"),
            Link(L("代居民提议"), "deliberation:topic_enter", "pencil-square"),
            Link(L("议事数据"), "deliberation:figures", "bar-chart"),
        )),
        Group(L("双报到"), (
            Link(L("报到情况"), "reporting:index", "person-check"),
            Link(L("我的服务"), "reporting:mine", "clock-history", quick_label=L("我的服务与报到")),
            Link(L("共建协议"), "reporting:agreement_list", "file-earmark-text"),
        )),
        Group(L("居民端（手机）"), (
            Link(L("居民提交心愿"), "services:wish_submit", "phone"),
            Link(L("居民点单"), "requests:submit", "phone"),
            Link(L("居民找党群服务中心"), "centres:public", "geo-alt"),
            Link(L("居民议事提议"), "deliberation:propose", "phone"),
        )),
    )),
    _section(
        L("吹哨报到"),
        Link(L("吹哨事项"), "whistles:list", "megaphone"),
        Link(L("本单位的吹哨"), "whistles:inbox", "inbox"),
        Link(L("本单位三率"), "whistles:my_rates", "graph-up"),
        Link(L("我要吹哨"), "whistles:new", "megaphone-fill"),
        Link(L("三率"), "whistles:rates", "graph-up-arrow", quick_label=L("吹哨三率")),
        Link(L("职能部门"), "whistles:departments", "building"),
    ),
    Section(L("责任与考核"), (
        Group("", (Link(L("数据看板"), "dashboard:index", "bar-chart-line"),)),
        Group(L("四张清单"), (
            Link(L("全部清单"), "checklist:index", "list-check", quick_label=L("四张清单")),
            Link(L("待我审批"), "checklist:awaiting", "check2-circle"),
            Link(L("逾期事项"), "checklist:overdue", "alarm"),
        )),
        Group(L("考核评分"), (
            Link(L("排名"), "scoring:index", "trophy", quick_label=L("考核排名")),
            Link(L("星级分布"), "scoring:stars", "star-half"),
            Link(L("评分批次"), "scoring:runs", "collection"),
        )),
        # not among the rankings: the burden meter ranks nobody (assessments.burden)
        Group("", (Link(L("减负监测"), "burden:index", "speedometer2"),)),
        # 一表通 (assessments.reports): reports filled from the records, and the figure catalogue
        Group(L("统计报表"), (
            Link(L("报表"), "reports:list", "table", quick_label=L("一表通报表")),
            Link(L("指标库"), "reports:figures", "book-half"),
        )),
    )),
    # 阵地 (network.centres, network.designations)
    _section(
        L("阵地"),
        Link(L("党群服务中心"), "centres:list", "house-heart"),
        Link(L("阵地覆盖"), "centres:coverage_index", "pin-map"),
        Link(L("示范点与星级"), "designations:list", "award-fill"),
        Link(L("示范点按区域统计"), "designations:counts_index", "diagram-3-fill"),
    ),
    _section(L("驻区单位"), Link(L("驻区单位"), "organizations:unit_list", "buildings")),
    # 党建指导员 (network.instructors): instructors of 两新 organizations, their visits, the coverage
    _section(
        L("党建指导员"),
        Link(L("党建指导员"), "instructors:list", "person-badge"),
        Link(L("走访滞后"), "instructors:behind", "alarm"),
        Link(L("两新组织覆盖情况"), "instructors:coverage_index", "pie-chart"),
    ),
    # 区域化党建 (network.committees): joint committees, their problems and commitments, pairings
    _section(
        L("区域化党建"),
        Link(L("联席组织"), "committees:list", "diagram-2", quick_label=L("区域化党建")),
        Link(L("联席会议问题"), "committees:problems", "patch-question"),
        Link(L("成员单位承诺"), "committees:commitments", "hand-thumbs-up"),
        Link(L("结对共建"), "committees:pairings", "link-45deg"),
    ),
    # 项目化服务 and 经费 (network.projects, network.funds)
    Section(L("项目与经费"), (
        Group(L("项目化服务"), (
            Link(L("服务项目"), "projects:list", "kanban"),
            Link(L("服务品牌"), "projects:brands", "patch-check"),
        )),
        Group(L("经费"), (
            Link(L("经费下拨"), "funds:allocations", "cash-stack"),
            Link(L("经费支出"), "funds:spendings", "receipt"),
            Link(L("经费汇总"), "funds:totals", "pie-chart"),
        )),
    )),
)

# Below the account links of the user menu (templates/base.html keeps those: password, 2FA, tokens).
USER_MENU = (
    Link(L("账号管理"), "organizations:account_list", "person-gear"),
    Link(L("接口文档"), "api-docs", "code-square"),
    Link(L("管理后台"), "admin:index", "gear", rule=is_staff),
)

# The home page's quick links, in this order, after the personal ones: entries of MAIN and
# USER_MENU by URL name.
QUICK = (
    "dashboard:index", "scoring:index", "organizations:area_index", "organizations:member_list",
    "organizations:org_list", "grids:diary_list", "requests:list", "services:wish_list", "whistles:list",
    "whistles:inbox", "whistles:my_rates", "checklist:index", "services:wish_wall", "requests:my_tasks",
    "reporting:mine", "organizations:dues_index", "organizations:dues_mine",
    "organizations:unit_list", "organizations:import_start", "organizations:account_list", "admin:index",
)


# ----------------------------------------------------------------------- building
@cache
def _url(url_name, args):
    return reverse(url_name, args=args)


def _links():
    for section in MAIN:
        for group in section.groups:
            yield from group.links
    yield from USER_MENU


@cache
def _by_name() -> dict:
    return {link.url_name: link for link in _links()}


@dataclass
class Entry:
    """A link as the templates show it."""

    label: str
    url: str
    icon: str
    active: bool = False


@dataclass
class ShownGroup:
    label: str
    links: list


@dataclass
class ShownSection:
    label: str
    groups: list
    active: bool = False
    single: Entry | None = field(default=None)  # the one visible link, shown as a plain nav link


def _entry(link: Link, path: str, label=None) -> Entry:
    url = link.url
    return Entry(label=str(label or link.label), url=url, icon=link.icon, active=path == url)


def main_menu(user, path: str = "") -> list[ShownSection]:
    """The sections of ``MAIN`` with the links ``user`` may open (empty groups and sections dropped)."""
    shown = []
    for section in MAIN:
        groups = []
        for group in section.groups:
            links = [_entry(link, path) for link in group.links if link.visible_to(user)]
            if links:
                groups.append(ShownGroup(label=str(group.label), links=links))
        if not groups:
            continue
        entries = [e for g in groups for e in g.links]
        single = entries[0] if len(entries) == 1 else None
        shown.append(ShownSection(label=str(section.label), groups=groups, active=any(e.active for e in entries),
                                  single=single))
    return shown


def user_menu(user, path: str = "") -> list[Entry]:
    return [_entry(link, path) for link in USER_MENU if link.visible_to(user)]


def personal_links(user, grants=(), member=None, member_community=None) -> list[Entry]:
    """The links about the user themselves: the areas of their community and grid grants,
    their own member record and the community they live in (what ``home`` loaded)."""
    out = []
    for g in grants:
        if g.role in (Role.COMMUNITY, Role.GRID) and g.area_id and may_open(user, "organizations:area_detail", (g.area_id,)):
            label = _("本社区：%(name)s") if g.role == Role.COMMUNITY else _("我的网格区域：%(name)s")
            out.append(Entry(label % {"name": g.area.name}, reverse("organizations:area_detail", args=[g.area_id]), "geo-alt"))
    if member is not None and may_open(user, "organizations:member_detail", (member.pk,)):
        out.append(Entry(_("我的党员信息"), reverse("organizations:member_detail", args=[member.pk]), "person-badge"))
    if member_community is not None and may_open(user, "organizations:area_detail", (member_community.pk,)):
        out.append(Entry(_("我的社区：%(name)s") % {"name": member_community.name},
                         reverse("organizations:area_detail", args=[member_community.pk]), "house"))
    return out


def quick_links(user, grants=(), member=None, member_community=None) -> list[dict]:
    """The home page's quick links (``{"label", "url", "icon"}``): the personal ones, then the
    ``QUICK`` entries the user may open — each URL once."""
    links = personal_links(user, grants, member, member_community)
    by_name = _by_name()
    for name in QUICK:
        link = by_name[name]
        if link.visible_to(user) and (link.quick_if is None or link.quick_if(user)):
            links.append(_entry(link, "", link.quick_label or link.label))
    seen, out = set(), []
    for link in links:
        if link.url not in seen:
            seen.add(link.url)
            out.append({"label": link.label, "url": link.url, "icon": link.icon})
    return out
