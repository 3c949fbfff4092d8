from django.db import models
from django.utils.translation import gettext_lazy as _


class RevokeReason(models.TextChoices):
    OWNER = "owner", _("本人撤销")
    ADMIN = "admin", _("管理员撤销")
    LOGOUT = "logout", _("退出登录")
    PASSWORD = "password", _("密码已更改")
    DEACTIVATED = "deactivated", _("账户已停用")
