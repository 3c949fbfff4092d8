"""The burden meter's store: values typed by hand, tallied per area, month, channel and source."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.burden.choices import Channel
from dangjian.scoping import InArea, ScopedQuerySet
from organizations.areas.models import Area


class EntryTallyQuerySet(ScopedQuerySet):
    scope_paths = (InArea("area"),)


class EntryTally(models.Model):
    """How many values the people working at ``area`` (a community; a street or district for
    their own cadres) typed by hand in one month, through one channel and one source (the
    page's URL name, the import kind).  Written only by ``actions.tally_add``: one upsert
    adding to ``count``."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+", verbose_name=_("区域"))
    month = models.DateField(_("月份"), help_text=_("该月第一天（北京时间）"))
    channel = models.CharField(_("录入方式"), max_length=8, choices=Channel.choices)
    source = models.CharField(_("来源"), max_length=100, blank=True)
    count = models.PositiveIntegerField(_("手工录入数"), default=0)
    updated_at = models.DateTimeField(_("更新时间"))

    objects = EntryTallyQuerySet.as_manager()

    class Meta:
        verbose_name = _("手工录入统计")
        verbose_name_plural = _("手工录入统计")
        constraints = [
            models.UniqueConstraint(fields=["area", "month", "channel", "source"], name="entry_tally_once"),
        ]

    def __str__(self):
        return f"{self.area_id} {self.month:%Y-%m} {self.channel} {self.source}: {self.count}"
