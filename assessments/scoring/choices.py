from django.db import models
from django.utils.translation import gettext_lazy as _


# ===================================================================== rubrics and scoring
class SubjectKind(models.TextChoices):
    AREA = "area", _("区域（社区、小区等）")
    ORG = "org", _("党组织")


class IndicatorSource(models.TextChoices):
    """Where an indicator's value comes from: a computed metric (``assessments.scoring.metrics``)
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
    DUES_PAID = "dues_paid", _("党费收缴率")
    DEVELOPMENT_ON_TIME = "development_on_time", _("发展党员按期率")
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
