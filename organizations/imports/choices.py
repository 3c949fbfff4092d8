from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.grants.choices import MANAGE_ROLES

# Who may import and export rosters.
IMPORT_ROLES = MANAGE_ROLES


class ImportKind(models.TextChoices):
    AREAS = "areas", _("区域树")
    MEMBERS = "members", _("党员名册")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("导入中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("未通过校验")
    ERROR = "error", _("出错")


FINISHED_IMPORT_STATUSES = (ImportStatus.SUCCEEDED, ImportStatus.FAILED, ImportStatus.ERROR)
