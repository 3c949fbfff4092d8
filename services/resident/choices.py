from django.db import models
from django.utils.translation import gettext_lazy as _


class WishRating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Satisfaction(models.TextChoices):
    """The three answers used for 满意率 (wishes use ``WishRating`` with the same values)."""

    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")
