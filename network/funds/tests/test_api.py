"""The spending API: POST records a spending; above the balance it answers 409 with the
Chinese detail and writes nothing; another community's allocation is 404."""
from datetime import date
from decimal import Decimal

import pytest

from dangjian.testing.clients import api_client
from network.funds.models import FundSpending
from network.tests.factories import allocation
from organizations.grants.choices import Role
from organizations.tests.factories import build_city, user_with

pytestmark = pytest.mark.django_db


def test_post_spending_and_409_above_the_balance():
    c = build_city()
    street = user_with(Role.STREET, c.street)
    cadre = user_with(Role.COMMUNITY, c.a.area)
    fund = allocation(street, org=c.a.branch, amount=Decimal("100.00"))
    far = allocation(street, org=c.b.branch, amount=Decimal("100.00"))
    client = api_client(cadre)
    body = {"allocation": fund.pk, "spent_on": date.today().isoformat(), "category": "education", "amount": "60.00",
            "description": "学习资料"}
    ok = client.post("/api/fund-spendings/", body, format="json")
    assert ok.status_code == 201 and ok.json()["amount"] == "60.00"
    refused = client.post("/api/fund-spendings/", {**body, "amount": "40.01"}, format="json")
    assert refused.status_code == 409 and "余额不足" in refused.json()["detail"]
    assert client.post("/api/fund-spendings/", {**body, "allocation": far.pk}, format="json").status_code == 404
    assert FundSpending.objects.count() == 1
    listed = client.get("/api/fund-allocations/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [(r["id"], r["balance"]) for r in rows] == [(fund.pk, "40.00")]
