"""Choices, transition tables and status groups of the services app (micro-wishes)."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.workflow import Workflow


class WishKind(models.TextChoices):
    MATERIAL = "material", _("物质")
    SPIRITUAL = "spiritual", _("精神")


class WishStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    PUBLISHED = "published", _("待认领")
    REJECTED = "rejected", _("未通过")
    CLAIMED = "claimed", _("已认领")
    FULFILLED = "fulfilled", _("已完成")
    RATED = "rated", _("已评价")
    CANCELLED = "cancelled", _("已取消")


class ClaimantKind(models.TextChoices):
    MEMBER = "member", _("党员")
    ORG = "org", _("党组织")


class WishAction(models.TextChoices):
    """The use cases that change a wish's status (one action function each)."""

    SUBMIT = "submit", _("提交")
    PUBLISH = "publish", _("审核通过并发布")
    REJECT = "reject", _("审核不通过")
    CLAIM = "claim", _("认领")
    RELEASE = "release", _("释放认领")
    FULFIL = "fulfil", _("完成")
    RATE = "rate", _("评价")
    CANCEL = "cancel", _("取消")


# Each action: the statuses it starts from → the status it leads to.  ``release`` takes a
# claimed wish back to the wall before fulfilment; a wish can be cancelled until fulfilled.
WISH_ACTIONS = {
    WishAction.PUBLISH: (frozenset({WishStatus.SUBMITTED}), WishStatus.PUBLISHED),
    WishAction.REJECT: (frozenset({WishStatus.SUBMITTED}), WishStatus.REJECTED),
    WishAction.CLAIM: (frozenset({WishStatus.PUBLISHED}), WishStatus.CLAIMED),
    WishAction.RELEASE: (frozenset({WishStatus.CLAIMED}), WishStatus.PUBLISHED),
    WishAction.FULFIL: (frozenset({WishStatus.CLAIMED}), WishStatus.FULFILLED),
    WishAction.RATE: (frozenset({WishStatus.FULFILLED}), WishStatus.RATED),
    WishAction.CANCEL: (
        frozenset({WishStatus.SUBMITTED, WishStatus.PUBLISHED, WishStatus.CLAIMED}), WishStatus.CANCELLED,
    ),
}


# Allowed status changes: from → to (derived from the actions, so they cannot disagree).
WISH_WORKFLOW = Workflow(WishStatus, WISH_ACTIONS, rules="services.wishes.permissions.WISH_RULES")
WISH_TRANSITIONS = WISH_WORKFLOW.table

# Clear refusals for what people try most, by (action, current status); the others get
# “该心愿当前为“…”，不能…”.
WISH_REFUSALS = {
    (WishAction.CLAIM, WishStatus.CLAIMED): _("该心愿已被认领，不能重复认领。"),
    (WishAction.CLAIM, WishStatus.FULFILLED): _("该心愿已经完成，不能再认领。"),
    (WishAction.CLAIM, WishStatus.RATED): _("该心愿已经完成，不能再认领。"),
    (WishAction.CLAIM, WishStatus.SUBMITTED): _("该心愿尚未通过审核，暂不能认领。"),
    (WishAction.CLAIM, WishStatus.CANCELLED): _("该心愿已取消，不能认领。"),
    (WishAction.CLAIM, WishStatus.REJECTED): _("该心愿未通过审核，不能认领。"),
    (WishAction.PUBLISH, WishStatus.PUBLISHED): _("该心愿已经发布。"),
    (WishAction.PUBLISH, WishStatus.CLAIMED): _("该心愿已发布并已被认领。"),
    (WishAction.REJECT, WishStatus.REJECTED): _("该心愿已经审核不通过。"),
    (WishAction.RELEASE, WishStatus.PUBLISHED): _("该心愿目前没有人认领，无需释放。"),
    (WishAction.RELEASE, WishStatus.FULFILLED): _("该心愿已经完成，不能释放认领。"),
    (WishAction.RELEASE, WishStatus.RATED): _("该心愿已经完成，不能释放认领。"),
    (WishAction.FULFIL, WishStatus.PUBLISHED): _("该心愿还没有人认领，不能标记完成。"),
    (WishAction.FULFIL, WishStatus.FULFILLED): _("该心愿已经完成。"),
    (WishAction.FULFIL, WishStatus.RATED): _("该心愿已经完成。"),
    (WishAction.RATE, WishStatus.RATED): _("该心愿已经评价过了。"),
    (WishAction.RATE, WishStatus.CLAIMED): _("心愿完成后才能评价。"),
    (WishAction.RATE, WishStatus.PUBLISHED): _("心愿完成后才能评价。"),
    (WishAction.RATE, WishStatus.SUBMITTED): _("心愿完成后才能评价。"),
    (WishAction.CANCEL, WishStatus.CANCELLED): _("该心愿已经取消。"),
    (WishAction.CANCEL, WishStatus.FULFILLED): _("该心愿已经完成，不能取消。"),
    (WishAction.CANCEL, WishStatus.RATED): _("该心愿已经完成，不能取消。"),
}

DONE_STATUSES = (WishStatus.FULFILLED, WishStatus.RATED)
CLOSED_STATUSES = (WishStatus.FULFILLED, WishStatus.RATED, WishStatus.REJECTED, WishStatus.CANCELLED)
WALL_STATUSES = (WishStatus.PUBLISHED,)
# The normal path, for the progress bar of the public status page.
WISH_PATH = (WishStatus.SUBMITTED, WishStatus.PUBLISHED, WishStatus.CLAIMED, WishStatus.FULFILLED, WishStatus.RATED)

# Service hours credited to a member for fulfilling a wish they claimed themselves.
WISH_SERVICE_HOURS = Decimal("1.0")
