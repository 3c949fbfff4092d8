"""Choices of 党费 (dues): the categories of the 2008 rules, the kinds of ledger rows, and
how a month of the branch's sheet shows."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class DuesCategory(models.TextChoices):
    IN_SERVICE = "in_service", _("在职")
    RETIRED = "retired", _("离退休")
    STUDENT = "student", _("学生")
    UNEMPLOYED = "unemployed", _("失业、无固定收入")
    LOW_INCOME = "low_income", _("领取低保、生活困难")
    FARMER = "farmer", _("农民")


# Categories whose amount depends on the declared monthly after-tax base.
BASED_CATEGORIES = (DuesCategory.IN_SERVICE, DuesCategory.RETIRED)


class PaymentKind(models.TextChoices):
    PAID = "paid", _("按月交纳")
    ADVANCE = "advance", _("预交（多月）")
    LATE = "late", _("补缴")
    EXEMPT = "exempt", _("免交")


# Kinds that are money received (exempt is a covered month with nothing paid).
PAID_KINDS = (PaymentKind.PAID, PaymentKind.ADVANCE, PaymentKind.LATE)


class MonthStatus(models.TextChoices):
    """A member's month on the branch's sheet (derived, never stored)."""

    PAID = "paid", _("已交")
    ADVANCE = "advance", _("已预交")
    LATE = "late", _("已补缴")
    EXEMPT = "exempt", _("免交")
    DUE = "due", _("未交")
    NOT_DUE = "not_due", _("无需交纳")


# Consecutive months unpaid that 党章第九条 treats as leaving the party (the portal flags, people decide).
LAPSE_MONTHS = 6
# Back payments (补缴) generally cover at most this many months (2008 rules).
MAX_BACK_MONTHS = 6
# How many months one advance payment may cover at most (a year).
MAX_ADVANCE_MONTHS = 12

AUDIT_VERBS = {
    "dues.base_declare": _("申报党费基数"),
    "dues.payment_record": _("登记党费"),
    "dues.payment_exempt": _("登记免交党费"),
    "dues.payment_delete": _("删除党费记录"),
    "dues.import": _("导入党费"),
}
