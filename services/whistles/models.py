from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian import trees
from dangjian.models import StatusEvent
from dangjian.scoping import InArea, ScopedQuerySet, Through
from organizations.grants.choices import MANAGE_ROLES
from services.resident.choices import Satisfaction
from services.whistles.choices import (
    TARGET_WORKFLOW,
    TODO_STATUSES,
    WHISTLE_WORKFLOW,
    EscalationStage,
    TargetStatus,
    WhistleSource,
    WhistleStatus,
)


# ------------------------------------------------------------------------ whistles (吹哨报到)
class DepartmentQuerySet(ScopedQuerySet):
    scope_paths = (InArea("area"),)

    def scope_q(self, scope, user):
        """Departments of the areas above or inside the user's grants (a community cadre
        whistles to its district's departments), and those the user answers for."""
        q = super().scope_q(scope, user)
        for r in scope.area_ranges:
            q |= trees.ancestors_q(r, "area")
        q |= Q(pk__in=Responder.objects.filter(user_id=user.pk).values("department_id"))
        return q


class Department(models.Model):
    """A functional department (职能部门) of a district or street that whistles can name."""

    name = models.CharField(_("部门名称"), max_length=100)
    area = models.ForeignKey(
        "organizations.Area", on_delete=models.PROTECT, related_name="departments", verbose_name=_("所属区域"),
        help_text=_("部门所在的区或街道"),
    )
    phone = models.CharField(_("值班电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("职能部门")
        verbose_name_plural = _("职能部门")
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="department_unique_in_area")]

    def __str__(self):
        return self.name


class Responder(models.Model):
    """A user account that answers whistles for a department or a resident unit."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="responder_for", verbose_name=_("账号")
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="responders", verbose_name=_("职能部门")
    )
    unit = models.ForeignKey(
        "organizations.ResidentUnit", null=True, blank=True, on_delete=models.CASCADE, related_name="responders",
        verbose_name=_("驻区单位"),
    )

    class Meta:
        verbose_name = _("报到账号")
        verbose_name_plural = _("报到账号")
        constraints = [
            models.CheckConstraint(
                condition=(Q(department__isnull=False) & Q(unit__isnull=True))
                | (Q(department__isnull=True) & Q(unit__isnull=False)),
                name="responder_one_party",
            ),
            models.UniqueConstraint(fields=["user", "department"], name="responder_unique_department"),
            models.UniqueConstraint(fields=["user", "unit"], name="responder_unique_unit"),
        ]

    def __str__(self):
        return f"{self.user} → {self.department or self.unit}"


def responder_q(user, prefix=""):
    """Rows (by ``prefix`` to a WhistleTarget) whose department or unit ``user`` answers for."""
    mine = Responder.objects.filter(user_id=getattr(user, "pk", None))
    return Q(**{f"{prefix}department__in": mine.filter(department__isnull=False).values("department_id")}) | Q(
        **{f"{prefix}unit__in": mine.filter(unit__isnull=False).values("unit_id")}
    )


class WhistleQuerySet(ScopedQuerySet):
    """Whistles of the areas the user manages (where they were whistled, or where they were
    escalated to), and the whistles naming a department or unit the user answers for — a
    department sees only whistles sent to it."""

    scope_paths = (InArea("area", MANAGE_ROLES), InArea("escalated_to", MANAGE_ROLES))

    def scope_q(self, scope, user):
        return super().scope_q(scope, user) | Q(pk__in=WhistleTarget.objects.filter(responder_q(user)).values("whistle_id"))


class WhistleTargetQuerySet(ScopedQuerySet):
    scope_paths = (Through("whistle"),)

    def answered_by(self, user):
        return self.filter(responder_q(user))


class Whistle(models.Model):
    """A problem a street or community cannot solve alone (吹哨).  ``area`` is where it was
    whistled; ``escalated_to`` the area it has been escalated to (one level up per overdue
    stage, by the periodic task)."""

    code = models.CharField(_("编号"), max_length=16, unique=True)
    area = models.ForeignKey(
        "organizations.Area", on_delete=models.PROTECT, related_name="whistles", verbose_name=_("吹哨区域")
    )
    title = models.CharField(_("事项"), max_length=100)
    description = models.TextField(_("情况说明"), max_length=2000)
    source = models.CharField(_("来源"), max_length=16, choices=WhistleSource.choices, default=WhistleSource.NEW)
    source_id = models.PositiveBigIntegerField(_("来源记录编号"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=WhistleStatus.choices, default=WhistleStatus.OPEN)
    report_due = models.DateTimeField(_("报到截止"))
    resolve_due = models.DateTimeField(_("办结截止"))
    escalated_to = models.ForeignKey(
        "organizations.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="escalated_whistles",
        verbose_name=_("已升级至"),
    )
    escalation_level = models.PositiveSmallIntegerField(_("升级次数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("吹哨人")
    )
    created_at = models.DateTimeField(_("吹哨时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = WhistleQuerySet.as_manager()
    workflow = WHISTLE_WORKFLOW

    class Meta:
        verbose_name = _("吹哨事项")
        verbose_name_plural = _("吹哨事项")
        indexes = [
            models.Index(fields=["area", "status"], name="whistle_area_status"),
            models.Index(fields=["status", "resolve_due"], name="whistle_status_due"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def make_event(self, *, actor, from_status, to_status, note="", target=None):
        return WhistleEvent.of(whistle=self, target=target, actor=actor, from_status=from_status, to_status=to_status,
                               note=note)


class WhistleTarget(models.Model):
    """One department or resident unit named by a whistle, with its own progress."""

    whistle = models.ForeignKey(Whistle, on_delete=models.CASCADE, related_name="targets", verbose_name=_("吹哨事项"))
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="whistle_targets",
        verbose_name=_("职能部门"),
    )
    unit = models.ForeignKey(
        "organizations.ResidentUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="whistle_targets",
        verbose_name=_("驻区单位"),
    )
    status = models.CharField(_("状态"), max_length=16, choices=TargetStatus.choices, default=TargetStatus.NOTIFIED)
    reported_at = models.DateTimeField(_("报到时间"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("报到人"),
    )
    answer = models.TextField(_("答复"), max_length=2000, blank=True)
    resolved_at = models.DateTimeField(_("办理完毕时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=16, choices=Satisfaction.choices, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    escalation_stage = models.PositiveSmallIntegerField(
        _("升级阶段"), choices=EscalationStage.choices, default=EscalationStage.NONE
    )
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = WhistleTargetQuerySet.as_manager()
    workflow = TARGET_WORKFLOW

    class Meta:
        verbose_name = _("被吹哨单位")
        verbose_name_plural = _("被吹哨单位")
        constraints = [
            models.CheckConstraint(
                condition=(Q(department__isnull=False) & Q(unit__isnull=True))
                | (Q(department__isnull=True) & Q(unit__isnull=False)),
                name="target_one_party",
            ),
            models.UniqueConstraint(fields=["whistle", "department"], name="target_unique_department"),
            models.UniqueConstraint(fields=["whistle", "unit"], name="target_unique_unit"),
        ]
        indexes = [models.Index(fields=["status", "escalation_stage"], name="target_status_stage")]

    def __str__(self):
        return f"{self.whistle_id} → {self.department or self.unit}"

    @property
    def party(self):
        return self.department or self.unit

    @property
    def still_to_answer(self) -> bool:
        """Not yet answered by its department or unit (``TODO_STATUSES``)."""
        return self.status in TODO_STATUSES

    def make_event(self, *, actor, from_status, to_status, note=""):
        return WhistleEvent.of(whistle_id=self.whistle_id, target=self, actor=actor, from_status=from_status,
                               to_status=to_status, note=note)


class WhistleEvent(StatusEvent):
    """A step of a whistle or of one of its targets (``target``); the statuses are the
    whistle's or the target's, or ``escalated`` for an escalation step."""

    subject = "whistle"

    whistle = models.ForeignKey(Whistle, on_delete=models.CASCADE, related_name="events", verbose_name=_("吹哨事项"))
    target = models.ForeignKey(
        WhistleTarget, null=True, blank=True, on_delete=models.CASCADE, related_name="events", verbose_name=_("单位")
    )

    class Meta(StatusEvent.Meta):
        verbose_name = _("吹哨进展")
        verbose_name_plural = _("吹哨进展")
        indexes = [models.Index(fields=["whistle", "at"], name="whistle_event_at")]
