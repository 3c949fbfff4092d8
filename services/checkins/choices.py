from django.db import models
from django.utils.translation import gettext_lazy as _


# ================================================================ 双报到 (reporting in)
class AgreementStatus(models.TextChoices):
    ACTIVE = "active", _("共建中")
    ENDED = "ended", _("已结束")
