"""组织关系转接: a member's move from one branch to another (within the portal), out of the
portal with an introduction letter (介绍信), or into it from one; its history, and the letters."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian import trees
from dangjian.models import StatusEvent, status_fields
from dangjian.scoping import ScopedQuerySet
from organizations.members.models import Member
from organizations.orgs.models import PartyOrg
from organizations.transfers import rules
from organizations.transfers.choices import (
    TRANSFER_ROLES,
    TRANSFER_WORKFLOW,
    LetterDirection,
    TransferKind,
    TransferStatus,
)


def _org_side_q(scope, path: str) -> Q:
    """The organization at ``path`` lies in a granted organization's subtree or is anchored
    in a granted area (``Scope.covers_org`` as a ``Q``)."""
    return trees.ranges_q(scope.orgs_for(TRANSFER_ROLES), path) | trees.ranges_q(
        scope.areas_for(TRANSFER_ROLES), f"{path}__area")


class TransferQuerySet(ScopedQuerySet):
    def scope_q(self, scope, user):
        """The sending side sees a transfer through ``from_org``, the receiving side through
        ``to_org`` (either covers); a member sees their own."""
        return _org_side_q(scope, "from_org") | _org_side_q(scope, "to_org") | Q(member__user_id=user.pk)

    def pending(self):
        return self.filter(status=TransferStatus.PENDING)

    def overdue(self, today):
        return self.pending().filter(due_on__lt=today)


class Transfer(models.Model):
    # a member's transfers are part of their record (and go with it, as the demo's flush does)
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="transfers", verbose_name=_("党员"))
    kind = models.CharField(_("转接类型"), max_length=8, choices=TransferKind.choices, default=TransferKind.WITHIN)
    from_org = models.ForeignKey(
        PartyOrg, null=True, blank=True, on_delete=models.PROTECT, related_name="transfers_out",
        verbose_name=_("转出党组织"),
    )
    to_org = models.ForeignKey(
        PartyOrg, null=True, blank=True, on_delete=models.PROTECT, related_name="transfers_in",
        verbose_name=_("转入党组织"),
    )
    # out of the portal: the receiving organization's name; into it: the sending organization's
    outside_org = models.CharField(_("系统外党组织"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=TransferStatus.choices, default=TransferStatus.PENDING)
    reason = models.CharField(_("转接原因"), max_length=300, blank=True)
    started_at = models.DateTimeField(_("发起时间"), default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("发起人"),
    )
    due_on = models.DateField(_("接收期限"), null=True, blank=True)
    answered_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("办结人"),
    )
    return_reason = models.CharField(_("退回原因"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = TransferQuerySet.as_manager()
    workflow = TRANSFER_WORKFLOW

    class Meta:
        verbose_name = _("组织关系转接")
        verbose_name_plural = _("组织关系转接")
        ordering = ["-started_at", "-id"]
        constraints = [
            # a member has at most one transfer under way
            models.UniqueConstraint(fields=["member"], condition=Q(status="pending"), name="transfer_one_pending"),
        ]
        indexes = [
            models.Index(fields=["to_org", "status", "due_on"], name="transfer_to_status_due"),
            models.Index(fields=["from_org", "status", "due_on"], name="transfer_from_status_due"),
        ]

    def __str__(self):
        return f"{self.member_id} {self.get_kind_display()} {self.get_status_display()}"

    def make_event(self, *, actor, from_status, to_status, note=""):
        return TransferEvent.of(transfer=self, actor=actor, from_status=from_status, to_status=to_status, note=note)

    def is_overdue(self, today=None) -> bool:
        return rules.is_overdue(pending=self.status == TransferStatus.PENDING, due=self.due_on,
                                today=today or timezone.localdate())

    @property
    def from_label(self) -> str:
        return self.from_org.name if self.from_org_id else self.outside_org

    @property
    def to_label(self) -> str:
        return self.to_org.name if self.to_org_id else self.outside_org


class TransferEvent(StatusEvent):
    subject = "transfer"

    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="events", verbose_name=_("转接"))
    from_status, to_status = status_fields(TransferStatus.choices)

    class Meta(StatusEvent.Meta):
        verbose_name = _("转接记录")
        verbose_name_plural = _("转接记录")


class IntroductionLetterQuerySet(ScopedQuerySet):
    def scope_q(self, scope, user):
        return Q(transfer__in=Transfer.objects.visible_to(user).values("pk"))


class IntroductionLetter(models.Model):
    """A 介绍信 of a transfer out of the portal (numbered per issuing organization and year) or
    the outside letter an incoming member was registered from (its own number)."""

    transfer = models.OneToOneField(Transfer, on_delete=models.CASCADE, related_name="letter", verbose_name=_("转接"))
    direction = models.CharField(_("来源"), max_length=4, choices=LetterDirection.choices)
    number = models.CharField(_("介绍信编号"), max_length=60)
    issuer = models.ForeignKey(
        PartyOrg, null=True, blank=True, on_delete=models.PROTECT, related_name="letters", verbose_name=_("开具党组织"),
    )
    issuer_name = models.CharField(_("开具党组织名称"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    serial = models.PositiveIntegerField(_("序号"), null=True, blank=True)
    destination = models.CharField(_("去往党组织"), max_length=200, blank=True)
    issued_on = models.DateField(_("开具日期"))
    valid_until = models.DateField(_("有效期至"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = IntroductionLetterQuerySet.as_manager()

    class Meta:
        verbose_name = _("介绍信")
        verbose_name_plural = _("介绍信")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year", "serial"], condition=Q(direction="out"),
                                    name="letter_serial_per_issuer_year"),
            models.UniqueConstraint(fields=["number"], condition=Q(direction="out"), name="letter_number_unique"),
        ]

    def __str__(self):
        return self.number

    def is_valid_on(self, day) -> bool:
        return self.issued_on <= day <= self.valid_until
