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
