"""Writes of 党建指导员: appoint and edit an instructor, assign one to a unit (at most one
current instructor per unit: the unit row is locked, then checked, and a partial unique
constraint holds it under races), end an assignment, record a visit (keeping the
assignment's latest visit date).  Each locks, checks, writes and records an audit event."""
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.audit import apply_fields, changed_fields, record
from dangjian.errors import PermissionDeniedError
from dangjian.scoping import get_scope
from network.instructors import permissions
from network.instructors.choices import INSTRUCTOR_ROLES, SERVED_KINDS
from network.instructors.models import Instructor, InstructorAssignment, InstructorVisit
from organizations.units.models import ResidentUnit

INSTRUCTOR_FIELDS = ("name", "member", "phone", "area", "source", "appointed_on", "ended_on", "active")


def _check_area(actor, area):
    scope = get_scope(actor)
    if not scope.covers_area(area):
        raise Http404
    if not scope.covers_area(area, INSTRUCTOR_ROLES):
        raise PermissionDeniedError(_("您的角色无权在该区域选派党建指导员。"))


def _check_dates(appointed_on, ended_on):
    if ended_on and appointed_on and ended_on < appointed_on:
        raise ValidationError({"ended_on": _("结束日期不能早于选派日期。")})


@transaction.atomic
def instructor_save(*, actor, instructor=None, **fields) -> Instructor:
    unknown = set(fields) - set(INSTRUCTOR_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    if instructor is None:
        _check_area(actor, fields["area"])
        if not fields.get("name") and fields.get("member"):
            fields["name"] = fields["member"].name
        if not fields.get("name"):
            raise ValidationError({"name": _("请填写指导员姓名，或选择党员档案。")})
        instructor = Instructor(**fields)
        _check_dates(instructor.appointed_on, instructor.ended_on)
        instructor.save()
        record(actor, "instructor.create", instructor, {"area": instructor.area_id})
        return instructor
    instructor = Instructor.objects.select_for_update().select_related("area").get(pk=instructor.pk)
    if not permissions.can_manage_instructor(actor, instructor):
        raise PermissionDeniedError(_("您的角色无权修改该党建指导员。"))
    if "area" in fields and fields["area"] != instructor.area:
        _check_area(actor, fields["area"])
    changes = changed_fields(instructor, {k: v for k, v in fields.items() if k != "phone"})
    apply_fields(instructor, fields)
    if not instructor.name:
        raise ValidationError({"name": _("请填写指导员姓名。")})
    _check_dates(instructor.appointed_on, instructor.ended_on)
    if instructor.ended_on and instructor.active:
        instructor.active = False
    instructor.save()
    if not instructor.active:
        # an instructor leaving ends their current assignments
        until = instructor.ended_on or timezone.localdate()
        ended = InstructorAssignment.objects.filter(instructor=instructor, ended_on__isnull=True).update(ended_on=until)
        changes["assignments_ended"] = ended
    record(actor, "instructor.update", instructor, changes)
    return instructor


@transaction.atomic
def instructor_assign(*, actor, instructor, unit, started_on=None) -> InstructorAssignment:
    """Assign ``instructor`` to ``unit`` (a 两新 organization or a property company)."""
    started_on = started_on or timezone.localdate()
    instructor = Instructor.objects.select_related("area").get(pk=instructor.pk)
    unit = ResidentUnit.objects.select_for_update().select_related("community").filter(pk=unit.pk).first()
    if unit is None or not ResidentUnit.objects.visible_to(actor).filter(pk=unit.pk).exists():
        raise Http404
    if not permissions.can_assign_unit(actor, instructor, unit):
        raise PermissionDeniedError(_("您的角色无权为该单位选派指导员。"))
    if not instructor.active:
        raise ValidationError({"instructor": _("该指导员已不在任，不能再联系单位。")})
    if unit.kind not in SERVED_KINDS:
        raise ValidationError({"unit": _("党建指导员只联系非公企业、社会组织和物业服务企业。")})
    if started_on < instructor.appointed_on:
        raise ValidationError({"started_on": _("开始日期不能早于指导员的选派日期。")})
    current = InstructorAssignment.objects.filter(unit=unit, ended_on__isnull=True).select_related("instructor").first()
    if current is not None:
        raise ValidationError({"unit": _("“%(unit)s”已有在任指导员%(name)s，请先结束其联系。") % {
            "unit": unit.name, "name": current.instructor.name}})
    try:
        with transaction.atomic():
            assignment = InstructorAssignment.objects.create(instructor=instructor, unit=unit, started_on=started_on)
    except IntegrityError:
        raise ValidationError({"unit": _("该单位已有在任指导员。")}) from None
    record(actor, "instructor.assign", assignment, {"instructor": instructor.pk, "unit": unit.pk})
    return assignment


@transaction.atomic
def assignment_end(*, actor, assignment, ended_on=None) -> InstructorAssignment:
    ended_on = ended_on or timezone.localdate()
    assignment = (InstructorAssignment.objects.select_for_update().select_related("instructor__area")
                  .get(pk=assignment.pk))
    if not permissions.can_manage_instructor(actor, assignment.instructor):
        raise PermissionDeniedError(_("您的角色无权结束该联系。"))
    if assignment.ended_on is not None:
        raise ValidationError(_("该联系已经结束。"))
    if ended_on < assignment.started_on:
        raise ValidationError({"ended_on": _("结束日期不能早于开始日期。")})
    assignment.ended_on = ended_on
    assignment.save(update_fields=["ended_on"])
    record(actor, "instructor.assignment_end", assignment, {"ended_on": str(ended_on)})
    return assignment


@transaction.atomic
def visit_record(*, actor, assignment, visited_on, kind, note="") -> InstructorVisit:
    assignment = (InstructorAssignment.objects.select_for_update().select_related("instructor__area")
                  .get(pk=assignment.pk))
    if not permissions.can_manage_instructor(actor, assignment.instructor):
        raise PermissionDeniedError(_("您的角色无权记录该指导员的走访。"))
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": _("走访日期不能晚于今天。")})
    if visited_on < assignment.started_on or (assignment.ended_on and visited_on > assignment.ended_on):
        raise ValidationError({"visited_on": _("走访日期须在联系期间内。")})
    visit = InstructorVisit.objects.create(assignment=assignment, visited_on=visited_on, kind=kind, note=note,
                                           recorded_by=actor if getattr(actor, "is_authenticated", False) else None)
    if assignment.last_visit_on is None or visited_on > assignment.last_visit_on:
        assignment.last_visit_on = visited_on
        assignment.save(update_fields=["last_visit_on"])
    record(actor, "instructor.visit", visit, {"assignment": assignment.pk, "kind": kind})
    return visit
