"""Writes of 经费.

* ``allocation_save``: allocate a year's funds of one purpose to a party organization or a
  community (exactly one), or correct an allocation — district and street cadres over the
  recipient; an allocation is never lowered below what has been spent from it.
* ``spending_record``: record money spent from an allocation (optionally for a service
  project, with evidence) — the recipient's managers.  The allocation row is locked
  (``select_for_update``) and its ``spent`` re-read, so two concurrent spendings cannot
  both pass when together they exceed the balance; a project's spending may not exceed its
  budget either (its row locked after the allocation's, always in that order).  The database
  refuses a balance below zero as well (``fund_allocation_never_below_zero``).
* ``allocations_import``: many allocations at once, all or nothing (``network.funds.spreadsheet``).

Refusals of money: ``TransitionError`` (409 in the API, a form error on the page), with a
Chinese message naming the balance.
"""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from dangjian import uploads
from dangjian.audit import record
from dangjian.errors import PermissionDeniedError, TransitionError
from network.funds import permissions, selectors
from network.funds.choices import FundPurpose, SpendingCategory
from network.funds.models import FundAllocation, FundSpending
from organizations.areas.choices import AreaLevel

CENT = Decimal("0.01")


def _amount_errors(amount, field="amount") -> dict:
    if amount is None or not isinstance(amount, Decimal) or not amount.is_finite():
        return {field: _("请填写金额。")}
    if amount <= 0:
        return {field: _("金额必须大于 0。")}
    if amount.as_tuple().exponent < -2:
        return {field: _("金额最多两位小数（精确到分）。")}
    if amount >= Decimal("10000000000"):
        return {field: _("金额过大。")}
    return {}


def _place_of(org, area):
    return area if area is not None else (org.area if org is not None else None)


def check_allocation(actor, *, year, purpose, org, area, amount) -> dict:
    """The field errors of an allocation (no database write)."""
    errors = _amount_errors(amount)
    if (org is None) == (area is None):
        errors["org"] = _("受拨对象须是一个党组织或一个社区（二选一）。")
    elif area is not None and area.level != AreaLevel.COMMUNITY:
        errors["area"] = _("受拨区域须是社区。")
    elif not permissions.can_allocate_at(actor, _place_of(org, area)):
        errors["org" if org is not None else "area"] = _("受拨对象不在您可下拨经费的范围内。")
    if purpose not in FundPurpose.values:
        errors["purpose"] = _("请选择经费用途。")
    if not year or not (2000 <= int(year) <= 2100):
        errors["year"] = _("请填写有效的年度。")
    return errors


def allocation_save(*, actor, allocation=None, year, purpose, amount, org=None, area=None, source="",
                    note="") -> FundAllocation:
    """Allocate (``allocation=None``) or correct an allocation."""
    if not permissions.can_allocate(actor):
        raise PermissionDeniedError(_("只有区、街道党组织可以下拨经费。"))
    errors = check_allocation(actor, year=year, purpose=purpose, org=org, area=area, amount=amount)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if allocation is None:
            obj = FundAllocation(year=year, purpose=purpose, org=org, area=area, place=_place_of(org, area),
                                 amount=amount, source=source, note=note, created_by=actor)
            changes = {}
        else:
            obj = _locked(actor, allocation.pk)
            if not permissions.can_allocate_at(actor, obj.place):
                raise PermissionDeniedError(_("您无权修改这笔经费。"))
            if amount < obj.spent:
                raise TransitionError({"amount": ValidationError(
                    _("这笔经费已支出 %(spent)s 元，下拨金额不能低于已支出金额。") % {"spent": f"{obj.spent:,.2f}"},
                    code="below_spent")})
            changes = {k: [str(getattr(obj, k)), str(v)] for k, v in
                       {"year": year, "purpose": purpose, "amount": amount, "source": source, "note": note}.items()
                       if getattr(obj, k) != v}
            obj.year, obj.purpose, obj.amount, obj.source, obj.note = year, purpose, amount, source, note
            obj.org, obj.area, obj.place = org, area, _place_of(org, area)
        _unique_or_error(obj)
        try:
            with transaction.atomic():
                obj.save()
        except IntegrityError:
            raise ValidationError({"purpose": _("该对象本年度已有这项经费，请修改原下拨记录。")}) from None
        record(actor, "fund.allocation_update" if allocation is not None else "fund.allocate", obj,
               changes or {"amount": str(amount)})
    return obj


def _unique_or_error(obj):
    same = FundAllocation.objects.filter(year=obj.year, purpose=obj.purpose)
    same = same.filter(org=obj.org) if obj.org_id else same.filter(area=obj.area)
    if obj.pk:
        same = same.exclude(pk=obj.pk)
    if same.exists():
        raise ValidationError({"purpose": _("该对象本年度已有这项经费，请修改原下拨记录。")})


def _locked(actor, pk) -> FundAllocation:
    try:
        return (selectors.allocations_for(actor).select_for_update(of=("self",))
                .select_related("org", "area", "place").get(pk=pk))
    except FundAllocation.DoesNotExist:
        raise Http404 from None


def _project_balance_check(actor, project, amount):
    from network.projects import selectors as project_selectors
    from network.projects.models import ServiceProject

    try:
        locked = project_selectors.projects_for(actor).select_for_update(of=("self",)).get(pk=project.pk)
    except ServiceProject.DoesNotExist:
        raise ValidationError({"project": _("请选择您管辖范围内的服务项目。")}) from None
    spent = FundSpending.objects.filter(project=locked).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    spent = Decimal(spent).quantize(CENT)
    if spent + amount > locked.budget:
        raise TransitionError({"amount": ValidationError(
            _("超出项目预算：项目“%(title)s”预算 %(budget)s 元，已支出 %(spent)s 元，剩余 %(left)s 元，不能支出 %(amount)s 元。") % {
                "title": locked.title, "budget": f"{locked.budget:,.2f}", "spent": f"{spent:,.2f}",
                "left": f"{locked.budget - spent:,.2f}", "amount": f"{amount:,.2f}"}, code="over_budget")})
    return locked


def spending_record(*, actor, allocation, spent_on, category, amount, description, evidence=None,
                    project=None) -> FundSpending:
    """Record a spending; refused when it would take the allocation (or the project) below zero."""
    errors = _amount_errors(amount)
    if category not in SpendingCategory.values:
        errors["category"] = _("请选择支出类别。")
    if not (description or "").strip():
        errors["description"] = _("请填写支出说明。")
    if spent_on is None:
        errors["spent_on"] = _("请填写支出日期。")
    if errors:
        raise ValidationError(errors)
    evidence = uploads.check_evidence(evidence)
    with transaction.atomic():
        locked = _locked(actor, allocation.pk)
        if not permissions.can_spend(actor, locked):
            raise PermissionDeniedError(_("只有受拨党组织或所在社区可以登记这笔经费的支出。"))
        if spent_on.year != locked.year:
            raise ValidationError({"spent_on": _("支出日期须在这笔经费的年度（%(y)d年）内。") % {"y": locked.year}})
        if project is not None:
            project = _project_balance_check(actor, project, amount)
        balance = locked.amount - locked.spent
        if amount > balance:
            raise TransitionError({"amount": ValidationError(
                _("余额不足：这笔经费下拨 %(total)s 元，已支出 %(spent)s 元，余额 %(balance)s 元，不能支出 %(amount)s 元。") % {
                    "total": f"{locked.amount:,.2f}", "spent": f"{locked.spent:,.2f}", "balance": f"{balance:,.2f}",
                    "amount": f"{amount:,.2f}"}, code="over_balance")})
        spending = FundSpending(allocation=locked, spent_on=spent_on, category=category, amount=amount,
                                description=description.strip(), project=project, recorded_by=actor)
        if evidence:
            spending.evidence = evidence
        spending.save()
        FundAllocation.objects.filter(pk=locked.pk).update(spent=F("spent") + amount)
        locked.spent += amount
        record(actor, "fund.spend", spending, {"allocation": locked.pk, "amount": str(amount),
                                               "project": project.pk if project else None})
    return spending
