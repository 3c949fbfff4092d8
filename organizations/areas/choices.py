"""Choices, role groups and rule tables for the organizations app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.IntegerChoices):
    CITY = 1, _("市")
    DISTRICT = 2, _("区")
    STREET = 3, _("街道")
    COMMUNITY = 4, _("社区")
    COMPOUND = 5, _("小区")
    BUILDING = 6, _("楼栋")
    ENTRANCE = 7, _("单元")


# Levels a tree may start at (a city deployment, or a single district's).
ROOT_LEVELS = (AreaLevel.CITY, AreaLevel.DISTRICT)


class BuildingUse(models.TextChoices):
    RESIDENTIAL = "residential", _("住宅楼")
    COMMERCIAL = "commercial", _("商务楼宇")
    MIXED = "mixed", _("商住混合")
