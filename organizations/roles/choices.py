"""Positions (职务), bodies (班子), posts and leader links of 交叉任职、一肩挑 and 领导联系社区."""
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class Body(models.TextChoices):
    PARTY_COMMITTEE = "party_committee", _("党组织委员会")
    RESIDENTS = "residents", _("居民委员会")
    OWNERS = "owners", _("业主委员会")
    PROPERTY = "property", _("物业服务企业")
    SUPERVISION = "supervision", _("村务监督委员会")
    WORKSTATION = "workstation", _("社区工作站")


class Post(models.TextChoices):
    SECRETARY = "secretary", _("书记")
    DEPUTY_SECRETARY = "deputy_secretary", _("副书记")
    COMMITTEE_MEMBER = "committee_member", _("委员")
    CHAIR = "chair", _("主任")
    DEPUTY_CHAIR = "deputy_chair", _("副主任")
    MEMBER = "member", _("成员")
    HEAD = "head", _("负责人")


# The posts each body has.
BODY_POSTS = {
    Body.PARTY_COMMITTEE: (Post.SECRETARY, Post.DEPUTY_SECRETARY, Post.COMMITTEE_MEMBER),
    Body.RESIDENTS: (Post.CHAIR, Post.DEPUTY_CHAIR, Post.COMMITTEE_MEMBER),
    Body.OWNERS: (Post.CHAIR, Post.DEPUTY_CHAIR, Post.COMMITTEE_MEMBER),
    Body.PROPERTY: (Post.HEAD, Post.MEMBER),
    Body.SUPERVISION: (Post.CHAIR, Post.MEMBER),
    Body.WORKSTATION: (Post.HEAD, Post.MEMBER),
}

# 交叉任职: a party-committee post together with a post in one of these bodies of the same community
CROSS_BODIES = (Body.RESIDENTS, Body.OWNERS, Body.PROPERTY)
# 一肩挑: the community party organization's secretary chairs one of these
CHAIRED_BODIES = (Body.RESIDENTS, Body.OWNERS)


class LinkKind(models.TextChoices):
    LIAISON = "liaison", _("领导联系社区")
    DEPARTMENT = "department", _("部门负责人联系社区")


DEFAULT_LIAISON_DAYS = Decimal("14.0")  # 黄石: two weeks a year in the linked community
DEFAULT_VISITS_PER_MONTH = 2
REMINDER_MONTHS = 6  # 换届 reminders this many months ahead
WINDOW_CHOICES = ((1, _("1个月内")), (3, _("3个月内")), (6, _("6个月内")))
