"""The dues actions: bases by the brackets (and a pay change from its month), payments of one
or several months (paid, in advance, late), exemptions, refusals, and the derived state."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from dangjian.errors import PermissionDeniedError, TransitionError
from dangjian.models import AuditEvent
from organizations.dues import actions, selectors
from organizations.dues.choices import PaymentKind
from organizations.dues.models import DuesBracket, DuesPayment, DuesRuleSet, MemberDuesState
from organizations.dues.tests.factories import cadre_for, declare, pay
from organizations.grants.choices import Role
from organizations.members.choices import MemberStatus
from organizations.tests.factories import MemberFactory, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(city):
    city.cadre = cadre_for(city.a)
    city.member = city.a.members[0]
    return city


def test_default_rule_set_loaded_by_migration():
    rule_set = DuesRuleSet.objects.get(area=None, version=1)
    assert rule_set.brackets.count() == 10
    assert DuesBracket.objects.get(rule_set=rule_set, category="in_service", lower=None).upper == Decimal("3000.00")


@pytest.mark.parametrize(("category", "base", "expected"), [
    ("in_service", "3000.00", "15.00"), ("in_service", "3000.01", "30.00"), ("in_service", "5000", "50.00"),
    ("in_service", "10000", "150.00"), ("retired", "5000", "25.00"), ("retired", "5000.01", "50.00"),
    ("student", None, "0.20"),
])
def test_base_stores_the_amount_and_rule_version(world, category, base, expected):
    row = declare(world.member, actor=world.cadre, category=category, base=base)
    assert row.monthly_amount == Decimal(expected)
    assert row.rule_set.version == 1 and row.rule_set.area_id is None
    assert AuditEvent.objects.filter(verb="dues.base_declare", target_id=str(row.pk)).exists()


def test_a_local_rule_set_overrides_the_default(world):
    local = DuesRuleSet.objects.create(name="本区标准", area=world.district, version=1, effective_from=date(2020, 1, 1))
    DuesBracket.objects.create(rule_set=local, category="farmer", flat_amount=Decimal("1.00"))
    row = declare(world.member, actor=world.cadre, category="farmer", base=None)
    assert row.rule_set == local and row.monthly_amount == Decimal("1.00")


def test_pay_change_applies_from_its_month(world):
    declare(world.member, actor=world.cadre, base="4000")  # 40.00 from January
    declare(world.member, actor=world.cadre, from_month=7, base="6000")  # 90.00 from July
    book = selectors.BaseBook([world.member.pk], until=date(2026, 12, 1))
    assert book.for_month(world.member.pk, date(2026, 6, 1)).monthly_amount == Decimal("40.00")
    assert book.for_month(world.member.pk, date(2026, 7, 1)).monthly_amount == Decimal("90.00")
    rows = pay(world.member, actor=world.cadre, first_month=date(2026, 6, 1), count=2, paid_on=date(2026, 6, 5))
    assert [r.amount_due for r in rows] == [Decimal("40.00"), Decimal("90.00")]


def test_advance_payment_is_one_row_per_month(world):
    declare(world.member, actor=world.cadre, base="4000")
    rows = pay(world.member, actor=world.cadre, first_month=date(2026, 3, 1), count=4, paid_on=date(2026, 3, 10))
    assert [(r.month, r.kind) for r in rows] == [
        (date(2026, 3, 1), PaymentKind.PAID), (date(2026, 4, 1), PaymentKind.ADVANCE),
        (date(2026, 5, 1), PaymentKind.ADVANCE), (date(2026, 6, 1), PaymentKind.ADVANCE)]
    assert {r.paid_on for r in rows} == {date(2026, 3, 10)}
    assert all(r.organization_id == world.a.branch.pk for r in rows)


def test_late_payment_is_bujiao(world):
    declare(world.member, actor=world.cadre, base="4000")
    rows = pay(world.member, actor=world.cadre, first_month=date(2026, 1, 1), count=2, paid_on=date(2026, 3, 2))
    assert {r.kind for r in rows} == {PaymentKind.LATE}


def test_exempt_needs_a_reason_and_pays_nothing(world):
    declare(world.member, actor=world.cadre, base="4000")
    with pytest.raises(ValidationError):
        actions.dues_payment_exempt(actor=world.cadre, member=world.member, first_month=date(2026, 2, 1), reason="  ")
    rows = actions.dues_payment_exempt(actor=world.cadre, member=world.member, first_month=date(2026, 2, 1), count=2,
                                       reason="重病住院，经支部研究同意")
    assert [(r.kind, r.amount_paid, r.amount_due) for r in rows] == [(PaymentKind.EXEMPT, Decimal("0.00"), Decimal("40.00"))] * 2


def test_month_recorded_twice_is_refused(world):
    declare(world.member, actor=world.cadre, base="4000")
    pay(world.member, actor=world.cadre, first_month=date(2026, 5, 1))
    with pytest.raises(TransitionError, match="已登记"):
        pay(world.member, actor=world.cadre, first_month=date(2026, 4, 1), count=2)
    assert DuesPayment.objects.filter(member=world.member).count() == 1


def test_no_base_no_payment(world):
    with pytest.raises(ValidationError, match="尚未申报"):
        pay(world.member, actor=world.cadre, first_month=date(2026, 5, 1))


def test_probationary_member_pays_from_joining(world):
    member = MemberFactory(organization=world.a.branch, status=MemberStatus.PROBATIONARY, joined_on=date(2026, 5, 20))
    with pytest.raises(ValidationError, match="预备党员"):
        declare(member, actor=world.cadre, from_month=1)
    declare(member, actor=world.cadre, from_month=5)
    assert MemberDuesState.objects.get(member=member).start_month == date(2026, 5, 1)


def test_scope_and_role(world):
    other = world.b.members[0]
    with pytest.raises(Http404):
        declare(other, actor=world.cadre)
    grid = user_with(Role.GRID, world.a.area)
    with pytest.raises(PermissionDeniedError):
        declare(world.member, actor=grid)


def test_derived_state_follows_inserts_and_deletes(world):
    m = world.member
    declare(m, actor=world.cadre, base="4000")
    state = MemberDuesState.objects.get(member=m)
    assert (state.start_month, state.last_covered) == (date(2026, 1, 1), None)
    rows = pay(m, actor=world.cadre, first_month=date(2026, 1, 1), count=3)
    assert MemberDuesState.objects.get(member=m).last_covered == date(2026, 3, 1)
    actions.dues_payment_delete(actor=world.cadre, payment=rows[-1])
    assert MemberDuesState.objects.get(member=m).last_covered == date(2026, 2, 1)
    DuesPayment.objects.get(member=m, month=date(2026, 2, 1)).delete()  # a single row's delete (admin)
    assert MemberDuesState.objects.get(member=m).last_covered == date(2026, 1, 1)
    DuesPayment.objects.filter(member=m).delete()
    m.dues_bases.all().delete()
    MemberDuesState.objects.refresh(member_ids=[m.pk])
    assert not MemberDuesState.objects.filter(member=m).exists()


def test_six_months_flag_follows_the_ledger(world):
    m = world.member
    today = date(2026, 12, 10)  # November is the last completed month
    declare(m, actor=world.cadre, base="4000")
    pay(m, actor=world.cadre, first_month=date(2026, 1, 1), count=5, paid_on=date(2026, 1, 1))  # Jan–May
    lapsed = selectors.lapsed_members(world.cadre, world.a.branch, today)
    assert list(lapsed) == [m]  # June–November unpaid: six months
    assert m.pk in set(selectors.arrears_members(world.cadre, world.a.branch, today).values_list("pk", flat=True))
    pay(m, actor=world.cadre, first_month=date(2026, 6, 1), paid_on=date(2026, 12, 1))  # 补缴 June
    assert not selectors.lapsed_members(world.cadre, world.a.branch, today).exists()
    DuesPayment.objects.get(member=m, month=date(2026, 6, 1)).delete()
    assert selectors.lapsed_members(world.cadre, world.a.branch, today).exists()
    # never paid: six months counted from the first month due
    n = world.a.members[1]
    declare(n, actor=world.cadre, from_month=6)
    assert n in selectors.lapsed_members(world.cadre, world.a.branch, today)
    o = MemberFactory(organization=world.a.branch)
    declare(o, actor=world.cadre, from_month=7)
    assert o not in selectors.lapsed_members(world.cadre, world.a.branch, today)


def test_branch_month_totals_follow_the_ledger(world):
    from organizations.dues.models import DuesOrgMonth

    m, n = world.member, world.a.members[1]
    for member in (m, n):
        declare(member, actor=world.cadre, base="4000")
    pay(m, actor=world.cadre, first_month=date(2026, 3, 1), count=2, paid_on=date(2026, 3, 1))
    actions.dues_payment_exempt(actor=world.cadre, member=n, first_month=date(2026, 3, 1), reason="生活困难")
    march = DuesOrgMonth.objects.get(org=world.a.branch, month=date(2026, 3, 1))
    assert (march.due, march.paid, march.paid_months, march.exempt_months) == (Decimal("80.00"), Decimal("40.00"), 1, 1)
    april = DuesPayment.objects.get(member=m, month=date(2026, 4, 1))
    actions.dues_payment_delete(actor=world.cadre, payment=april)
    assert not DuesOrgMonth.objects.filter(org=world.a.branch, month=date(2026, 4, 1)).exists()
    DuesPayment.objects.get(member=n).delete()  # a single row's delete
    march = DuesOrgMonth.objects.get(org=world.a.branch, month=date(2026, 3, 1))
    assert (march.due, march.exempt_months) == (Decimal("40.00"), 0)
