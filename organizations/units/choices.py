from django.db import models
from django.utils.translation import gettext_lazy as _


class ResidentUnitKind(models.TextChoices):
    ORGAN = "organ", _("党政机关")
    INSTITUTION = "institution", _("事业单位")
    STATE_ENTERPRISE = "state_enterprise", _("国有企业")
    PRIVATE_ENTERPRISE = "private_enterprise", _("非公企业")
    SOCIAL_ORGANIZATION = "social_org", _("社会组织")
    SCHOOL = "school", _("学校")
    HOSPITAL = "hospital", _("医院")
    OTHER = "other", _("其他")
    PROPERTY = "property", _("物业服务企业")
