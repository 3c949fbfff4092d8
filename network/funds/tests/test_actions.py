"""Funds never go below zero: a spending above an allocation's balance (or a project's
remaining budget) is refused with a Chinese message, an allocation is never lowered below
what has been spent, and the database holds to it too; recipients are exactly one of an
organization and a community; who may allocate and who may spend."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum

from dangjian.errors import PermissionDeniedError, TransitionError, http_status
from dangjian.testing import assert_max_queries
from network.funds import actions, selectors
from network.funds.models import FundAllocation, FundSpending
from network.tests.factories import allocation, project
from organizations.grants.choices import Role
from organizations.tests.factories import build_city, user_with

pytestmark = pytest.mark.django_db
TODAY = date.today()


@pytest.fixture
def w():
    c = build_city()
    c.street_cadre = user_with(Role.STREET, c.street)
    c.cadre = user_with(Role.COMMUNITY, c.a.area)
    return c


def _spend(actor, a, amount, **kw):
    return actions.spending_record(actor=actor, allocation=a, spent_on=kw.pop("spent_on", TODAY),
                                   category=kw.pop("category", "activity"), amount=Decimal(amount),
                                   description=kw.pop("description", "主题党日活动"), **kw)


def test_spending_up_to_the_balance_and_not_a_fen_more(w):
    a = allocation(w.street_cadre, org=w.a.branch, amount=Decimal("6000.00"))
    _spend(w.cadre, a, "5999.99")
    with pytest.raises(TransitionError) as exc:
        _spend(w.cadre, a, "0.02")
    assert "余额不足" in exc.value.messages[0] and "0.01" in exc.value.messages[0]
    assert http_status(exc.value) == 409
    _spend(w.cadre, a, "0.01")
    a.refresh_from_db()
    assert a.spent == Decimal("6000.00") and a.balance == Decimal("0.00")
    assert FundSpending.objects.filter(allocation=a).aggregate(s=Sum("amount"))["s"] == a.spent


def test_an_allocation_is_never_lowered_below_what_was_spent(w):
    a = allocation(w.street_cadre, area=w.a.area, purpose="community_service", amount=Decimal("1000.00"))
    _spend(w.cadre, a, "800.00")
    with pytest.raises(TransitionError, match="不能低于已支出"):
        actions.allocation_save(actor=w.street_cadre, allocation=a, year=a.year, purpose=a.purpose, area=w.a.area,
                                amount=Decimal("799.99"))
    actions.allocation_save(actor=w.street_cadre, allocation=a, year=a.year, purpose=a.purpose, area=w.a.area,
                            amount=Decimal("800.00"))
    a.refresh_from_db()
    assert a.amount == Decimal("800.00") and a.balance == 0


def test_the_database_refuses_a_balance_below_zero(w):
    a = allocation(w.street_cadre, org=w.a.branch, amount=Decimal("100.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        FundAllocation.objects.filter(pk=a.pk).update(spent=Decimal("100.01"))


def test_project_spending_stays_within_its_budget(w):
    p = project(w.cadre, w.a, budget=Decimal("500.00"))
    a = allocation(w.street_cadre, area=w.a.area, purpose="community_service", amount=Decimal("5000.00"))
    _spend(w.cadre, a, "300.00", project=p, category="project")
    with pytest.raises(TransitionError, match="超出项目预算"):
        _spend(w.cadre, a, "200.01", project=p, category="project")
    a.refresh_from_db()
    assert a.spent == Decimal("300.00")


def test_exactly_one_recipient_and_once_per_year_and_purpose(w):
    with pytest.raises(ValidationError) as exc:
        allocation(w.street_cadre, org=w.a.branch, area=w.a.area)
    assert "org" in exc.value.message_dict
    allocation(w.street_cadre, org=w.a.branch)
    with pytest.raises(ValidationError, match="已有这项经费"):
        allocation(w.street_cadre, org=w.a.branch)
    with pytest.raises(ValidationError, match="大于 0"):
        allocation(w.street_cadre, org=w.b.branch, amount=Decimal("0"))
    with pytest.raises(ValidationError, match="两位小数"):
        allocation(w.street_cadre, org=w.b.branch, amount=Decimal("1.005"))


def test_who_allocates_and_who_spends(w):
    with pytest.raises(PermissionDeniedError):
        allocation(w.cadre, org=w.a.branch)  # a community cadre does not allocate
    a = allocation(w.street_cadre, org=w.a.branch)
    b = allocation(w.street_cadre, org=w.b.branch)
    _spend(w.cadre, a, "10.00")
    from django.http import Http404
    with pytest.raises(Http404):
        _spend(w.cadre, b, "10.00")  # another community's funds: not found
    with pytest.raises(ValidationError, match="年度"):
        _spend(w.cadre, a, "10.00", spent_on=date(TODAY.year - 1, 6, 1))


def test_area_totals_by_child_and_purpose_in_one_query(w):
    allocation(w.street_cadre, org=w.a.branch, amount=Decimal("6000.00"))
    allocation(w.street_cadre, org=w.b.branch, amount=Decimal("6000.00"))
    c = allocation(w.street_cadre, area=w.a.area, purpose="community_service", amount=Decimal("200000.00"))
    _spend(w.cadre, c, "1234.56")
    with assert_max_queries(1):
        rows, whole = selectors.area_totals(w.street_cadre, w.street, TODAY.year, children=[w.a.area, w.b.area])
    assert whole.allocated == Decimal("212000.00") and whole.spent == Decimal("1234.56")
    by = {r.node.pk: r for r in rows}
    assert by[w.a.area.pk].allocated == Decimal("206000.00") and by[w.a.area.pk].balance == Decimal("204765.44")
    assert by[w.b.area.pk].allocated == Decimal("6000.00")
    assert {p["purpose"]: p["allocated"] for p in whole.purposes()} == {
        "org_work": Decimal("12000.00"), "community_service": Decimal("200000.00")}


def test_area_tiles_equal_the_rows(w):
    a = allocation(w.street_cadre, org=w.a.branch, amount=Decimal("6000.00"))
    allocation(w.street_cadre, org=w.b.branch, amount=Decimal("6000.00"))
    _spend(w.cadre, a, "1000.00")
    with assert_max_queries(3):
        tiles = selectors.area_tiles(w.street_cadre, w.street)
    assert [t["value"] for t in tiles] == ["¥12,000.00", "¥1,000.00", "¥11,000.00"]
    assert tiles[0]["note"] == "2 笔"
