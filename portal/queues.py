"""What waits for the user: the work queues of the home page, one section per kind of
work the user's roles hold (lists to approve, wishes to review, requests to dispatch,
tasks, whistles to report in, …).

Each section comes from a feature's selector (already scoped to the user) and shows its
count, the first ``HEAD`` items (a label, the deadline, an overdue flag and the page where
the item is acted on) and a "全部" link to the feature's list filtered to exactly the
counted rows.  Every section of the page is read in ONE query
(``dangjian.portal.heads_and_totals``); a section the user's roles do not hold is never
built and costs nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Case, CharField, DateTimeField, ExpressionWrapper, F, Value, When
from django.db.models.functions import Cast, Concat, Substr
from django.urls import NoReverseMatch, reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from assessments.appraisal import selectors as appraisals
from assessments.appraisal.choices import AppraisalStatus
from assessments.checklists import selectors as checklists
from assessments.life import schedule
from assessments.life import selectors as life
from assessments.reports import selectors as reports
from assessments.scoring import selectors as scoring
from dangjian.portal import Head, heads_and_totals
from dangjian.scoping import get_scope
from grids.diary import selectors as diary
from network.committees import selectors as committees
from organizations.areas.choices import AreaLevel
from organizations.development import selectors as development
from organizations.grants.choices import Role
from organizations.roles import selectors as org_roles
from organizations.temporary import selectors as temporary
from organizations.transfers import selectors as transfers
from services.checkins import rules as checkin_rules
from services.checkins import selectors as checkins
from services.deliberation import selectors as deliberation
from services.requests import selectors as requests
from services.whistles import selectors as whistles
from services.whistles.choices import TargetStatus
from services.wishes import selectors as wishes

HEAD = 5  # items shown per section


@dataclass
class Item:
    label: str
    url: str
    due: datetime | date | None = None
    overdue: bool = False

    @property
    def due_text(self) -> str:
        """The deadline for a small screen: “3月5日 17:00”, or “3月5日” for a date."""
        if isinstance(self.due, datetime):
            return dateformat.format(timezone.localtime(self.due), "n月j日 H:i")
        if isinstance(self.due, date):
            return dateformat.format(self.due, "n月j日")
        return ""


@dataclass
class Section:
    key: str
    title: str
    count: int
    items: list[Item]
    more_url: str
    more_label: str = ""
    empty: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)  # extra actions (label, url)
    figure: dict | None = None  # a section that is a figure, not a list (hours, 报到)


@dataclass(frozen=True)
class _Spec:
    """How a section is built: its title, its rows (a ``Head``), the page of an item
    (from the ref), the filtered list of all, and optional extra links."""

    title: str
    head: Head
    item_url: object
    more_url: str
    empty: str
    links: tuple = ()
    optional: bool = False  # shown only when something waits (the role alone does not say)


def _own_rates_link() -> tuple:
    """The link to the department's (or unit's) own 三率, where the portal has that page
    (``whistles:my_rates``); none otherwise (the inbox is linked anyway)."""
    try:
        return ((_("本单位三率"), reverse("whistles:my_rates")),)
    except NoReverseMatch:
        return ()


def _url(name, *args):
    return lambda ref: reverse(name, args=[*args, ref])


def _choice_label(field_name, choices):
    """The Chinese label of a choice column, in SQL."""
    return Case(*[When(**{field_name: value}, then=Value(str(label))) for value, label in choices.choices],
                default=F(field_name), output_field=CharField())


def _short(field_name, n=30):
    return Substr(F(field_name), 1, n)


def _specs(user, scope, grants, now, today) -> dict[str, _Spec]:
    """The sections of the user's roles, in display order."""
    specs = {}
    # the roles actually granted (a superuser is an administrator here, not every role at once)
    roles = set(scope.roles) | ({Role.ADMIN} if scope.is_global else set())

    def holds(*wanted):
        return bool(roles.intersection(wanted))

    manage_above_community = holds(Role.ADMIN, Role.DISTRICT, Role.STREET)
    # district / admin: what waits at that level
    if holds(Role.ADMIN, Role.DISTRICT):
        specs["runs_failed"] = _Spec(
            _("评分失败的批次"),
            Head(scoring.failed_runs(user), order=(F("created_at").desc(),),
                 label=Concat(F("rubric__name"), Value(" · "), F("period_key"), output_field=CharField())),
            _url("scoring:run_detail"), f"{reverse('scoring:runs')}?state=failed", _("没有失败的评分批次。"),
        )
    # street (and above): lists to approve, whistles to confirm, escalations, overdue
    if manage_above_community or holds(Role.COMMUNITY):
        specs["checklists"] = _Spec(
            _("待我审批的四张清单"),
            Head(checklists.awaiting_approval(user), order=(F("submitted_at").asc(),),
                 label=Concat(F("org__name"), Value(" · "), F("year"), output_field=CharField())),
            _url("checklist:detail"), reverse("checklist:awaiting"), _("没有待审批的清单。"),
        )
    if manage_above_community or holds(Role.COMMUNITY):
        # 组织关系转接: transfers into a branch the user manages, waiting for an answer
        specs["transfers_incoming"] = _Spec(
            _("待接收的组织关系转接"),
            Head(transfers.incoming_waiting(user), order=(F("due_on").asc(), F("pk").asc()),
                 label=Concat(F("member__name"), Value(" · "), F("from_org__name"), output_field=CharField()),
                 day=F("due_on")),
            _url("organizations:transfer_detail"), f"{reverse('organizations:transfer_list')}?tab=incoming&status=pending",
            _("没有待接收的组织关系转接。"), optional=not holds(Role.COMMUNITY),
        )
    if manage_above_community or holds(Role.COMMUNITY):
        # 发展党员: the steps overdue or due this month in the branches the user covers
        specs["development_due"] = _Spec(
            _("发展党员：逾期和本月到期的环节"),
            Head(development.steps_to_take(user, today), order=(F("due_on").asc(), F("pk").asc()),
                 label=Concat(F("name"), Value(" · "), F("organization__name"), output_field=CharField()),
                 day=F("due_on")),
            _url("organizations:development_case_detail"),
            f"{reverse('organizations:development_case_list')}?due=todo", _("没有逾期或本月到期的发展环节。"),
            optional=not holds(Role.COMMUNITY),
        )
        # 民主评议党员: rounds opened and not yet confirmed by the branch
        specs["appraisals_open"] = _Spec(
            _("进行中的民主评议"),
            Head(appraisals.appraisals_for(user).filter(status=AppraisalStatus.DRAFT),
                 order=(F("year").asc(), F("pk").asc()),
                 label=Concat(F("org__name"), Value(" · "), Cast("year", CharField()), Value("年"),
                              output_field=CharField())),
            _url("assessments:appraisal:sheet"),
            f"{reverse('assessments:appraisal:index')}?status={AppraisalStatus.DRAFT}", _("没有进行中的民主评议。"),
            optional=not holds(Role.COMMUNITY),
        )
    if manage_above_community or holds(Role.COMMUNITY):
        # 临时党支部: branches of the organizations the user manages past (or within 30 days of)
        # their expected end and not dissolved
        specs["temporary_due"] = _Spec(
            _("待撤销的临时党支部"),
            Head(temporary.due_for_dissolution(user, today), order=(F("expected_end").asc(), F("pk").asc()),
                 label=Concat(F("org__name"), Value(" · "), F("project_name"), output_field=CharField()),
                 day=F("expected_end")),
            _url("organizations:temporary_detail"), f"{reverse('organizations:temporary_list')}?status=due",
            _("没有待撤销的临时党支部。"), optional=True,
        )
        # 换届: organizations of the subtree whose term ends within six months or has ended
        specs["terms_due"] = _Spec(
            _("换届提醒：六个月内届满和已届满的党组织"),
            Head(org_roles.reminders_for_queue(user, today), order=(F("term_end").asc(), F("pk").asc()),
                 label=F("name"), day=F("term_end")),
            _url("organizations:roles_term_renew"), reverse("organizations:roles_terms"),
            _("没有六个月内需要换届的党组织。"), optional=True,
        )
    if holds(Role.STREET, Role.COMMUNITY):
        specs["whistles_confirm"] = _Spec(
            _("待确认的吹哨"),
            Head(whistles.awaiting_confirmation_for(user), order=(F("resolve_due").asc(),),
                 label=F("title"), due=F("resolve_due")),
            _url("whistles:detail"), f"{reverse('whistles:list')}?status=awaiting", _("没有等待确认办结的吹哨。"),
        )
    if manage_above_community:
        specs["whistles_escalated"] = _Spec(
            _("升级到我的吹哨"),
            Head(whistles.escalated_to(user), order=(F("resolve_due").asc(),), label=F("title"), due=F("resolve_due")),
            _url("whistles:detail"), f"{reverse('whistles:list')}?mine=1&status=open", _("没有升级到本级的吹哨。"),
        )
    if holds(Role.STREET):
        specs["whistles_overdue"] = _Spec(
            _("逾期的吹哨"),
            Head(whistles.overdue_for(user, now), order=(F("resolve_due").asc(),), label=F("title"), due=F("resolve_due")),
            _url("whistles:detail"), f"{reverse('whistles:list')}?overdue=1", _("没有逾期的吹哨。"),
        )
    if manage_above_community or holds(Role.COMMUNITY):
        # 区域化党建: problems raised at joint meetings still open after WAITING_DAYS
        specs["committee_problems"] = _Spec(
            _("联席会议提出、%(n)d 天未解决的问题") % {"n": committees.WAITING_DAYS},
            Head(committees.waiting_problems(user, now), order=(F("created_at").asc(), F("pk").asc()),
                 label=Concat(F("committee__name"), Value(" · "), F("title"), output_field=CharField())),
            _url("committees:problem"), f"{reverse('committees:problems')}?waiting=1", _("没有久未解决的问题。"),
            optional=True,
        )
    # community: wishes to review, requests to dispatch, members whose 报到 lapsed
    if holds(Role.COMMUNITY):
        specs["wishes_review"] = _Spec(
            _("待审核的微心愿"),
            Head(wishes.awaiting_review_for(user), order=(F("created_at").asc(),),
                 label=Concat(F("code"), Value(" "), _short("text"), output_field=CharField())),
            _url("services:wish_detail"), f"{reverse('services:wish_list')}?status=submitted", _("没有待审核的心愿。"),
        )
        specs["requests_dispatch"] = _Spec(
            _("待派单的居民诉求"),
            Head(requests.awaiting_dispatch_for(user), order=(F("response_due").asc(),),
                 label=Concat(F("category__name"), Value(" · "), F("code"), output_field=CharField()),
                 due=F("response_due")),
            _url("requests:detail"), f"{reverse('requests:list')}?status=submitted", _("没有待派单的诉求。"),
        )
        # 居民议事: proposals to screen, residents' comments to moderate (services.deliberation)
        specs["deliberation_screen"] = _Spec(
            _("待审核的居民议事提议"),
            Head(deliberation.awaiting_screening_for(user), order=(F("created_at").asc(),),
                 label=Concat(F("code"), Value(" "), _short("title"), output_field=CharField())),
            _url("deliberation:topic_detail"), f"{reverse('deliberation:topic_list')}?status=proposed",
            _("没有待审核的议事提议。"),
        )
        specs["deliberation_comments"] = _Spec(
            _("待审核的居民议事意见"),
            Head(deliberation.comments_to_moderate(user), order=(F("created_at").asc(),), label=_short("text"),
                 ref=F("topic_id")),
            _url("deliberation:topic_detail"), reverse("deliberation:comment_queue"), _("没有待审核的意见。"),
            optional=True,
        )
        for g in grants:
            if g.role == Role.COMMUNITY and g.area_id and g.area.level == AreaLevel.COMMUNITY:
                specs[f"reports_lapsed_{g.area_id}"] = _Spec(
                    _("报到已过期的在职党员（%(name)s）") % {"name": g.area.name},
                    Head(checkins.lapsed_reports(g.area, today), order=(F("report_valid_until").asc(),),
                         label=F("name"), day=F("report_valid_until")),
                    _url("reporting:member_detail"), f"{reverse('reporting:board', args=[g.area_id])}?status=expired",
                    _("没有报到过期的在职党员。"),
                )
    if holds(Role.COMMUNITY):
        # 一表通: published reports asking a field of a subject the cadre covers, not yet filled
        specs["reports_to_fill"] = _Spec(
            _("待填报表"),
            Head(reports.awaiting_fill(user), order=(F("due_on").asc(nulls_last=True), F("pk").asc()),
                 label=F("name"), day=F("due_on")),
            _url("reports:my_fill"), f"{reverse('reports:list')}?tab=asked&status=published", _("没有待填的报表。"),
        )
    # grid worker / member (or anyone a request was dispatched to): tasks dispatched to me
    specs["tasks"] = _Spec(
        _("派给我的任务"),
        Head(requests.open_tasks(user), order=(F("resolve_due").asc(),),
             label=Concat(F("category__name"), Value(" · "), F("code"), output_field=CharField()),
             due=F("resolve_due")),
        _url("requests:detail"), f"{reverse('requests:my_tasks')}?todo=1", _("没有待办的任务。"),
        optional=not holds(Role.GRID, Role.MEMBER),
    )
    if holds(Role.GRID):
        specs["diary_open"] = _Spec(
            _("待处理的民情问题"),
            Head(diary.open_problems_for(user), order=(F("occurred_on").asc(),), label=_short("text"),
                 day=F("occurred_on")),
            _url("grids:diary_detail"), f"{reverse('grids:diary_list')}?status=open", _("没有待处理的问题。"),
            links=((_("民情日记"), reverse("grids:diary_list")), (_("写今天的日记"), reverse("grids:diary_create"))),
        )
    # member: claims, hours against the target, 报到
    if holds(Role.MEMBER):
        specs["claims"] = _Spec(
            _("我认领的心愿（待完成）"),
            Head(wishes.claims_to_fulfil(user), order=(F("claimed_at").asc(),),
                 label=Concat(F("code"), Value(" "), _short("text"), output_field=CharField())),
            _url("services:wish_detail"), f"{reverse('services:my_claims')}?todo=1", _("没有待完成的认领。"),
            links=((_("去心愿墙认领"), reverse("services:wish_wall")),),
        )
        specs["sign_ins"] = _Spec(
            _("待签到的活动"),
            Head(life.open_sign_ins_for(user, now), order=(F("starts_at").asc(),), label=F("topic"),
                 ref=F("signin_token"),
                 due=ExpressionWrapper(F("ends_at") + schedule.SIGNIN_CLOSES_AFTER, output_field=DateTimeField())),
            _url("assessments:sign_in"), reverse("assessments:my_sign_ins"), _("现在没有需要签到的活动。"),
        )
        specs["me"] = _Spec(
            _("我的服务与报到"),
            Head(checkins.my_reporting(user, on_date=today, year=today.year), order=(),
                 label=Case(When(in_service=True, then=F("report_status")), default=Value(""), output_field=CharField()),
                 day=F("report_valid_until"), amount=F("year_hours")),
            None, reverse("reporting:mine"), "",
        )
    # department / resident unit (a responder account, with or without a grant): whistles
    # to report in and to resolve
    specs["inbox"] = _Spec(
        _("待报到、待办理的吹哨"),
        Head(whistles.inbox_todo(user), order=(F("due").asc(),), ref=F("whistle_id"),
             label=Concat(F("whistle__title"), Value(" · "), _choice_label("status", TargetStatus),
                          output_field=CharField()), due=F("due")),
        _url("whistles:detail"), f"{reverse('whistles:inbox')}?todo=1", _("没有待报到或待办理的吹哨。"),
        links=((_("本单位的吹哨"), reverse("whistles:inbox")), *_own_rates_link()),
        optional=not holds(Role.DEPARTMENT),
    )
    return specs


def _overdue(due, now, today) -> bool:
    if isinstance(due, datetime):
        return due < now
    if isinstance(due, date):
        return due < today
    return False


def _me_figure(row, today) -> dict:
    """Hours of the year against the target, and the 报到 status of an in-service member."""
    target = checkin_rules.hours_target()
    hours = row["amount"] or 0
    status = row["label"]
    report = None
    if status:
        label = dict(checkins.ReportStatus.choices)[status]
        report = {"status": status, "label": label, "until": row["day"],
                  "due": status != checkins.ReportStatus.VALID.value,
                  "url": reverse("reporting:mine")}
    return {"hours": hours, "target": target, "percent": checkin_rules.progress_percent(hours, target),
            "report": report, "year": today.year}


def queues_for(user, grants) -> list[Section]:
    """The home page's work queues for ``user`` (``grants``: the user's active grants with
    their areas, as the home page reads them): one query for every section."""
    scope = get_scope(user)
    now = timezone.now()
    today = timezone.localdate()
    specs = _specs(user, scope, grants, now, today)
    found = heads_and_totals({key: spec.head for key, spec in specs.items()}, HEAD)
    sections = []
    for key, spec in specs.items():
        rows, total = found[key]
        if key == "me":
            if not rows:
                continue
            sections.append(Section(key, spec.title, 0, [], spec.more_url, _("查看详情"),
                                    figure=_me_figure(rows[0], today)))
            continue
        if spec.optional and not total:
            continue
        items = []
        for row in rows:
            due = row["due"] or row["day"]
            items.append(Item(label=row["label"] or "", url=spec.item_url(row["ref"]), due=due, overdue=_overdue(due, now, today)))
        sections.append(Section(key, spec.title, total, items, spec.more_url, _("全部 %(n)s 项") % {"n": total},
                                spec.empty, list(spec.links)))
    return sections
