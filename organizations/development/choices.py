"""Choices of 发展党员: the five stages, the kinds of step, the units of an interval."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """The five stages of the 2014 工作细则 (灯塔's "5 stages"), named by who the person is."""

    APPLICANT = "applicant", _("入党申请人")
    ACTIVIST = "activist", _("入党积极分子")
    CANDIDATE = "candidate", _("发展对象")
    PROBATIONARY = "probationary", _("预备党员")
    FULL = "full", _("正式党员")


STAGE_ORDER = {stage: i for i, stage in enumerate(Stage.values)}
OPEN_STAGES = (Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE, Stage.PROBATIONARY)

# The section titles of the five stages (as 细则 chapters 2–6 name them).
STAGE_TITLES = {
    Stage.APPLICANT: _("申请入党"),
    Stage.ACTIVIST: _("入党积极分子的确定和培养教育"),
    Stage.CANDIDATE: _("发展对象的确定和考察"),
    Stage.PROBATIONARY: _("预备党员的接收"),
    Stage.FULL: _("预备党员的教育考察和转正"),
}


class StepKind(models.TextChoices):
    """What a step records besides its date and note."""

    PLAIN = "plain", _("一般环节")
    APPLICATION = "application", _("递交申请")
    CONTACTS = "contacts", _("指定培养联系人")
    SPONSORS = "sponsors", _("确定入党介绍人")
    TRAINING = "training", _("集中培训")
    NOTICE = "notice", _("公示")
    VOTE = "vote", _("支部大会表决")
    ADMIT = "admit", _("审批接收预备党员")
    CONFIRM = "confirm", _("审批转为正式党员")


class IntervalUnit(models.TextChoices):
    DAYS = "days", _("天")
    WORKING_DAYS = "working_days", _("个工作日")
    MONTHS = "months", _("个月")
