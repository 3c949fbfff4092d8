"""Writes of dues (党费): one function per use case, ``<entity>_<verb>(*, actor, ...)``.

Each locks the member's row (``select_for_update``), checks against the ledger as it now
stands, writes, refreshes the member's derived dues state and records an audit event, all
in one transaction.  Refusals: ``Http404`` out of scope, ``PermissionDeniedError`` for a role
that may not record, ``ValidationError`` (per field) for bad input, ``TransitionError`` for a
month already recorded."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from dangjian import audit
from dangjian.errors import PermissionDeniedError, TransitionError
from dangjian.scoping import get_scope
from organizations.dues import brackets as calc
from organizations.dues import selectors
from organizations.dues.choices import BASED_CATEGORIES, MAX_ADVANCE_MONTHS, DuesCategory, PaymentKind
from organizations.dues.models import DuesBase, DuesOrgMonth, DuesPayment, MemberDuesState
from organizations.dues.permissions import can_record_for
from organizations.members.choices import MemberStatus
from organizations.members.models import Member


# ------------------------------------------------------------------------- checks
def _locked_member(actor, member) -> Member:
    """The member's row, locked, after checking the actor may record the dues of their branch."""
    locked = Member.objects.select_for_update().select_related("organization__area").filter(pk=member.pk).first()
    if locked is None or not get_scope(actor).covers_org(locked.organization):
        raise Http404
    if not can_record_for(actor, locked.organization):
        raise PermissionDeniedError(_("您的角色无权登记该支部的党费。"))
    return locked


def first_month_due(member) -> date | None:
    """Probationary members pay from the 支部大会 day (their joining date)."""
    if member.joined_on is not None and member.status == MemberStatus.PROBATIONARY:
        return calc.month_start(member.joined_on)
    return None


# ------------------------------------------------------------------------- bases
def compute_amount(member, category: str, base, on_month: date):
    """``(monthly amount, rule set)`` by the brackets in force for the member's branch."""
    rule_set = selectors.rule_set_for(member.organization.area, on_month)
    if rule_set is None:
        raise ValidationError(_("没有可用的党费标准，请联系管理员。"))
    try:
        amount = calc.monthly_amount(category, base, selectors.brackets_of(rule_set))
    except calc.NoBracket:
        raise ValidationError({"base": _("党费标准“%(name)s”中没有适用于该类别和收入的档次。") % {"name": rule_set}}) from None
    return amount, rule_set


def dues_base_declare(*, actor, member, year: int, from_month: int, category: str, base=None,
                      declared_on: date) -> DuesBase:
    """Declare (or correct) a member's base for a year from a month on; the monthly amount is
    computed by the brackets and stored with the rule set used."""
    errors = {}
    if category not in DuesCategory.values:
        errors["category"] = _("请选择党员类别。")
    if not (1 <= int(from_month) <= 12):
        errors["from_month"] = _("起始月份应为 1 到 12。")
    if category in BASED_CATEGORIES and (base is None or Decimal(base) <= 0):
        errors["base"] = _("在职和离退休党员须填写税后月收入。")
    if base is not None and Decimal(base) < 0:
        errors["base"] = _("月收入不能为负数。")
    if errors:
        raise ValidationError(errors)
    base = calc.money(base if base is not None and category in BASED_CATEGORIES else 0)
    with transaction.atomic():
        member = _locked_member(actor, member)
        starts = date(int(year), int(from_month), 1)
        first = first_month_due(member)
        if first is not None and starts < first:
            raise ValidationError({"from_month": _("预备党员从支部大会通过之日起交纳党费：起始月份不能早于 %(month)s。") % {
                "month": f"{first.year}年{first.month}月"}})
        amount, rule_set = compute_amount(member, category, base, starts)
        row, created = DuesBase.objects.update_or_create(
            member=member, year=int(year), from_month=int(from_month),
            defaults=dict(category=category, base=base, monthly_amount=amount, rule_set=rule_set,
                          declared_on=declared_on, declared_by=actor if actor.is_authenticated else None),
        )
        MemberDuesState.objects.refresh(member_ids=[member.pk])
        audit.record(actor, "dues.base_declare", row, {"category": category, "base": str(base), "amount": str(amount),
                                                         "rule_set": str(rule_set), "created": created})
    return row


# ---------------------------------------------------------------------- payments
@dataclass(frozen=True)
class MonthEntry:
    """One month to record for a member (the import and the forms build these)."""

    month: date
    amount_paid: Decimal | None = None  # None: the month's amount due
    exempt_reason: str = ""


def kind_for(month: date, paid_on: date) -> str:
    """Paid in its month, in advance (a later month) or late (补缴, an earlier month)."""
    current = calc.month_start(paid_on)
    if month < current:
        return PaymentKind.LATE
    if month > current:
        return PaymentKind.ADVANCE
    return PaymentKind.PAID


def _build_rows(actor, member, entries, *, paid_on, book, exempt: bool) -> list[DuesPayment]:
    existing = set(DuesPayment.objects.filter(member=member, month__in=[e.month for e in entries]).values_list("month", flat=True))
    if existing:
        months = "、".join(f"{m.year}年{m.month}月" for m in sorted(existing))
        raise TransitionError(_("%(name)s %(months)s的党费已登记，不能重复登记；如需更正请先删除原记录。") % {
            "name": member.name, "months": months})
    first = first_month_due(member)
    rows = []
    for e in entries:
        if first is not None and e.month < first:
            raise ValidationError({"months": _("预备党员从支部大会通过之日（%(day)s）起交纳党费。") % {"day": member.joined_on}})
        base = book.for_month(member.pk, e.month)
        if base is None:
            raise ValidationError({"months": _("%(name)s %(month)s尚未申报党费基数，请先申报。") % {
                "name": member.name, "month": f"{e.month.year}年{e.month.month}月"}})
        due = base.monthly_amount
        if exempt:
            reason = (e.exempt_reason or "").strip()
            if not reason:
                raise ValidationError({"exempt_reason": _("免交党费须写明原因。")})
            rows.append(DuesPayment(member=member, month=e.month, kind=PaymentKind.EXEMPT, amount_due=due,
                                    amount_paid=calc.ZERO, paid_on=None, exempt_reason=reason[:200],
                                    organization_id=member.organization_id, recorded_by=actor))
            continue
        amount = calc.money(e.amount_paid) if e.amount_paid is not None else due
        if amount <= 0:
            raise ValidationError({"amount_paid": _("实交金额应大于 0；免交请登记免交并写明原因。")})
        if paid_on is None:
            raise ValidationError({"paid_on": _("请填写交纳日期。")})
        kind = kind_for(e.month, paid_on)
        if kind == PaymentKind.ADVANCE and calc.months_between(calc.month_start(paid_on), e.month) > MAX_ADVANCE_MONTHS:
            raise ValidationError({"months": _("预交党费最多预交 %(n)d 个月。") % {"n": MAX_ADVANCE_MONTHS}})
        rows.append(DuesPayment(member=member, month=e.month, kind=kind, amount_due=due, amount_paid=amount,
                                paid_on=paid_on, organization_id=member.organization_id, recorded_by=actor))
    return rows


def _months(first: date, count: int) -> list[date]:
    if count < 1 or count > MAX_ADVANCE_MONTHS + 12:
        raise ValidationError({"count": _("月数应为 1 到 %(n)d。") % {"n": MAX_ADVANCE_MONTHS}})
    return [calc.add_months(calc.month_start(first), i) for i in range(count)]


def dues_payment_record(*, actor, member, first_month: date, count: int = 1, paid_on: date,
                        amount_paid=None) -> list[DuesPayment]:
    """Record a member's dues for ``count`` months from ``first_month`` (one row per month:
    paid, paid in advance or paid late by the month against ``paid_on``).  ``amount_paid``:
    the amount of a single month when it differs from the amount due."""
    if amount_paid is not None and count != 1:
        raise ValidationError({"amount_paid": _("多个月一并交纳时按每月应交金额登记，不能另填金额。")})
    entries = [MonthEntry(m, amount_paid) for m in _months(first_month, count)]
    return _record(actor, member, entries, paid_on=paid_on, exempt=False)


def dues_payment_exempt(*, actor, member, first_month: date, count: int = 1, reason: str) -> list[DuesPayment]:
    """Record months a member is exempt from dues (免交), with the reason."""
    entries = [MonthEntry(m, None, reason) for m in _months(first_month, count)]
    return _record(actor, member, entries, paid_on=None, exempt=True)


def _record(actor, member, entries, *, paid_on, exempt) -> list[DuesPayment]:
    with transaction.atomic():
        member = _locked_member(actor, member)
        book = selectors.BaseBook([member.pk], until=max(e.month for e in entries))
        rows = _build_rows(actor, member, entries, paid_on=paid_on, book=book, exempt=exempt)
        DuesPayment.objects.bulk_create(rows)
        MemberDuesState.objects.refresh(member_ids=[member.pk])
        DuesOrgMonth.objects.refresh(org_ids=[member.organization_id], months=[r.month for r in rows])
        audit.record(actor, "dues.payment_exempt" if exempt else "dues.payment_record", member, {
            "months": [f"{r.month:%Y-%m}" for r in rows], "kinds": sorted({r.kind for r in rows}),
            "paid": str(sum((r.amount_paid for r in rows), calc.ZERO)),
        })
    return rows


def dues_payment_delete(*, actor, payment) -> None:
    """Remove a ledger row recorded by mistake (its member's state follows)."""
    with transaction.atomic():
        member = _locked_member(actor, payment.member)
        row = DuesPayment.objects.select_for_update().filter(pk=payment.pk, member=member).first()
        if row is None:
            raise Http404
        audit.record(actor, "dues.payment_delete", member, {"month": f"{row.month:%Y-%m}", "kind": row.kind,
                                                            "paid": str(row.amount_paid)})
        DuesPayment.objects.filter(pk=row.pk).delete()
        MemberDuesState.objects.refresh(member_ids=[member.pk])
        DuesOrgMonth.objects.refresh(org_ids=[row.organization_id], months=[row.month])


def dues_month_import(*, actor, org, entries_by_member: dict, paid_on_by_member: dict) -> list[DuesPayment]:
    """Write a validated month of the branch's payments (the import): every member's rows in
    one transaction, members locked in pk order; any refusal rolls everything back."""
    with transaction.atomic():
        members = list(Member.objects.select_for_update().filter(pk__in=list(entries_by_member)).order_by("pk"))
        rows = []
        scope = get_scope(actor)
        if not can_record_for(actor, org):
            raise PermissionDeniedError(_("您的角色无权登记该支部的党费。"))
        book = selectors.BaseBook([m.pk for m in members], until=max(e.month for es in entries_by_member.values() for e in es))
        for m in members:
            if m.organization_id != org.pk or not scope.covers_org(org):
                raise Http404
            entries = entries_by_member[m.pk]
            rows += _build_rows(actor, m, [e for e in entries if not e.exempt_reason],
                                paid_on=paid_on_by_member.get(m.pk), book=book, exempt=False)
            rows += _build_rows(actor, m, [e for e in entries if e.exempt_reason], paid_on=None, book=book, exempt=True)
        DuesPayment.objects.bulk_create(rows)
        MemberDuesState.objects.refresh(member_ids=[m.pk for m in members])
        DuesOrgMonth.objects.refresh(org_ids=[org.pk], months=[r.month for r in rows])
        audit.record(actor, "dues.import", org, {"rows": len(rows), "months": sorted({f"{r.month:%Y-%m}" for r in rows})})
    return rows
