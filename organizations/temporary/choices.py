"""临时党支部: what a temporary branch is set up for, when it is due for dissolution."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.grants.choices import MANAGE_ROLES

# who sets up, seconds members to and dissolves temporary branches (and is reminded)
TEMPORARY_ROLES = MANAGE_ROLES
# a branch within this many days of its expected end (or past it) is due for dissolution
DUE_WITHIN_DAYS = 30


class TemporaryPurpose(models.TextChoices):
    MAJOR_PROJECT = "major_project", _("重大工程")
    SPECIAL_TASK = "special_task", _("专项任务")
    TRAINING = "training", _("培训班")
    MOBILE = "mobile", _("流动党员集中")
    OTHER = "other", _("其他")


class TemporaryStatus(models.TextChoices):
    OPEN = "open", _("运行中")
    DUE = "due", _("待撤销")
    DISSOLVED = "dissolved", _("已撤销")
