from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.scoping import ScopedQuerySet, Through
from grids.diary.choices import DIARY_WORKFLOW, ConversionTarget, DiaryCategory, DiaryKind, DiaryStatus
from grids.grids.models import Grid
from organizations.areas.models import Area


class DiaryEntryQuerySet(ScopedQuerySet):
    scope_paths = (Through("grid"),)


def diary_photo_path(instance, filename):
    return f"diary/{instance.grid_id}/{filename}"


class DiaryEntry(models.Model):
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="diary", verbose_name=_("网格"))
    building = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="diary_entries", verbose_name=_("楼栋")
    )
    household = models.CharField(_("户（门牌）"), max_length=50, blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=DiaryKind.choices, default=DiaryKind.VISIT)
    category = models.CharField(_("类别"), max_length=16, choices=DiaryCategory.choices)
    text = models.TextField(_("内容"), max_length=4000)
    photo = models.FileField(_("照片"), upload_to=diary_photo_path, blank=True)
    occurred_on = models.DateField(_("日期"))
    status = models.CharField(_("状态"), max_length=16, choices=DiaryStatus.choices, default=DiaryStatus.RECORDED)
    resolution = models.TextField(_("处理结果"), blank=True, max_length=2000)
    # Set when the problem became a resident request or a whistle.
    converted_to = models.CharField(_("转办为"), max_length=16, choices=ConversionTarget.choices, blank=True)
    converted_id = models.PositiveBigIntegerField(_("转办记录编号"), null=True, blank=True)
    converted_at = models.DateTimeField(_("转办时间"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="diary_entries",
        verbose_name=_("记录人"),
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = DiaryEntryQuerySet.as_manager()
    workflow = DIARY_WORKFLOW

    class Meta:
        verbose_name = _("民情日记")
        verbose_name_plural = _("民情日记")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["grid", "occurred_on"], name="diary_grid_date"),
            # the diary list, newest first: read backwards until a page is found, no sort of every entry
            models.Index(fields=["-occurred_on", "-id"], name="diary_date"),
        ]

    def __str__(self):
        return f"{self.occurred_on} {self.get_category_display()}"
