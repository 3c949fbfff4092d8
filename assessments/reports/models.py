"""One-table reports (一表通): a report a district or a street defines over the subjects of its
subtree, its columns (catalogue figures or new fields), the new fields defined once and their
values filled once per subject and period, and the cells the portal computes.

* ``Report`` — who asks (``area``: the district or street defining it, ``created_by``), what
  about (``subject_level``: communities, compounds, streets, or party organizations of one
  category, inside ``within``, optionally only inside some areas ``only_in``), for which
  period, the fields' due date; draft → published → closed (``choices.REPORT_ACTIONS``).
* ``ReportColumn`` — a catalogue figure (code + parameters) or a ``ReportField``.
* ``ReportField`` — a value the catalogue lacks: its type, unit, the level that fills it and
  its period kind; defined once in a tree and reused by every later report.
* ``FieldValue`` — one subject's value of a field for one period: unique, so a second report
  reads it instead of asking again.
* ``ReportCell`` — derived: the value of a column for a subject, upserted by the compute
  action; a field's cell also says whether it is filled, by whom and when.
"""
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.reports.choices import (
    ASKING_STATUSES,
    DEFINE_ROLES,
    FILL_ROLES,
    REPORT_WORKFLOW,
    SUBJECT_LEVEL_CHOICES,
    FieldType,
    PeriodKind,
    ReportStatus,
)
from dangjian import trees
from dangjian.models import StatusEvent, status_fields
from dangjian.scoping import ScopedQuerySet
from organizations.areas.models import Area
from organizations.orgs.choices import OrgCategory
from organizations.orgs.models import PartyOrg

NAME_MAX = 100


def _define_side_q(scope, path="area") -> Q:
    """The defining node lies in a defining role's subtree (the definer and those above it),
    or a defining role's node lies in its subtree (a street cadre sees its district's reports)."""
    ranges = scope.areas_for(DEFINE_ROLES)
    q = trees.ranges_q(ranges, path)
    for r in ranges:
        q |= trees.ancestors_q(r, path)
    return q


class ReportQuerySet(ScopedQuerySet):
    def scope_q(self, scope, user):
        """The definer's tree (see ``_define_side_q``), and the published or closed reports
        asking something of a subject the user covers (a community cadre sees only those)."""
        asked = ReportCell.objects.filter(report=OuterRef("pk"), column__field__isnull=False).filter(
            trees.ranges_q(scope.areas_for(FILL_ROLES), "place"))
        return _define_side_q(scope) | (Q(status__in=(ReportStatus.PUBLISHED, ReportStatus.CLOSED)) & Exists(asked))

    def asking(self):
        return self.filter(status__in=ASKING_STATUSES)


class Report(models.Model):
    name = models.CharField(_("报表名称"), max_length=NAME_MAX)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="reports_defined",
                             verbose_name=_("制表单位（区域）"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("制表人"))
    subject_level = models.CharField(_("填报对象"), max_length=16, choices=SUBJECT_LEVEL_CHOICES)
    org_category = models.CharField(_("党组织类型"), max_length=24, choices=OrgCategory.choices, blank=True)
    within = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="reports_within",
                               verbose_name=_("统计范围"))
    only_in = models.ManyToManyField(Area, blank=True, related_name="+", verbose_name=_("仅限以下区域"))
    period_kind = models.CharField(_("统计周期"), max_length=8, choices=PeriodKind.choices)
    period_key = models.CharField(_("统计期"), max_length=8)
    due_on = models.DateField(_("填报截止日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    computing_since = models.DateTimeField(_("后台计算开始"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ReportQuerySet.as_manager()
    workflow = REPORT_WORKFLOW

    class Meta:
        verbose_name = _("报表")
        verbose_name_plural = _("报表")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "published_at"], name="report_status_published")]

    def __str__(self):
        return self.name

    def make_event(self, *, actor, from_status, to_status, note=""):
        return ReportEvent.of(report=self, actor=actor, from_status=from_status, to_status=to_status, note=note)

    @property
    def period(self):
        from assessments.scoring import periods

        return periods.parse(self.period_key)


class ReportEvent(StatusEvent):
    subject = "report"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events", verbose_name=_("报表"))
    from_status, to_status = status_fields(ReportStatus.choices)

    class Meta(StatusEvent.Meta):
        verbose_name = _("报表记录")
        verbose_name_plural = _("报表记录")


class ReportFieldQuerySet(ScopedQuerySet):
    def scope_q(self, scope, user):
        """A field defined in the user's tree: by a node above or below the user's grant."""
        return _define_side_q(scope) | trees.ranges_q(scope.areas_for(FILL_ROLES), "area") | Q(
            pk__in=ReportColumn.objects.filter(report__in=Report.objects.visible_to(user)).values("field_id"))


class ReportField(models.Model):
    """A new field: a value the catalogue cannot compute, typed once per subject and period."""

    name = models.CharField(_("字段名称"), max_length=NAME_MAX)
    definition = models.CharField(_("定义（填报口径）"), max_length=500)
    value_type = models.CharField(_("数据类型"), max_length=8, choices=FieldType.choices, default=FieldType.INTEGER)
    choices_text = models.CharField(_("选项"), max_length=500, blank=True, help_text=_("单选字段的选项，每行一项。"))
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    fill_level = models.CharField(_("填报层级"), max_length=16, choices=SUBJECT_LEVEL_CHOICES)
    period_kind = models.CharField(_("填报周期"), max_length=8, choices=PeriodKind.choices, default=PeriodKind.YEAR)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="report_fields",
                             verbose_name=_("定义单位（区域）"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("定义人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ReportFieldQuerySet.as_manager()

    class Meta:
        verbose_name = _("报表字段")
        verbose_name_plural = _("报表字段")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="report_field_name_per_area")]

    def __str__(self):
        return f"{self.name}（{self.unit}）" if self.unit else self.name

    @property
    def options(self) -> list[str]:
        return [line.strip() for line in self.choices_text.splitlines() if line.strip()]


class ReportColumn(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="columns", verbose_name=_("报表"))
    position = models.PositiveSmallIntegerField(_("列序"))
    figure_code = models.CharField(_("指标代码"), max_length=64, blank=True)
    params = models.JSONField(_("指标参数"), default=dict, blank=True)
    field = models.ForeignKey(ReportField, null=True, blank=True, on_delete=models.PROTECT, related_name="columns",
                              verbose_name=_("报表字段"))
    label = models.CharField(_("列名"), max_length=NAME_MAX, blank=True)

    class Meta:
        verbose_name = _("报表列")
        verbose_name_plural = _("报表列")
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "position"], name="report_column_position"),
            models.CheckConstraint(
                condition=(Q(field__isnull=True) & ~Q(figure_code="")) | (Q(field__isnull=False) & Q(figure_code="")),
                name="report_column_figure_or_field"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_field(self) -> bool:
        return self.field_id is not None

    @property
    def figure(self):
        from assessments.figures import catalogue

        return None if self.is_field else catalogue.CATALOGUE.get(self.figure_code)

    @property
    def title(self) -> str:
        if self.label:
            return self.label
        if self.is_field:
            return self.field.name
        figure = self.figure
        return figure.name if figure else self.figure_code


class FieldValueQuerySet(ScopedQuerySet):
    def scope_q(self, scope, user):
        ranges = scope.areas_for(FILL_ROLES)
        return (trees.ranges_q(ranges, "area") | trees.ranges_q(ranges, "org__area")
                | trees.ranges_q(scope.orgs_for(FILL_ROLES), "org") | Q(field__in=ReportField.objects.visible_to(user)))


class FieldValue(models.Model):
    """One subject's value of a field for one period (the field's period kind): filled once."""

    field = models.ForeignKey(ReportField, on_delete=models.PROTECT, related_name="values", verbose_name=_("报表字段"))
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("区域"))
    org = models.ForeignKey(PartyOrg, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                            verbose_name=_("党组织"))
    period_key = models.CharField(_("统计期"), max_length=8)
    number = models.DecimalField(_("数值"), max_digits=16, decimal_places=4, null=True, blank=True)
    text = models.CharField(_("文字"), max_length=500, blank=True)
    filled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("填报人"))
    filled_at = models.DateTimeField(_("填报时间"), default=timezone.now)

    objects = FieldValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("填报值")
        verbose_name_plural = _("填报值")
        constraints = [
            models.UniqueConstraint(fields=["field", "area", "period_key"], condition=Q(area__isnull=False),
                                    name="field_value_area_once"),
            models.UniqueConstraint(fields=["field", "org", "period_key"], condition=Q(org__isnull=False),
                                    name="field_value_org_once"),
            models.CheckConstraint(condition=Q(area__isnull=True) ^ Q(org__isnull=True), name="field_value_one_subject"),
        ]

    def __str__(self):
        return f"{self.field_id} {self.area_id or self.org_id} {self.period_key}"

    @property
    def subject_id(self) -> int:
        return self.area_id or self.org_id


class ReportCellQuerySet(ScopedQuerySet):
    def scope_q(self, scope, user):
        """Every cell of a report defined in the user's tree; of a report asking the user,
        only the cells of the subjects the user covers (another community's are not its own)."""
        defined = Report.objects.filter(_define_side_q(scope)).values("pk")
        own = trees.ranges_q(scope.areas_for(FILL_ROLES), "place") & Q(
            report__in=Report.objects.visible_to(user).values("pk"))
        return Q(report__in=defined) | own


class ReportCell(models.Model):
    """Derived: a column's value for a subject, as last computed.  ``place`` is the community
    holding the subject (the street itself for a street subject); ``value_key`` the period of
    a field's value; a field's cell says whether it was filled, by whom and when."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="cells", verbose_name=_("报表"))
    column = models.ForeignKey(ReportColumn, on_delete=models.CASCADE, related_name="cells", verbose_name=_("报表列"))
    subject_id = models.PositiveBigIntegerField(_("填报对象"))
    place = models.ForeignKey(Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("所在社区"))
    number = models.DecimalField(_("数值"), max_digits=16, decimal_places=4, null=True, blank=True)
    text = models.CharField(_("文字"), max_length=500, blank=True)
    url = models.CharField(_("记录链接"), max_length=500, blank=True)
    value_key = models.CharField(_("填报期"), max_length=8, blank=True)
    filled = models.BooleanField(_("已填报"), default=False)
    filled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("填报人"))
    filled_at = models.DateTimeField(_("填报时间"), null=True, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now)

    objects = ReportCellQuerySet.as_manager()

    class Meta:
        verbose_name = _("报表单元格")
        verbose_name_plural = _("报表单元格")
        constraints = [models.UniqueConstraint(fields=["report", "column", "subject_id"], name="report_cell_once")]
        indexes = [
            models.Index(fields=["report", "subject_id"], name="report_cell_subject"),
            models.Index(fields=["place", "computed_at"], name="report_cell_place_computed"),
        ]

    def __str__(self):
        return f"{self.report_id}/{self.column_id}/{self.subject_id}"
