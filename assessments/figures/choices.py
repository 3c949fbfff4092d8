from django.db import models
from django.utils.translation import gettext_lazy as _

# Sources of counts that are figures but not scored indicators (``assessments.scoring``
# scores ratios; a report or a checklist item also reads plain counts).
COUNT_ACTIVITIES = "activity_count"
COUNT_MEMBERS = "member_count"
MONTHS_ACTIVITIES = "activity_months"  # months of the period with at least one activity (a frequency)


class FigureLevel(models.TextChoices):
    """What a figure is computed for: areas of one level or party organizations."""

    DISTRICT = "district", _("区")
    STREET = "street", _("街道")
    COMMUNITY = "community", _("社区")
    COMPOUND = "compound", _("小区")
    ORG = "org", _("党组织")


class Measure(models.TextChoices):
    COUNT = "count", _("计数")
    SUM = "sum", _("合计")
    RATIO = "ratio", _("比率")
    AVERAGE = "average", _("平均")
