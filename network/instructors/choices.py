"""党建指导员: where instructors come from, what a visit was for, whom they serve."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.grants.choices import MANAGE_ROLES
from organizations.units.choices import ResidentUnitKind

# 两新组织: 非公企业 and 社会组织 (the coverage figures count these)
NEW_KINDS = (ResidentUnitKind.PRIVATE_ENTERPRISE, ResidentUnitKind.SOCIAL_ORGANIZATION)
# the units an instructor may be assigned to: 两新 and 物业服务企业
SERVED_KINDS = (*NEW_KINDS, ResidentUnitKind.PROPERTY)

# an assignment without a visit for this many days is behind
BEHIND_DAYS = 90

INSTRUCTOR_ROLES = MANAGE_ROLES


class InstructorSource(models.TextChoices):
    CADRE = "cadre", _("机关干部")
    RETIRED = "retired", _("退休党员")
    COMMUNITY_WORKER = "community_worker", _("社区工作者")
    FULL_TIME = "full_time", _("专职党务工作者")


class VisitKind(models.TextChoices):
    FOUNDING = "founding", _("指导建立组织")
    POLICY = "policy", _("政策宣讲")
    ORG_LIFE = "org_life", _("组织生活指导")
    DEVELOPMENT = "development", _("发展党员指导")
    OTHER = "other", _("其他")
