"""临时党支部: a temporary branch IS a ``PartyOrg`` (kind branch, category temporary) with
this one-to-one detail; members are seconded to it from their own branches and stay members
there (``Member.organization`` never changes).  Dissolved branches stay for history."""
from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.scoping import InArea, InOrg, ScopedQuerySet, Through
from organizations.members.models import Member
from organizations.orgs.models import PartyOrg
from organizations.temporary.choices import DUE_WITHIN_DAYS, TemporaryPurpose


class TemporaryBranchQuerySet(ScopedQuerySet):
    scope_paths = (InOrg("org"), InArea("org__area"))

    def open(self):
        return self.filter(dissolved_on__isnull=True)

    def dissolved(self):
        return self.filter(dissolved_on__isnull=False)

    def due(self, today):
        """Not dissolved, and past its expected end or within ``DUE_WITHIN_DAYS`` days of it."""
        return self.open().filter(expected_end__lte=today + timedelta(days=DUE_WITHIN_DAYS))


class TemporaryBranch(models.Model):
    org = models.OneToOneField(PartyOrg, on_delete=models.PROTECT, related_name="temporary_branch",
                               verbose_name=_("党组织"))
    purpose = models.CharField(_("组建事由"), max_length=16, choices=TemporaryPurpose.choices)
    project_name = models.CharField(_("项目（任务）名称"), max_length=120)
    started_on = models.DateField(_("成立日期"))
    expected_end = models.DateField(_("预计结束日期"))
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True)
    dissolution_note = models.CharField(_("撤销说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = TemporaryBranchQuerySet.as_manager()

    class Meta:
        verbose_name = _("临时党支部")
        verbose_name_plural = _("临时党支部")
        ordering = ["expected_end", "pk"]
        indexes = [models.Index(fields=["dissolved_on", "expected_end"], name="temp_branch_open_due")]

    def __str__(self):
        return self.org.name if self.org_id else self.project_name

    @property
    def is_dissolved(self) -> bool:
        return self.dissolved_on is not None

    def is_due(self, today) -> bool:
        return not self.is_dissolved and self.expected_end <= today + timedelta(days=DUE_WITHIN_DAYS)


class SecondmentQuerySet(ScopedQuerySet):
    scope_paths = (Through("temporary_branch"), InOrg("member__organization"), InArea("member__organization__area"))

    def open(self):
        return self.filter(ended_on__isnull=True)


class Secondment(models.Model):
    temporary_branch = models.ForeignKey(TemporaryBranch, on_delete=models.CASCADE, related_name="secondments",
                                         verbose_name=_("临时党支部"))
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="secondments", verbose_name=_("党员"))
    started_on = models.DateField(_("借调开始"))
    ended_on = models.DateField(_("借调结束"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = SecondmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("临时党支部借调党员")
        verbose_name_plural = _("临时党支部借调党员")
        ordering = ["-started_on", "-pk"]
        constraints = [
            # a member is seconded to at most one open temporary branch at a time
            models.UniqueConstraint(fields=["member"], condition=Q(ended_on__isnull=True),
                                    name="secondment_one_open_per_member"),
        ]
        indexes = [models.Index(fields=["temporary_branch", "ended_on"], name="secondment_branch_open")]

    def __str__(self):
        return f"{self.member_id} → {self.temporary_branch_id}"
