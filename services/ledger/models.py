"""Records shared by the services to residents.  ``ServiceRecord`` is the one ledger of a
member's service hours ("fill once"): attended service activities, fulfilled wishes and
accepted requests each add one row, keyed by their source so re-recording is harmless."""

from datetime import date

from django.db import models
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from dangjian.derived import narrowed, upsert_select
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

    def save(self, *args, **kwargs):
        """One row written (a factory, the admin, ``update_or_create``): its member's yearly
        totals follow.  Bulk writes refresh them themselves (``services.ledger.actions``)."""
        super().save(*args, **kwargs)
        MemberYearHours.objects.refresh(member_ids=[self.member_id])

    def delete(self, *args, **kwargs):
        member_id = self.member_id
        result = super().delete(*args, **kwargs)
        MemberYearHours.objects.refresh(member_ids=[member_id])
        return result


class MemberYearHoursManager(models.Manager):
    def refresh(self, *, member_ids=None, years=None) -> None:
        """Recompute the yearly totals from the ledger, set-based: for the given members (all
        when None) and years (every year they have records or totals in, when None), per year
        one ``INSERT … SELECT … GROUP BY member`` that upserts the sums
        (``dangjian.derived.upsert_select``) and one DELETE of the totals left without records."""
        found = narrowed(member_ids, ServiceRecord.objects.all(), self.get_queryset())
        if found is None:
            return
        records, kept = found
        if years is None:
            years = {d.year for d in records.order_by().dates("occurred_on", "year")}
            years |= set(kept.order_by().values_list("year", flat=True).distinct())
        for year in sorted(set(years)):
            in_year = records.filter(occurred_on__gte=date(year, 1, 1), occurred_on__lte=date(year, 12, 31)).order_by()
            sums = in_year.values("member_id").annotate(total=Sum("hours")).values_list("member_id", "total")
            upsert_select(self.model, sums, ["member_id", "hours"], unique=["member_id", "year"], constants={"year": year})
            kept.filter(year=year).exclude(member_id__in=in_year.values("member_id")).delete()


class MemberYearHours(models.Model):
    """A member's service hours of one calendar year: the sum of their ``ServiceRecord`` rows
    dated in it, kept by ``services.ledger.actions`` whenever the ledger changes (never
    written elsewhere).  Pages that rank or count members by their year's hours (the
    service-hours list, the 双报到 figures) read one row per member instead of summing every
    record of a city at each request."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="yearly_hours", verbose_name=_("党员"))
    year = models.PositiveSmallIntegerField(_("年度"))
    hours = models.DecimalField(_("时长（小时）"), max_digits=8, decimal_places=1)

    objects = MemberYearHoursManager()

    class Meta:
        verbose_name = _("党员年度服务时长")
        verbose_name_plural = _("党员年度服务时长")
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="member_year_hours_once")]
        indexes = [models.Index(fields=["year", "-hours"], name="member_year_hours_rank")]

    def __str__(self):
        return f"{self.member} {self.year}: {self.hours}h"
