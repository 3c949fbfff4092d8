"""Writes of 项目化服务.

* ``project_save``: create or edit a project book — managers over its community (or its
  owner organization); the owner organization, the community, the resident units and the
  brand must all lie in the actor's scope (out of scope: a field error, as if missing);
  the units must be located in the project's community; the budget may not go below what
  the project has already spent.
* ``project_transition``: 开始实施 / 结项 / 撤销 through ``dangjian.workflow``.
* ``project_link`` / ``project_unlink``: an activity, wish or request belongs to a project
  (one project at most: a record already linked elsewhere is refused); only the records the
  project's pickers offer (in scope, of the project's community or owner organization).
* ``brand_save``: a brand of an area in the actor's subtree.

Errors: out of scope → ``Http404``; not allowed → ``PermissionDeniedError``; bad input →
``ValidationError``; a refused status change → ``TransitionError``.
"""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.http import Http404
from django.utils.translation import gettext as _

from dangjian import trees
from dangjian.audit import changed_fields, record
from dangjian.errors import PermissionDeniedError
from dangjian.scoping import get_scope
from dangjian.workflow import action_refusal, action_transition
from network.projects import permissions, selectors
from network.projects.choices import (
    LINKABLE_STATUSES,
    PROJECT_ACTIONS,
    PROJECT_TRANSITIONS,
    LinkKind,
    ProjectAction,
    ProjectStatus,
)
from network.projects.models import ProjectActivity, ProjectRequest, ProjectWish, ServiceBrand, ServiceProject
from organizations.areas.choices import AreaLevel

PROJECT_FIELDS = ("title", "goal", "served_group", "served_text", "owner_org", "area", "brand", "budget",
                  "starts_on", "ends_on")


def _check_project(actor, project, units):
    errors = {}
    scope = get_scope(actor)
    if project.area_id is not None and (project.area.level != AreaLevel.COMMUNITY
                                        or not scope.covers_area(project.area, permissions.PROJECT_ROLES)):
        errors["area"] = _("请选择您管辖范围内的一个社区。")
    if project.owner_org_id is not None and not scope.covers_org(project.owner_org, permissions.PROJECT_ROLES):
        errors["owner_org"] = _("请选择您管辖范围内的党组织。")
    if project.brand_id is not None and not selectors.brands_for(actor).filter(pk=project.brand_id).exists():
        errors["brand"] = _("请选择您管辖范围内的服务品牌。")
    if project.area_id is not None and "area" not in errors:
        outside = [u.name for u in units if not trees.contains(project.area, u.community)]
        if outside:
            errors["units"] = _("共建单位须是本社区的驻区单位：%(names)s 不在该社区。") % {"names": "、".join(outside)}
    if project.starts_on and project.ends_on and project.ends_on < project.starts_on:
        errors["ends_on"] = _("结束日期不能早于开始日期。")
    if project.budget is not None and project.budget < 0:
        errors["budget"] = _("项目预算不能为负数。")
    if errors:
        raise ValidationError(errors)


def project_save(*, actor, project=None, units=(), **fields) -> ServiceProject:
    """Create (``project=None``) or edit a project book with ``fields`` (``PROJECT_FIELDS``)
    and its co-running ``units``."""
    units = list(units)
    with transaction.atomic():
        if project is None:
            if not permissions.can_create_projects(actor):
                raise PermissionDeniedError(_("您的角色无权新建服务项目。"))
            obj = ServiceProject(created_by=actor, **fields)
            changes = {}
        else:
            try:
                obj = selectors.projects_for(actor).select_for_update().select_related("area", "owner_org__area").get(
                    pk=project.pk)
            except ServiceProject.DoesNotExist:
                raise Http404 from None
            if not permissions.can_manage_project(actor, obj):
                raise PermissionDeniedError(_("您的角色无权修改该服务项目。"))
            changes = changed_fields(obj, fields)
            for name, value in fields.items():
                setattr(obj, name, value)
        _check_project(actor, obj, units)
        if obj.pk is not None:
            spent = obj.spendings.aggregate(s=Sum("amount"))["s"] or Decimal(0)
            if obj.budget < spent:
                raise ValidationError({"budget": _("项目预算不能低于已支出的 %(spent)s 元。") % {"spent": f"{spent:.2f}"}})
        obj.full_clean(exclude=["units"])
        obj.save()
        obj.units.set(units)
        record(actor, "project.update" if project is not None else "project.create", obj,
               {**changes, "units": [u.pk for u in units]})
    return obj


def project_transition(*, actor, project, verb, note="") -> ServiceProject:
    """开始实施 (立项 → 实施中), 结项 (实施中 → 已结项) or 撤销, on the locked row."""
    verb = ProjectAction(verb)
    _managed(actor, project.pk)
    refusal = action_refusal(verb, known={}, statuses=ProjectStatus, verbs=ProjectAction,
                             otherwise=_("项目当前状态为“%(now)s”，不能%(verb)s。"))
    return action_transition(ServiceProject, verb, project, actions=PROJECT_ACTIONS, table=PROJECT_TRANSITIONS,
                             refusal=refusal, audit="project", actor=actor, note=note)


def _managed(actor, pk) -> ServiceProject:
    try:
        obj = selectors.projects_for(actor).select_related("area", "owner_org__area").get(pk=pk)
    except ServiceProject.DoesNotExist:
        raise Http404 from None
    if not permissions.can_manage_project(actor, obj):
        raise PermissionDeniedError(_("您的角色无权管理该服务项目。"))
    return obj


LINKS = {
    LinkKind.ACTIVITY: (ProjectActivity, "activity", selectors.linkable_activities),
    LinkKind.WISH: (ProjectWish, "wish", selectors.linkable_wishes),
    LinkKind.REQUEST: (ProjectRequest, "request", selectors.linkable_requests),
}


def project_link(*, actor, project, kind, record_id):
    """Link one record (``kind``: activity, wish or request) to ``project``."""
    model, field, linkable = LINKS[LinkKind(kind)]
    with transaction.atomic():
        obj = _managed(actor, project.pk)
        ServiceProject.objects.select_for_update().filter(pk=obj.pk).first()
        if obj.status not in LINKABLE_STATUSES:
            raise ValidationError(_("已结项或已撤销的项目不能再关联记录。"))
        if not linkable(actor, obj).filter(pk=record_id).exists():
            if model.objects.filter(**{f"{field}_id": record_id}).exists():
                raise ValidationError({field: _("该记录已关联到一个服务项目。")})
            raise ValidationError({field: _("请选择本项目所在社区、您管辖范围内的记录。")})
        try:
            with transaction.atomic():
                link = model.objects.create(project=obj, linked_by=actor, **{f"{field}_id": record_id})
        except IntegrityError:
            raise ValidationError({field: _("该记录已关联到一个服务项目。")}) from None
        record(actor, "project.link", obj, {field: record_id})
    return link


def project_unlink(*, actor, project, kind, record_id) -> None:
    model, field, _linkable = LINKS[LinkKind(kind)]
    with transaction.atomic():
        obj = _managed(actor, project.pk)
        if obj.status not in LINKABLE_STATUSES:
            raise ValidationError(_("已结项或已撤销的项目不能再取消关联。"))
        deleted, _rows = model.objects.filter(project=obj, **{f"{field}_id": record_id}).delete()
        if not deleted:
            raise Http404
        record(actor, "project.unlink", obj, {field: record_id})


def brand_save(*, actor, brand=None, **fields) -> ServiceBrand:
    with transaction.atomic():
        if brand is None:
            obj = ServiceBrand(created_by=actor, **fields)
            changes = {}
        else:
            try:
                obj = selectors.brands_for(actor).select_for_update().select_related("area").get(pk=brand.pk)
            except ServiceBrand.DoesNotExist:
                raise Http404 from None
            changes = changed_fields(obj, fields)
            for name, value in fields.items():
                setattr(obj, name, value)
        if obj.area_id is None or not permissions.can_manage_brand(actor, obj):
            raise ValidationError({"area": _("请选择您管辖范围内的区域。")})
        obj.full_clean()
        obj.save()
        record(actor, "brand.update" if brand is not None else "brand.create", obj, changes)
    return obj
