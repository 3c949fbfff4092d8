"""Kinds of designations (示范点 and 星级党支部)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class DesignationKind(models.TextChoices):
    DEMO_BRANCH = "demo_branch", _("示范党支部")
    DEMO_COMMUNITY = "demo_community", _("示范社区")
    DEMO_CENTRE = "demo_centre", _("示范党群服务中心")
    STAR_BRANCH = "star_branch", _("星级党支部")
    OTHER = "other", _("示范点")


# What each kind designates: a party organization, an area or a service centre.
ORG_KINDS = (DesignationKind.DEMO_BRANCH, DesignationKind.STAR_BRANCH)
AREA_KINDS = (DesignationKind.DEMO_COMMUNITY,)
CENTRE_KINDS = (DesignationKind.DEMO_CENTRE,)
# The dashboard's "demonstration sites": every current designation but branches' own.
SITE_KINDS = (DesignationKind.DEMO_COMMUNITY, DesignationKind.DEMO_CENTRE, DesignationKind.OTHER)
STARS = (1, 2, 3, 4, 5)


class DesignationState(models.TextChoices):
    CURRENT = "current", _("有效")
    PENDING = "pending", _("尚未生效")
    EXPIRED = "expired", _("已过期")
    REVOKED = "revoked", _("已撤销")
