from django.db import models
from django.utils.translation import gettext_lazy as _


class Open311Key(models.Model):
    """An api_key for POSTing service requests through Open311 (stored as a keyed hash)."""

    name = models.CharField(_("接入方"), max_length=100)
    key_hash = models.CharField(_("密钥摘要"), max_length=64, unique=True)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 接入密钥")
        verbose_name_plural = _("Open311 接入密钥")

    def __str__(self):
        return self.name
