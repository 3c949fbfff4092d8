"""Helpers for the network tests; the trees, people and accounts come from
``organizations.tests.factories`` (``build_city``, ``user_with``, ``MemberFactory``, …)."""
from datetime import date
from decimal import Decimal

from organizations.tests.factories import build_city, user_with  # noqa: F401


def project(actor, community, *, title="红色物业·暖心服务", budget=Decimal("10000.00"), units=(), brand=None,
            starts_on=None, ends_on=None, **extra):
    """A project of ``community`` (a ``build_city`` community) run by its committee, saved by ``actor``."""
    from network.projects import actions

    today = date.today()
    return actions.project_save(
        actor=actor, title=title, goal="为老年人提供助餐、助洁服务", served_group=extra.pop("served_group", "elderly"),
        served_text=extra.pop("served_text", ""), owner_org=extra.pop("owner_org", community.committee),
        area=community.area, brand=brand, budget=budget, starts_on=starts_on or date(today.year, 1, 1),
        ends_on=ends_on or date(today.year, 12, 31), units=units, **extra,
    )


def allocation(actor, *, org=None, area=None, amount=Decimal("6000.00"), purpose="org_work", year=None):
    from network.funds import actions

    return actions.allocation_save(actor=actor, year=year or date.today().year, purpose=purpose, org=org, area=area,
                                   amount=amount, source="区委组织部")
