"""Choices of one-table reports (一表通): the report's workflow, the subject levels, the types
of a new field, and who defines and who fills."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.figures.choices import FigureLevel
from assessments.scoring.choices import PeriodKind  # noqa: F401 (a report's and a field's period kind)
from dangjian.workflow import Workflow
from organizations.grants.choices import MANAGE_ROLES, Role


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    CLOSED = "closed", _("已关闭")


class ReportAction(models.TextChoices):
    PUBLISH = "publish", _("发布")
    CLOSE = "close", _("关闭")


REPORT_ACTIONS = {
    ReportAction.PUBLISH: (frozenset({ReportStatus.DRAFT}), ReportStatus.PUBLISHED),
    ReportAction.CLOSE: (frozenset({ReportStatus.PUBLISHED}), ReportStatus.CLOSED),
}
REPORT_WORKFLOW = Workflow(ReportStatus, REPORT_ACTIONS, rules="assessments.reports.permissions.REPORT_RULES")
REPORT_TRANSITIONS = REPORT_WORKFLOW.table
# a report asks its subjects (and its fields may be filled) while published
ASKING_STATUSES = (ReportStatus.PUBLISHED,)

# what a report is about: areas of one level, or party organizations of one category
SUBJECT_LEVELS = (FigureLevel.COMMUNITY, FigureLevel.COMPOUND, FigureLevel.STREET, FigureLevel.ORG)
SUBJECT_LEVEL_CHOICES = [(level.value, level.label) for level in SUBJECT_LEVELS]


class FieldType(models.TextChoices):
    INTEGER = "integer", _("整数")
    DECIMAL = "decimal", _("数值（可带小数）")
    TEXT = "text", _("文字")
    YES_NO = "yes_no", _("是/否")
    CHOICE = "choice", _("单选（从选项中选一项）")


NUMBER_TYPES = (FieldType.INTEGER, FieldType.DECIMAL, FieldType.YES_NO)

# who defines reports (a district or a street, over its subtree) and who fills their fields
DEFINE_ROLES = frozenset({Role.ADMIN, Role.DISTRICT, Role.STREET})
FILL_ROLES = frozenset(MANAGE_ROLES)
# a report of more cells than this is computed in the background (the outbox), not inline
INLINE_CELLS = 2000
