from django.utils.translation import gettext_lazy as _

# The audit verbs of 账号管理, as the account's page names them.
AUDIT_VERBS = {
    "account.create": _("创建账号"),
    "account.grant": _("授予角色"),
    "account.revoke": _("撤销授权"),
    "account.password_reset": _("重置密码"),
    "account.deactivate": _("停用账号"),
    "account.reactivate": _("启用账号"),
}
