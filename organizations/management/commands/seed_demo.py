"""Load demo data: ``manage.py seed_demo --scale small|dandong|province``.

    seed_demo                            # small: one city, one district, ~200 members (seconds)
    seed_demo --scale small --if-empty   # what ``make run`` does: only when there is no area yet
    seed_demo --scale dandong            # 丹东市, the 2020 figures exactly
    seed_demo --scale province           # 14 cities, ~1M members (use PostgreSQL)
    seed_demo --scale province --fraction 0.01
    seed_demo --flush ...                # remove the demo trees first

The same ``--seed`` gives the same data.  Demo accounts (admin, district, street, community,
grid, member, member2, department, unit) get the password ``settings.DEMO_PASSWORD``; with
grids and organizational life (``--life``) each of them finds work waiting on its pages.  After loading, both
trees are checked; a problem rolls the load back and fails the command.
"""
import multiprocessing
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian import trees
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.demo import names
from organizations.demo.generator import (
    DEFAULT_SEED,
    SCALES,
    DemoDataError,
    DemoGenerator,
    conflicting_roots,
    demo_password,
    demo_roots_present,
    demo_trees,
    ensure_demo_accounts,
    flush_demo_data,
    plans_for,
)
from organizations.orgs.models import PartyOrg
from organizations.trees.check import check_all_trees

PHASES = (
    ("flush", gettext_lazy("清除旧的演示数据")),
    ("areas", gettext_lazy("区域树")),
    ("orgs", gettext_lazy("党组织树")),
    ("members", gettext_lazy("党员与党员中心户")),
    ("units", gettext_lazy("驻区单位")),
    ("secretaries", gettext_lazy("书记与组长")),
    ("analyze", gettext_lazy("更新统计信息")),
    ("accounts", gettext_lazy("演示账号")),
    ("grids", gettext_lazy("网格、网格团队与民情日记")),
    ("wishes", gettext_lazy("微心愿")),
    ("activities", gettext_lazy("组织生活与出席记录")),
    ("requests", gettext_lazy("居民诉求")),
    ("whistles", gettext_lazy("吹哨报到")),
    ("reporting", gettext_lazy("双报到")),
    ("checklists", gettext_lazy("四张清单")),
    ("queues", gettext_lazy("演示账号的待办事项")),
    ("development", gettext_lazy("发展党员")),
    ("dues", gettext_lazy("党费")),
    ("transfers", gettext_lazy("组织关系转接")),
    ("appraisal", gettext_lazy("民主评议党员")),
    ("reports", gettext_lazy("示例报表（一表通）")),
    ("deliberation", gettext_lazy("居民议事")),
    ("scores", gettext_lazy("考核评分")),
    ("rollups", gettext_lazy("看板汇总")),
    ("ledger", gettext_lazy("服务时长记录（全省规模）")),
    ("year_hours", gettext_lazy("党员年度服务时长")),
    ("verdicts", gettext_lazy("组织生活合规结论")),
    ("checklist_progress", gettext_lazy("清单事项按业务记录计算")),
    ("check", gettext_lazy("两棵树一致性检查")),
)
# Below this many members the encryption runs in this process (a pool is not worth starting).
POOL_MIN_MEMBERS = 200_000
# --scale province also loads a service-hours ledger of this many rows a member (services.ledger.demo).
LEDGER_ROWS_PER_MEMBER = 10


def flush_dependents() -> None:
    """Rows of the grids, wishes and organizational-life modules that protect the demo trees
    go first (a grid or a wish protects its community, an activity its organization)."""
    from assessments.checklists.models import Checklist
    from assessments.dashboard.models import AreaRollup
    from assessments.life.models import Activity, ActivityAttachment, Attendance
    from assessments.scoring.models import ManualScore, Score
    from grids.grids.demo import flush_grids
    from services.checkins.models import CoBuildAgreement, MemberReport
    from services.requests.models import ServiceRequest, VolunteerTeam
    from services.whistles.models import Department, Whistle, WhistleTarget
    from services.wishes.models import Wish

    area_trees, org_trees = demo_trees()
    if area_trees or org_trees:
        from services.deliberation.demo import flush_deliberation

        flush_deliberation(area_trees, org_trees)  # topics protect their communities, meetings their activities
    if area_trees or org_trees:
        from network.demo import flush_all

        flush_all(area_trees, org_trees)  # positions, projects, funds, the regional network
    if area_trees:
        from assessments.reports.demo import flush_reports

        flush_reports(area_trees)  # reports and their fields protect their areas
        AreaRollup.objects.filter(trees.in_trees_q(area_trees, "area")).delete()
        Score.objects.filter(trees.in_trees_q(area_trees, "area")).delete()
        ManualScore.objects.filter(trees.in_trees_q(area_trees, "area")).delete()
        WhistleTarget.objects.filter(trees.in_trees_q(area_trees, "whistle__area")).delete()
        Whistle.objects.filter(trees.in_trees_q(area_trees, "area")).delete()
        Department.objects.filter(trees.in_trees_q(area_trees, "area")).delete()
        ServiceRequest.objects.filter(trees.in_trees_q(area_trees, "community")).delete()
        VolunteerTeam.objects.filter(trees.in_trees_q(area_trees, "community")).delete()
        MemberReport.objects.filter(trees.in_trees_q(area_trees, "community")).delete()
        CoBuildAgreement.objects.filter(trees.in_trees_q(area_trees, "community")).delete()
        flush_grids(area_trees)
        Wish.objects.filter(trees.in_trees_q(area_trees, "community")).delete()
    if org_trees:
        # 民主评议党员 (a round protects its branch): grades and history first, then the rounds
        from assessments.appraisal.models import Appraisal, AppraisalEvent, AppraisalGrade

        AppraisalGrade.objects.filter(trees.in_trees_q(org_trees, "appraisal__org")).delete()
        AppraisalEvent.objects.filter(trees.in_trees_q(org_trees, "appraisal__org")).delete()
        Appraisal.objects.filter(trees.in_trees_q(org_trees, "org")).delete()
        from organizations.development.demo import flush_development

        flush_development(org_trees)  # its vote steps protect the meetings
        Checklist.objects.filter(trees.in_trees_q(org_trees, "org")).delete()
        Attendance.objects.filter(trees.in_trees_q(org_trees, "activity__org")).delete()
        ActivityAttachment.objects.filter(trees.in_trees_q(org_trees, "activity__org")).delete()
        Activity.objects.filter(trees.in_trees_q(org_trees, "org")).delete()


class Command(BaseCommand):
    help = _("生成演示数据：small（一个区）、dandong（丹东市2020年规模）、province（全省约100万党员）。")

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=SCALES, default="small", help=_("数据规模"))
        parser.add_argument("--if-empty", action="store_true", help=_("已有任何区域时什么也不做"))
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=_("随机种子（相同种子生成相同数据）"))
        parser.add_argument("--flush", action="store_true", help=_("先删除已有的演示数据"))
        parser.add_argument(
            "--fraction", type=float, default=None, help=_("只用于 province：按比例缩小，例如 0.01")
        )
        parser.add_argument(
            "--life", choices=("auto", "all", "first-city", "none"), default="auto",
            help=_("网格、民情日记与一年的组织生活：auto 为 small/dandong 全部、province 只生成第一个市"),
        )
        parser.add_argument(
            "--workers", type=int, default=2, help=_("PostgreSQL 上加密党员个人信息的进程数（0 表示不用进程池）")
        )

    def handle(self, *args, scale, if_empty, seed, flush, fraction, workers, life, **options):
        if fraction is not None and scale != "province":
            raise CommandError(_("--fraction 只能与 --scale province 一起使用。"))
        if if_empty and Area.objects.exists():
            self.stdout.write(_("已有区域数据（%(n)d 个区域），未生成演示数据。") % {"n": Area.objects.count()})
            return
        timings = {}
        self._scale = scale
        started_all = time.perf_counter()
        try:
            demo_password()  # refuse a weak DEMO_PASSWORD before generating anything
            plans = plans_for(scale, seed=seed, fraction=1.0 if fraction is None else fraction)
            if flush:
                started = time.perf_counter()
                flush_dependents()
                removed = flush_demo_data()
                timings["flush"] = time.perf_counter() - started
                if removed:
                    self.stdout.write(
                        _("已清除演示数据：区域 %(areas)d 个，党组织 %(orgs)d 个，党员 %(members)d 名。") % {
                            "areas": removed.get("areas", 0), "orgs": removed.get("orgs", 0),
                            "members": removed.get("members", 0),
                        }
                    )
            present = demo_roots_present()
            if present:
                raise CommandError(
                    _("演示数据已存在（%(names)s）。如需重新生成，请加 --flush。") % {"names": "、".join(present)}
                )
            clash = conflicting_roots(plans)
            if clash:
                raise CommandError(
                    _("已有同名或同编码的区域（%(names)s），无法生成演示数据。") % {"names": "、".join(sorted(set(clash)))}
                )
            pool = self._pool(workers if sum(p.members for p in plans) >= POOL_MIN_MEMBERS else 0)
            try:
                generator = DemoGenerator(plans, seed=seed, log=self.stdout.write, pool=pool)
                from assessments.checklists.receivers import muted

                with transaction.atomic(), muted():  # bound checklist items are refreshed once, at the end
                    generator.run()
                    timings.update(generator.timings)
                    started = time.perf_counter()
                    accounts = ensure_demo_accounts(plans[0].code)
                    self._unit_responder(accounts)
                    timings["accounts"] = time.perf_counter() - started
                    if life == "auto":
                        life = "first-city" if scale == "province" else "all"
                    if life != "none":
                        self._seed_life(plans, seed=seed, first_city_only=life == "first-city", timings=timings)
                        self._seed_queues(accounts, seed=seed, timings=timings)
                        self._seed_lifecycle(accounts, seed=seed, first_city_only=life == "first-city",
                                             timings=timings)
                        self._seed_scores(scale=scale, seed=seed, timings=timings)
                    if scale == "province":
                        self._seed_ledger(seed=seed, members=generator.counts["members"], timings=timings)
                    started = time.perf_counter()
                    from services.ledger.models import MemberYearHours

                    MemberYearHours.objects.refresh()  # the features' demos wrote the ledger in bulk
                    timings["year_hours"] = time.perf_counter() - started
                    if life != "none":
                        started = time.perf_counter()
                        from assessments.life.actions import org_verdicts_refresh

                        org_verdicts_refresh()  # today's compliance verdicts, as the nightly job leaves them
                        timings["verdicts"] = time.perf_counter() - started
                        started = time.perf_counter()
                        from assessments.checklists.demo import refresh_bound_items

                        refresh_bound_items()  # checklist items bound to the records, after every bulk write
                        timings["checklist_progress"] = time.perf_counter() - started
                    started = time.perf_counter()
                    problems = check_all_trees()
                    timings["check"] = time.perf_counter() - started
                    if problems:
                        for problem in problems[:100]:
                            self.stderr.write(problem)
                        raise CommandError(
                            _("生成的树不一致（%(n)d 个问题），已全部回滚。") % {"n": len(problems)}
                        )
            finally:
                if pool is not None:
                    pool.close()
                    pool.join()
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc

        labels = dict(PHASES)
        for key, label in (*PHASES, *((k, k) for k in timings if k not in labels)):  # then network.demo's features
            if key in timings:
                self.stdout.write(_("  %(label)s：%(s).2f 秒") % {"label": label, "s": timings[key]})
        counts = generator.counts
        self.stdout.write(self.style.SUCCESS(
            _("演示数据已生成（%(scale)s，种子 %(seed)d）：街道 %(streets)s 个，社区 %(communities)s 个，小区 %(compounds)s 个，"
              "楼栋 %(buildings)s 个，党组织 %(orgs)s 个，党员 %(members)s 名，党员中心户 %(central)s 户，"
              "驻区单位 %(units)s 个；共用时 %(s).1f 秒。") % {
                "scale": scale, "seed": seed,
                "streets": f"{counts[f'areas_{int(AreaLevel.STREET)}']:,}",
                "communities": f"{counts[f'areas_{int(AreaLevel.COMMUNITY)}']:,}",
                "compounds": f"{counts[f'areas_{int(AreaLevel.COMPOUND)}']:,}",
                "buildings": f"{counts[f'areas_{int(AreaLevel.BUILDING)}']:,}",
                "orgs": f"{counts['orgs']:,}", "members": f"{counts['members']:,}",
                "central": f"{counts['central_households']:,}", "units": f"{counts['units']:,}",
                "s": time.perf_counter() - started_all,
            }
        ))
        self.stdout.write(_("演示账号：admin、district、street、community、grid、member、member2、department、unit（密码见 DEMO_PASSWORD）。"))

    def _seed_lifecycle(self, accounts, *, seed, first_city_only, timings):
        """A member's life in the organization (development pipelines, a year of dues, transfers
        in every state, appraisals), each feature's demo one timed phase, through the bulk path
        at scale; ``accounts`` are the demo accounts (their nodes), ``first_city_only`` as for
        organizational life."""
        for phase in (self._seed_development, self._seed_transfers, self._seed_dues, self._seed_appraisal,
                      self._seed_reports, self._seed_network):
            phase(accounts, seed=seed, first_city_only=first_city_only, timings=timings)
        self._seed_deliberation(accounts, seed=seed, first_city_only=first_city_only, timings=timings)

    def _seed_development(self, accounts, *, seed, first_city_only, timings):
        """发展党员 (organizations.development.demo): pipelines per branch, applicants through
        probationary members, work waiting for the demo community account."""
        from django.utils import timezone

        from organizations.development.demo import seed_for_demo

        started = time.perf_counter()
        seed_for_demo(accounts=accounts, seed=seed, first_city_only=first_city_only, today=timezone.localdate())
        timings["development"] = time.perf_counter() - started

    def _seed_transfers(self, accounts, *, seed, first_city_only, timings):
        """组织关系转接 (organizations.transfers.demo): transfers in every state, 失联 and 流动党员,
        one waiting for the demo community account."""
        import random

        from django.utils import timezone

        from organizations.members.models import Member
        from organizations.transfers.demo import ensure_demo_queue as transfer_queue
        from organizations.transfers.demo import seed_transfers

        started = time.perf_counter()
        today = timezone.localdate()
        cities = Area.objects.filter(parent__isnull=True, level=AreaLevel.CITY).order_by("pk").values_list("pk", flat=True)
        cities = list(cities[:1] if first_city_only else cities)
        made = seed_transfers(rng=random.Random(f"{seed}-transfers"), city_ids=cities, today=today)
        users = {u.username: u for u in get_user_model().objects.filter(username__in=("admin", "member"))}
        nodes = {a.username: a.node for a in accounts}
        if "admin" in users and "member" in users and "community" in nodes:
            made.update(transfer_queue(sender=users["admin"], community=nodes["community"],
                                       member=Member.objects.get(user=users["member"]), today=today))
        timings["transfers"] = time.perf_counter() - started
        self.stdout.write(_("组织关系转接 %(n)s 件，失联党员 %(lost)s 名，流动党员 %(mobile)s 名。") % {
            "n": f"{made.get('transfers', 0):,}", "lost": f"{made.get('lost', 0):,}", "mobile": f"{made.get('mobile', 0):,}"})

    def _seed_dues(self, accounts, *, seed, first_city_only, timings):
        """党费 (organizations.dues.demo): a base for every member and a year of the ledger;
        province: the first city only."""
        import random

        from django.utils import timezone

        from organizations.dues.demo import seed_dues
        from organizations.members.models import Member

        started = time.perf_counter()
        members = Member.objects.all()
        if first_city_only:
            city = next(a.node for a in accounts if a.username == "admin")
            members = members.filter(trees.tree_q(city, "organization__area"))
        member_user = get_user_model().objects.filter(username="member").values_list("pk", flat=True).first()
        dues = seed_dues(rng=random.Random(f"{seed}-dues"), members=members, today=timezone.localdate(),
                         member_user_id=member_user)
        timings["dues"] = time.perf_counter() - started
        self.stdout.write(_("党费基数 %(bases)s 条，党费收缴记录 %(payments)s 条。") % {
            "bases": f"{dues['bases']:,}", "payments": f"{dues['payments']:,}"})

    def _seed_appraisal(self, accounts, *, seed, first_city_only, timings):
        """民主评议党员 (assessments.appraisal.demo): last year's results for most branches, this
        year's rounds in progress, one round waiting for the demo community account."""
        import random

        from django.utils import timezone

        from assessments.appraisal.demo import ensure_demo_queue as appraisal_queue
        from assessments.appraisal.demo import seed_appraisals
        from organizations.demo.generator import demo_trees
        from organizations.members.models import Member

        started = time.perf_counter()
        today = timezone.localdate()
        _areas, org_trees = demo_trees()
        if first_city_only:
            org_trees = org_trees[:1]
        users = {u.username: u for u in get_user_model().objects.filter(username__in=[a.username for a in accounts])}
        nodes = {a.username: a.node for a in accounts}
        keep = list(Member.objects.filter(user__username="member").values_list("organization_id", flat=True))
        org_ids = PartyOrg.objects.filter(trees.in_trees_q(org_trees)).values_list("pk", flat=True)
        counts = seed_appraisals(rng=random.Random(f"{seed}-appraisal"), org_ids=org_ids, today=today, keep_org_ids=keep)
        if "community" in users and "community" in nodes:
            counts.update(appraisal_queue(cadre=users["community"], community=nodes["community"], today=today))
        timings["appraisal"] = time.perf_counter() - started
        self.stdout.write(_("民主评议党员 %(rounds)s 个支部次，评议等次 %(grades)s 条。") % {
            "rounds": f"{counts.get('rounds', 0):,}", "grades": f"{counts.get('grades', 0):,}"})

    def _seed_network(self, accounts, *, seed, first_city_only, timings):
        """阵地、项目、经费、区域化党建 (``network.demo``: each feature's demo one timed phase)
        and the organizations' temporary branches, positions held and term dates."""
        from django.utils import timezone

        from network.demo import DemoContext, seed_all
        from organizations.demo.generator import demo_trees

        area_trees, org_trees = demo_trees()
        if first_city_only:
            area_trees, org_trees = area_trees[:1], org_trees[:1]
        names = [a.username for a in accounts]
        ctx = DemoContext(
            scale=self._scale, seed=seed, today=timezone.localdate(), area_trees=area_trees, org_trees=org_trees,
            users={u.username: u for u in get_user_model().objects.filter(username__in=names)},
            nodes={a.username: a.node for a in accounts}, log=self.stdout.write,
        )
        made = seed_all(ctx, timings)
        if made:
            self.stdout.write("，".join(f"{label} {n:,}" for label, n in made.items()))

    def _seed_reports(self, accounts, *, seed, first_city_only, timings):
        """一表通 (assessments.reports.demo): a district's quarterly community table and a
        street's yearly branch table, published and computed; the new field filled for some
        communities, the demo community account's own waiting in its queue."""
        import random

        from assessments.reports.demo import seed_reports

        started = time.perf_counter()
        users = {u.username: u for u in get_user_model().objects.filter(username__in=[a.username for a in accounts])}
        nodes = {a.username: a.node for a in accounts}
        if not all(name in users and name in nodes for name in ("district", "street")):
            return
        made = seed_reports(district_user=users["district"], district=nodes["district"], street_user=users["street"],
                            street=nodes["street"], community=nodes.get("community"),
                            rng=random.Random(f"{seed}-reports"))
        timings["reports"] = time.perf_counter() - started
        self.stdout.write(_("示例报表 %(reports)s 张，代填字段 %(filled)s 项。") % {
            "reports": made["reports"], "filled": made["filled"]})

    def _seed_deliberation(self, accounts, *, seed, first_city_only, timings):
        """居民议事 (services.deliberation.demo): a year of topics in every stage in every community
        of the small tree (and in the demo community's), a sample of 1–3 at the larger scales,
        over the requests, whistles, lists and activities already loaded."""
        import random

        from django.utils import timezone

        from organizations.demo.generator import demo_trees
        from services.deliberation.demo import seed_deliberation

        started = time.perf_counter()
        area_trees, _org_trees = demo_trees()
        if first_city_only:
            area_trees = area_trees[:1]
        communities = list(Area.objects.filter(trees.in_trees_q(area_trees), level=AreaLevel.COMMUNITY)
                           .values_list("pk", flat=True)) if area_trees else []
        nodes = {a.username: a.node for a in accounts}
        full = communities if self._scale == "small" else [n.pk for n in (nodes.get("community"),) if n is not None]
        made = seed_deliberation(rng=random.Random(f"{seed}-deliberation"), community_ids=communities,
                                 full_ids=full, today=timezone.localdate())
        timings["deliberation"] = time.perf_counter() - started
        self.stdout.write(_("居民议事 %(topics)s 件（待审核 %(proposed)s 件），议事会 %(meetings)s 次，评价 %(ratings)s 条。") % {
            "topics": f"{made.get('topics', 0):,}", "proposed": f"{made.get('proposed', 0):,}",
            "meetings": f"{made.get('meetings', 0):,}", "ratings": f"{made.get('ratings', 0):,}"})

    def _seed_life(self, plans, *, seed, first_city_only, timings):
        """Grids with teams and a year of diary, then a year of organizational life, on the
        demo trees just loaded (the other apps' bulk paths)."""
        import random

        from django.utils import timezone

        from assessments.life.demo import seed_activities
        from grids.grids.demo import seed_grids
        from organizations.orgs.choices import OrgKind
        from services.wishes.demo import seed_wishes

        codes = [plans[0].code] if first_city_only else [p.code for p in plans]
        roots = list(Area.objects.filter(parent__isnull=True, code__in=codes).values_list(trees.tree_field(), flat=True))
        today = timezone.localdate()
        started = time.perf_counter()
        communities = Area.objects.filter(trees.in_trees_q(roots), level=AreaLevel.COMMUNITY).values_list("pk", flat=True)
        grid_counts = seed_grids(rng=random.Random(f"{seed}-grids"), community_ids=list(communities), today=today)
        timings["grids"] = time.perf_counter() - started
        started = time.perf_counter()
        wish_counts = seed_wishes(rng=random.Random(f"{seed}-wishes"), community_ids=list(communities), today=today)
        timings["wishes"] = time.perf_counter() - started
        started = time.perf_counter()
        orgs = PartyOrg.objects.filter(
            trees.in_trees_q(roots, "area"), kind__in=[OrgKind.BRANCH, OrgKind.GENERAL_BRANCH, OrgKind.GROUP]
        ).values_list("pk", flat=True)
        life_counts = seed_activities(rng=random.Random(f"{seed}-life"), org_ids=list(orgs), today=today)
        timings["activities"] = time.perf_counter() - started
        services = self._seed_services(roots, seed=seed, today=today, timings=timings)
        self.stdout.write(
            _("网格 %(grids)s 个，民情日记 %(diary)s 条，微心愿 %(wishes)s 个；组织生活 %(activities)s 次，出席记录 %(attendance)s 条。") % {
                "grids": f"{grid_counts.get('grids', 0):,}", "diary": f"{grid_counts.get('diary', 0):,}",
                "wishes": f"{wish_counts.get('wishes', 0):,}",
                "activities": f"{life_counts.get('activities', 0):,}",
                "attendance": f"{life_counts.get('attendance', 0):,}",
            }
        )
        self.stdout.write(services)

    def _seed_services(self, roots, *, seed, today, timings) -> str:
        """A year of requests, whistles, 双报到 and the four lists on the trees ``roots``;
        the demo department account answers for its district's 住建局."""
        import random

        from assessments.checklists.demo import seed_checklists
        from organizations.orgs.choices import OrgCategory
        from services.checkins.demo import seed_reporting
        from services.requests.demo import seed_requests
        from services.whistles.demo import ensure_demo_responders, seed_whistles

        areas = Area.objects.filter(trees.in_trees_q(roots))
        communities = list(areas.filter(level=AreaLevel.COMMUNITY).values_list("pk", flat=True))
        started = time.perf_counter()
        requests = seed_requests(rng=random.Random(f"{seed}-requests"), community_ids=communities, today=today)
        timings["requests"] = time.perf_counter() - started
        started = time.perf_counter()
        whistle_areas = list(areas.filter(level__in=(AreaLevel.STREET, AreaLevel.COMMUNITY)).values_list("pk", flat=True))
        whistles = seed_whistles(rng=random.Random(f"{seed}-whistles"), area_ids=whistle_areas, today=today)
        account = get_user_model().objects.filter(username="department").first()
        grant = account.grants.filter(area__isnull=False).select_related("area").first() if account else None
        if grant is not None:
            ensure_demo_responders(department_user=account, department_area=grant.area)
        timings["whistles"] = time.perf_counter() - started
        started = time.perf_counter()
        reporting = seed_reporting(rng=random.Random(f"{seed}-reporting"), community_ids=communities, today=today)
        timings["reporting"] = time.perf_counter() - started
        started = time.perf_counter()
        list_orgs = PartyOrg.objects.filter(
            trees.in_trees_q(roots, "area"), category__in=(OrgCategory.COMMUNITY, OrgCategory.COMPOUND)
        ).values_list("pk", flat=True)
        lists = seed_checklists(rng=random.Random(f"{seed}-lists"), org_ids=list(list_orgs), year=today.year, today=today)
        timings["checklists"] = time.perf_counter() - started
        # something waiting in every demo account's queue on its home page (portal.queues)
        from assessments.checklists.demo import waiting_for_demo_accounts as lists_waiting
        from services.requests.demo import waiting_for_demo_accounts as requests_waiting
        from services.wishes.demo import waiting_for_demo_accounts as wishes_waiting

        wishes_waiting(random.Random(f"{seed}-waiting-wishes"))
        requests_waiting(random.Random(f"{seed}-waiting-requests"))
        lists_waiting(today.year, today)
        return _("居民诉求 %(requests)s 件，吹哨事项 %(whistles)s 件，在职党员报到 %(reports)s 人次，"
                 "共建协议 %(agreements)s 份，四张清单 %(lists)s 份。") % {
            "requests": f"{requests.get('requests', 0):,}", "whistles": f"{whistles.get('whistles', 0):,}",
            "reports": f"{reporting.get('member_reports', 0):,}", "agreements": f"{reporting.get('agreements', 0):,}",
            "lists": f"{lists.get('checklists', 0):,}",
        }

    @staticmethod
    def _unit_responder(accounts):
        """The ``unit`` account answers whistles for its resident unit (``ensure_demo_accounts``)."""
        from organizations.demo.generator import demo_unit_of
        from services.whistles.demo import ensure_demo_responders

        account = next((a for a in accounts if a.username == "unit"), None)
        if account is not None:
            user = get_user_model().objects.get(username="unit")
            ensure_demo_responders(unit_user=user, unit=demo_unit_of(account.node))

    def _seed_queues(self, accounts, *, seed, timings):
        """Work waiting for every demo account, through the features' real actions (a few rows,
        only those missing): a wish to review and one to claim, a request to dispatch and one
        dispatched to ``member``, a whistle for ``department`` and ``unit`` to report in, a list
        for ``street`` to approve, an open diary problem for ``grid``, an activity of
        ``member``'s branch with its sign-in open, and ``member``'s 报到 due."""
        import random

        from django.utils import timezone

        from assessments.checklists.demo import ensure_demo_queue as checklist_queue
        from assessments.life.demo import ensure_demo_queue as activity_queue
        from grids.grids.demo import ensure_demo_queue as diary_queue
        from organizations.demo.generator import demo_unit_of
        from organizations.members.models import Member
        from organizations.orgs.choices import OrgCategory
        from services.checkins.demo import ensure_demo_queue as reporting_queue
        from services.requests.demo import ensure_demo_queue as request_queue
        from services.whistles.demo import ensure_demo_queue as whistle_queue
        from services.whistles.models import Department
        from services.wishes.demo import ensure_demo_queue as wish_queue

        started = time.perf_counter()
        rng = random.Random(f"{seed}-queues")
        users = {u.username: u for u in get_user_model().objects.filter(username__in=[a.username for a in accounts])}
        nodes = {a.username: a.node for a in accounts}
        community = nodes["community"]
        member = Member.objects.select_related("organization").get(user=users["member"])
        now = timezone.now()
        today = timezone.localdate()
        made = {}
        made.update(wish_queue(community=community, reviewer=users["community"], rng=rng))
        made.update(request_queue(community=community, dispatcher=users["community"], member=member, rng=rng))
        department = Department.objects.filter(area=nodes["department"], name=names.DEPARTMENT_SHORT_NAME).first()
        made.update(whistle_queue(whistler=users["community"], area=community, department=department,
                                  unit=demo_unit_of(nodes["unit"])))
        committee = PartyOrg.objects.filter(area=community, category=OrgCategory.COMMUNITY).order_by("pk").first()
        if committee is not None:
            made.update(checklist_queue(approver=users["street"], editor=users["community"], org=committee, today=today))
        made.update(diary_queue(grid_user=users["grid"], today=today))
        made.update(activity_queue(org=member.organization, filer=users["community"], now=now))
        made.update(reporting_queue(member=member, today=today))
        timings["queues"] = time.perf_counter() - started
        return made

    def _seed_scores(self, *, scale, seed, timings):
        """Scored periods and dashboard rollups, so a new user sees full dashboards at once.
        At province scale only the last completed month and the year so far are scored."""
        from django.utils import timezone

        from assessments.dashboard.rollups import refresh_rollups
        from assessments.scoring import periods as P
        from assessments.scoring.demo import seed_scores

        today = timezone.localdate()
        started = time.perf_counter()
        keys = None
        if scale == "province":
            keys = [P.last_complete("month", today).key, P.last_complete("quarter", today).key]
        scores = seed_scores(periods=keys, today=today, seed=str(seed))
        timings["scores"] = time.perf_counter() - started
        started = time.perf_counter()
        rollups = refresh_rollups(trends=True)
        timings["rollups"] = time.perf_counter() - started
        self.stdout.write(_("考核评分 %(runs)d 批次、%(scores)s 个得分；看板汇总 %(rollups)s 行。") % {
            "runs": scores.get("runs", 0), "scores": f"{scores.get('scores', 0):,}", "rollups": f"{rollups:,}"})

    def _seed_ledger(self, *, seed, members, timings):
        """About ten synthetic service records a demo member over this year (services.ledger.demo)."""
        import random

        from django.utils import timezone

        from organizations.demo.generator import demo_trees
        from organizations.members.models import Member
        from services.ledger.demo import seed_service_records

        started = time.perf_counter()
        _areas, org_trees = demo_trees()
        member_ids = Member.objects.filter(trees.in_trees_q(org_trees, "organization")).values_list("pk", flat=True)
        result = seed_service_records(
            rng=random.Random(f"{seed}-ledger"), target_rows=LEDGER_ROWS_PER_MEMBER * members,
            year=timezone.localdate().year, member_ids=member_ids, log=self.stdout.write,
        )
        timings["ledger"] = time.perf_counter() - started
        self.stdout.write(_("服务时长记录 %(n)s 条。") % {"n": f"{result['records']:,}"})

    @staticmethod
    def _pool(workers: int):
        """A process pool for encrypting personal data on PostgreSQL (the COPY path).

        Created before the load's transaction, with the database connections closed, so the
        forked workers never share a live connection with this process."""
        if workers <= 0 or connection.vendor != "postgresql":
            return None
        connections.close_all()
        return multiprocessing.get_context("fork").Pool(workers)
