"""党建指导员: the instructors an area appoints, their assignments to 两新 organizations and
property companies (one current instructor per unit), and the log of their visits."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.crypto import EncryptedCharField
from dangjian.privacy import mask_phone
from dangjian.scoping import InArea, ScopedQuerySet
from network.instructors.choices import InstructorSource, VisitKind


class InstructorQuerySet(ScopedQuerySet):
    scope_paths = (InArea("area"),)


class Instructor(models.Model):
    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    member = models.ForeignKey(
        "organizations.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="instructor_roles",
        verbose_name=_("党员档案"), help_text=_("指导员是本系统登记的党员时选择；退休干部等可只填姓名。"),
    )
    phone = EncryptedCharField(_("联系电话"), max_plain_length=20)
    area = models.ForeignKey(
        "organizations.Area", on_delete=models.PROTECT, related_name="instructors", verbose_name=_("选派区域"),
    )
    source = models.CharField(_("来源"), max_length=20, choices=InstructorSource.choices)
    appointed_on = models.DateField(_("选派日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    active = models.BooleanField(_("在任"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = InstructorQuerySet.as_manager()

    class Meta:
        verbose_name = _("党建指导员")
        verbose_name_plural = _("党建指导员")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class InstructorAssignmentQuerySet(ScopedQuerySet):
    scope_paths = (InArea("unit__community"), InArea("instructor__area"))

    def current(self):
        return self.filter(ended_on__isnull=True)


class InstructorAssignment(models.Model):
    instructor = models.ForeignKey(Instructor, on_delete=models.CASCADE, related_name="assignments",
                                   verbose_name=_("指导员"))
    unit = models.ForeignKey("organizations.ResidentUnit", on_delete=models.CASCADE, related_name="instructor_assignments",
                             verbose_name=_("联系单位"))
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    # the latest visit's date, kept by the visit writer (network.instructors.actions.visit_record)
    last_visit_on = models.DateField(_("最近走访"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = InstructorAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("指导员联系单位")
        verbose_name_plural = _("指导员联系单位")
        ordering = ["-started_on", "-pk"]
        constraints = [
            # a unit has at most one current instructor
            models.UniqueConstraint(fields=["unit"], condition=Q(ended_on__isnull=True),
                                    name="instructor_one_current_per_unit"),
        ]
        indexes = [models.Index(fields=["instructor", "ended_on"], name="instr_assign_current")]

    def __str__(self):
        return f"{self.instructor_id} → {self.unit_id}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class InstructorVisitQuerySet(ScopedQuerySet):
    scope_paths = (InArea("assignment__unit__community"), InArea("assignment__instructor__area"))


class InstructorVisit(models.Model):
    assignment = models.ForeignKey(InstructorAssignment, on_delete=models.CASCADE, related_name="visits",
                                   verbose_name=_("联系单位"))
    visited_on = models.DateField(_("走访日期"))
    kind = models.CharField(_("指导内容"), max_length=16, choices=VisitKind.choices)
    note = models.CharField(_("情况记录"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("记录人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = InstructorVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("指导员走访")
        verbose_name_plural = _("指导员走访")
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["assignment", "visited_on"], name="instr_visit_assign_day")]

    def __str__(self):
        return f"{self.assignment_id} {self.visited_on}"
