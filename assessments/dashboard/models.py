from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.areas.models import Area


class AreaRollup(models.Model):
    """Dashboard figures of one area's subtree for one period, refreshed by Celery
    (``assessments.dashboard.rollups``) and after each scoring run.  ``figures`` holds the numbers
    the dashboard charts read; ``computed_at`` is shown on the page."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="rollups", verbose_name=_("区域"))
    period_key = models.CharField(_("周期"), max_length=10)
    figures = models.JSONField(_("指标数据"), default=dict)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("看板汇总")
        verbose_name_plural = _("看板汇总")
        constraints = [models.UniqueConstraint(fields=["area", "period_key"], name="rollup_once_per_period")]

    def __str__(self):
        return f"{self.area_id} {self.period_key}"
