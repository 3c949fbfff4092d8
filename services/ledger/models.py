"""Records shared by the services to residents.  ``ServiceRecord`` is the one ledger of a
member's service hours ("fill once"): attended service activities, fulfilled wishes and
accepted requests each add one row, keyed by their source so re-recording is harmless."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.scoping import ScopedQuerySet, Through
from organizations.members.models import Member


class ServiceSource(models.TextChoices):
    ACTIVITY = "activity", _("组织生活/志愿服务活动")
    WISH = "wish", _("微心愿")
    REQUEST = "request", _("居民诉求")


class ServiceRecordQuerySet(ScopedQuerySet):
    scope_paths = (Through("member"),)


class ServiceRecord(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="service_records", verbose_name=_("党员"))
    source = models.CharField(_("来源"), max_length=16, choices=ServiceSource.choices)
    source_id = models.PositiveBigIntegerField(_("来源记录编号"))
    hours = models.DecimalField(_("时长（小时）"), max_digits=5, decimal_places=1)
    occurred_on = models.DateField(_("服务日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = ServiceRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务时长记录")
        verbose_name_plural = _("服务时长记录")
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id", "member"], name="service_record_once_per_source"),
        ]
        indexes = [
            # the hours of a member (or of every member of a subtree) in a period: an index-only
            # scan, the sum read from the index (the reporting summary, the service-hour pages)
            models.Index(fields=["member", "occurred_on"], name="service_member_date", include=["hours"]),
        ]

    def __str__(self):
        return f"{self.member} {self.hours}h ({self.get_source_display()})"
