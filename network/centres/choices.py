"""Levels and facilities of the service centres (党群服务中心/站)."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.areas.choices import AreaLevel


class CentreLevel(models.TextChoices):
    DISTRICT = "district", _("区级党群服务中心")
    STREET = "street", _("街道党群服务中心")
    COMMUNITY = "community", _("社区党群服务站")
    COMPOUND = "compound", _("小区党群服务站")


# The level of the place a centre of each level serves (a street centre on a street, …).
AREA_LEVEL_OF = {
    CentreLevel.DISTRICT: AreaLevel.DISTRICT,
    CentreLevel.STREET: AreaLevel.STREET,
    CentreLevel.COMMUNITY: AreaLevel.COMMUNITY,
    CentreLevel.COMPOUND: AreaLevel.COMPOUND,
}
# Levels in the order of the tree (the coverage table's columns).
LEVELS = (CentreLevel.DISTRICT, CentreLevel.STREET, CentreLevel.COMMUNITY, CentreLevel.COMPOUND)


class Facility(models.TextChoices):
    ACTIVITY_ROOM = "activity_room", _("党员活动室")
    MEETING_ROOM = "meeting_room", _("会议室")
    READING_ROOM = "reading_room", _("图书阅览室")
    SERVICE_WINDOW = "service_window", _("便民服务窗口")
    DAY_CARE = "day_care", _("日间照料")
    CHILDREN = "children", _("儿童之家")
    LEGAL = "legal", _("法律服务室")
    COUNSELLING = "counselling", _("心理咨询室")
    FITNESS = "fitness", _("健身场地")
    VOLUNTEER = "volunteer", _("志愿服务站")


FACILITY_LABELS = dict(Facility.choices)


class MeetsStandard(models.TextChoices):
    """The list's filter on the floor-area standard."""

    YES = "yes", _("达标")
    NO = "no", _("未达标")
    NONE = "none", _("无适用标准")
