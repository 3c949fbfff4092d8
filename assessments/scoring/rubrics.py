"""The default rubrics (考核细则), version 1 of each, as data.

* 五好社区 — communities: 支部班子好、管理服务好、组织生活好、运行机制好、基础保障好 (100 分);
* 六化小区 — residential compounds: organization and grid coverage, building party groups,
  central households, wishes and requests (100 分);
* 四好/星级小区党支部 — compound branches (Dandong): stars by thresholds set so that most
  branches doing their ordinary work reach three stars or more (100 分);
* 街道千分制考核 — streets: a district's 1000-point appraisal, stars by the county quotas
  10/30/30/20/10.

Indicators are computed from the records the portal already keeps ("fill once"), plus a
few manual ones scored by reviewers.  ``params`` per source are documented in
``assessments.scoring.metrics``.  A locality changes a rubric by adding a new version (same code,
version + 1, its own effective date) — never by editing a version that has scores.

``load_default_rubrics(Rubric, Indicator)`` creates (or refreshes) version 1 of each; it
takes the model classes so the data migration can pass its historical models.
"""
import datetime

EFFECTIVE_FROM = datetime.date(2020, 1, 1)

# source codes (assessments.scoring.choices.IndicatorSource values), spelled out so the migration
# does not import the choices module's lazy translations
ACT, REP, HRS = "activity_compliance", "member_reporting", "service_hours"
WISH, SAT, REQ, WHI = "wish_fulfilment", "wish_satisfaction", "request_rates", "whistle_rates"
CHK, RECT, GRID, MAN = "checklist_completion", "rectification_closure", "grid_coverage", "manual"

# code, name, description, subject kind, area level, org category, period kinds, star method, thresholds, quotas,
# indicators: (code, name, group, source, max points, params, guidance)
RUBRICS = [
    {
        "code": "wuhao-community",
        "name": "五好社区党组织考核",
        "description": "按“支部班子好、管理服务好、组织生活好、运行机制好、基础保障好”五个方面考核社区党组织，满分100分。",
        "subject_kind": "area", "area_level": 4, "org_category": "",
        "period_kinds": "month,quarter,year", "star_method": "threshold",
        "star_thresholds": [60, 70, 80, 90], "star_quotas": [],
        "indicators": [
            ("team-review", "班子建设评审", "支部班子好", MAN, 10, {}, "街道党工委对班子团结、书记履职、交叉任职情况评审打分"),
            ("duty-list", "责任清单完成率", "支部班子好", CHK, 10, {}, "本年度四张清单中到期事项已完成或销号的比例"),
            ("wishes", "微心愿完成率", "管理服务好", WISH, 8, {}, "本期发布的微心愿已完成的比例"),
            ("wish-satisfaction", "微心愿满意率", "管理服务好", SAT, 6, {}, "满意计1、基本满意计0.9"),
            ("requests", "居民诉求三率", "管理服务好", REQ, 12, {}, "响应率、解决率、满意率加权（默认10/50/40）"),
            ("org-life", "组织生活合规率", "组织生活好", ACT, 20, {"when_empty": "zero"}, "本期没有逾期未开展组织生活的党组织比例"),
            ("service-hours", "党员人均服务时长", "组织生活好", HRS, 10, {"target_hours": 50}, "全年目标50小时，按周期折算"),
            ("reporting", "在职党员报到率", "运行机制好", REP, 8, {}, "居住在本社区的在职党员本期有有效报到的比例"),
            ("whistles", "吹哨报到三率", "运行机制好", WHI, 6, {}, "本社区吹哨事项中各单位的响应、解决、满意情况"),
            ("rectification", "问题整改销号率", "运行机制好", RECT, 4, {}, "问题清单已整改销号的比例"),
            ("grid-coverage", "小区网格覆盖率", "基础保障好", GRID, 3, {"measure": "compounds_gridded"}, "小区（或其楼栋）已划入网格"),
            ("grid-branches", "网格党支部覆盖率", "基础保障好", GRID, 3, {"measure": "grids_with_branch"}, "一网格一支部"),
        ],
    },
    {
        "code": "liuhua-compound",
        "name": "六化小区考核",
        "description": "组织覆盖、网格管理、楼栋党小组、党员中心户、服务群众、议事协商六个方面，满分100分。",
        "subject_kind": "area", "area_level": 5, "org_category": "",
        "period_kinds": "month,quarter,year", "star_method": "threshold",
        "star_thresholds": [60, 70, 80, 90], "star_quotas": [],
        "indicators": [
            ("branch-coverage", "小区党支部覆盖", "组织覆盖", GRID, 20, {"measure": "compounds_with_branch", "when_empty": "zero"},
             "小区建有党支部得满分"),
            ("gridded", "小区网格化", "网格管理", GRID, 15, {"measure": "compounds_gridded", "when_empty": "zero"}, "小区或其楼栋已划入网格"),
            ("building-groups", "楼栋党小组覆盖率", "楼栋党小组", GRID, 15, {"measure": "buildings_with_group"}, "建有党小组的楼栋比例"),
            ("central-households", "党员中心户联系覆盖率", "党员中心户", GRID, 15, {"measure": "households_covered"},
             "党员中心户联系户数占住户数比例"),
            ("wishes", "微心愿完成率", "服务群众", WISH, 10, {}, "本小区楼栋提交的微心愿完成比例"),
            ("requests", "居民诉求三率", "服务群众", REQ, 15, {}, "本小区楼栋的居民诉求响应、解决、满意情况"),
            ("deliberation", "议事协商评审", "议事协商", MAN, 10, {}, "社区党委对小区议事会、楼栋熟人圈开展情况评审打分"),
        ],
    },
    {
        "code": "sihao-branch",
        "name": "四好小区党支部星级评定",
        "description": "丹东做法：按班子好、活动好、服务好、作用发挥好评定小区党支部星级，分数线设置使正常开展工作的支部达到三星及以上。",
        "subject_kind": "org", "area_level": None, "org_category": "compound",
        "period_kinds": "quarter,year", "star_method": "threshold",
        "star_thresholds": [40, 55, 75, 90], "star_quotas": [],
        "indicators": [
            ("team-review", "支部班子评审", "班子好", MAN, 15, {}, "社区党委对支部班子和书记履职评审打分"),
            ("duty-list", "清单完成率", "班子好", CHK, 10, {}, "支部四张清单到期事项完成比例"),
            ("org-life", "组织生活合规", "活动好", ACT, 25, {"when_empty": "zero"}, "支部及所属党小组没有逾期未开展的组织生活"),
            ("service-hours", "党员人均服务时长", "活动好", HRS, 15, {"target_hours": 50}, "全年目标50小时，按周期折算"),
            ("wishes", "微心愿完成率", "服务好", WISH, 10, {}, "本小区微心愿完成比例"),
            ("requests", "居民诉求三率", "服务好", REQ, 10, {}, "本小区居民诉求三率"),
            ("central-households", "党员中心户联系覆盖率", "作用发挥好", GRID, 15, {"measure": "households_covered"},
             "党员中心户联系户数占住户数比例"),
        ],
    },
    {
        "code": "qianfen-street",
        "name": "街道党建工作千分制考核",
        "description": "区委组织部对街道党工委的年度千分制考核，星级按10/30/30/20/10比例在全区分配。",
        "subject_kind": "area", "area_level": 3, "org_category": "",
        "period_kinds": "quarter,year", "star_method": "quota",
        "star_thresholds": [], "star_quotas": [10, 30, 30, 20, 10],
        "indicators": [
            ("org-life", "组织生活合规率", "基层组织建设", ACT, 200, {"when_empty": "zero"}, "辖区党组织组织生活落实情况"),
            ("reporting", "在职党员报到率", "双报到", REP, 100, {}, "在职党员到居住社区报到"),
            ("service-hours", "党员人均服务时长", "双报到", HRS, 100, {"target_hours": 50}, "全年目标50小时，按周期折算"),
            ("wishes", "微心愿完成率", "服务群众", WISH, 80, {}, "辖区微心愿完成比例"),
            ("wish-satisfaction", "微心愿满意率", "服务群众", SAT, 60, {}, "满意计1、基本满意计0.9"),
            ("requests", "居民诉求三率", "接诉即办", REQ, 120, {}, "响应率、解决率、满意率加权"),
            ("whistles", "吹哨报到三率", "吹哨报到", WHI, 120, {}, "被吹哨单位的响应、解决、满意情况"),
            ("duty-list", "清单完成率", "责任落实", CHK, 80, {}, "四张清单到期事项完成比例"),
            ("rectification", "问题整改销号率", "责任落实", RECT, 60, {}, "问题清单整改销号比例"),
            ("grid-coverage", "小区网格覆盖率", "网格化管理", GRID, 40, {"measure": "compounds_gridded"}, "小区（或其楼栋）已划入网格"),
            ("report-review", "书记述职评议", "述职评议", MAN, 40, {}, "年底述职评议得分"),
        ],
    },
]


def load_default_rubrics(Rubric, Indicator) -> int:
    """Create or refresh version 1 of each default rubric with its indicators; returns the
    number of rubrics.  Safe to run again (keys: rubric code + version, indicator code)."""
    for spec in RUBRICS:
        rubric, _ = Rubric.objects.update_or_create(
            code=spec["code"], version=1,
            defaults=dict(
                name=spec["name"], description=spec["description"], subject_kind=spec["subject_kind"],
                area_level=spec["area_level"], org_category=spec["org_category"], effective_from=EFFECTIVE_FROM,
                period_kinds=spec["period_kinds"], star_method=spec["star_method"],
                star_thresholds=spec["star_thresholds"], star_quotas=spec["star_quotas"],
            ),
        )
        for order, (code, name, group, source, points, params, guidance) in enumerate(spec["indicators"]):
            Indicator.objects.update_or_create(
                rubric=rubric, code=code,
                defaults=dict(name=name, group=group, source=source, max_points=points, params=params,
                              guidance=guidance, sort_order=(order + 1) * 10),
            )
    return len(RUBRICS)


def ensure_default_rubrics() -> None:
    """Load the defaults if a flush took them (transactional tests); one query otherwise."""
    from assessments.scoring.models import Indicator, Rubric

    if not Rubric.objects.exists():
        load_default_rubrics(Rubric, Indicator)
