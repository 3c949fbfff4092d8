from django.db import models
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    """How often a rule asks for an activity."""

    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    HALF_YEARLY = "half_yearly", _("每半年")
    YEARLY = "yearly", _("每年")
    LAST_FRIDAY = "last_friday", _("每月最后一个星期五")
    AS_NEEDED = "as_needed", _("按需")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出席")
    ABSENT = "absent", _("缺席")
    EXCUSED = "excused", _("请假")


class SignInVia(models.TextChoices):
    ROSTER = "roster", _("名册登记")
    QR = "qr", _("扫码签到")


class DeliberationStep(models.TextChoices):
    """The five steps of a residents' deliberation (居民议事)."""

    PROPOSE = "propose", _("民事民提")
    DISCUSS = "discuss", _("民事民议")
    DECIDE = "decide", _("民事民决")
    ACT = "act", _("民事民办")
    REVIEW = "review", _("民事民评")


class PeriodStatus(models.TextChoices):
    DONE = "done", _("已完成")
    DUE = "due", _("本期待完成")
    OVERDUE = "overdue", _("逾期未开展")
    UPCOMING = "upcoming", _("未到期")


class QuorumBasis(models.TextChoices):
    """Whose attendance counts for the quorum (> half must be present)."""

    FULL_MEMBERS = "full_members", _("正式党员（有表决权）")
    COMMITTEE = "committee", _("支部委员")


# ===================================================================== four lists (四张清单)
class ChecklistStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审批")
    APPROVED = "approved", _("已审批")
    RETURNED = "returned", _("已退回")


class ChecklistAction(models.TextChoices):
    SUBMIT = "submit", _("提交审批")
    APPROVE = "approve", _("审批通过")
    RETURN = "return", _("退回修改")


CHECKLIST_ACTIONS = {
    ChecklistAction.SUBMIT: (frozenset({ChecklistStatus.DRAFT, ChecklistStatus.RETURNED}), ChecklistStatus.SUBMITTED),
    ChecklistAction.APPROVE: (frozenset({ChecklistStatus.SUBMITTED}), ChecklistStatus.APPROVED),
    ChecklistAction.RETURN: (frozenset({ChecklistStatus.SUBMITTED}), ChecklistStatus.RETURNED),
}


class ItemKind(models.TextChoices):
    RESPONSIBILITY = "responsibility", _("责任清单")
    PROBLEM = "problem", _("问题清单")
    RECTIFICATION = "rectification", _("整改清单")
    ASSESSMENT = "assessment", _("考核清单")


class ProblemSource(models.TextChoices):
    MONTHLY = "monthly", _("月调度")
    HALF_YEAR = "half_year", _("半年督查")
    OBSERVATION = "observation", _("观摩评议")
    OTHER = "other", _("其他")


class ItemStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    DONE = "done", _("已完成")
    CLOSED = "closed", _("已销号")


class Appraisal(models.TextChoices):
    GOOD = "good", _("好")
    FAIRLY_GOOD = "fairly_good", _("较好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("差")


# ===================================================================== rubrics and scoring
class SubjectKind(models.TextChoices):
    AREA = "area", _("区域（社区、小区等）")
    ORG = "org", _("党组织")


class IndicatorSource(models.TextChoices):
    """Where an indicator's value comes from: a computed metric (``assessments.metrics``)
    or a reviewer's score."""

    ACTIVITY_COMPLIANCE = "activity_compliance", _("组织生活合规率")
    MEMBER_REPORTING = "member_reporting", _("在职党员报到率")
    SERVICE_HOURS = "service_hours", _("人均服务时长")
    WISH_FULFILMENT = "wish_fulfilment", _("微心愿完成率")
    WISH_SATISFACTION = "wish_satisfaction", _("微心愿满意率")
    REQUEST_RATES = "request_rates", _("居民诉求三率")
    WHISTLE_RATES = "whistle_rates", _("吹哨报到三率")
    CHECKLIST_COMPLETION = "checklist_completion", _("清单完成率")
    RECTIFICATION_CLOSURE = "rectification_closure", _("整改销号率")
    GRID_COVERAGE = "grid_coverage", _("网格覆盖率")
    MANUAL = "manual", _("评审人打分")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("月度")
    QUARTER = "quarter", _("季度")
    YEAR = "year", _("年度")


class StarMethod(models.TextChoices):
    THRESHOLD = "threshold", _("按分数线")
    QUOTA = "quota", _("按比例分配")


class RunState(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("计算中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
