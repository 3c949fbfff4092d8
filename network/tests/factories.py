"""Helpers for the network tests; the trees, people and accounts come from
``organizations.tests.factories`` (``build_city``, ``user_with``, ``MemberFactory``, …)."""
from datetime import date
from decimal import Decimal

from organizations.tests.factories import build_city, user_with  # noqa: F401


# ------------------------------------------------------------ 党群服务中心/站 (network.centres)
def centre_at(area, level=None, **fields):
    """A service centre serving ``area`` (its level follows the area's unless given)."""
    from decimal import Decimal

    from network.centres.choices import CentreLevel
    from network.centres.models import ServiceCentre
    from organizations.areas.choices import AreaLevel

    level = level or {
        AreaLevel.DISTRICT: CentreLevel.DISTRICT, AreaLevel.STREET: CentreLevel.STREET,
        AreaLevel.COMMUNITY: CentreLevel.COMMUNITY, AreaLevel.COMPOUND: CentreLevel.COMPOUND,
    }[area.level]
    values = {"name": f"{area.name}党群服务站", "address": "测试路1号", "floor_area": Decimal("350"),
              "opening_hours": "周一至周五 8:30-17:30", "phone": "0415-2000000", "facilities": ["activity_room"]}
    values.update(fields)
    return ServiceCentre.objects.create(level=level, area=area, **values)


# ------------------------------------------------------ 示范点与星级 (network.designations)
def designation_of(subject, kind=None, **fields):
    """A designation of a party organization, an area or a service centre (``place`` from it)."""
    from datetime import date

    from network.centres.models import ServiceCentre
    from network.designations.choices import DesignationKind
    from network.designations.models import Designation
    from organizations.areas.models import Area

    if isinstance(subject, Area):
        values = {"area": subject, "place": subject, "kind": kind or DesignationKind.DEMO_COMMUNITY}
    elif isinstance(subject, ServiceCentre):
        values = {"centre": subject, "place": subject.area, "kind": kind or DesignationKind.DEMO_CENTRE}
    else:
        values = {"org": subject, "place": subject.area, "kind": kind or DesignationKind.DEMO_BRANCH}
    values.setdefault("granted_on", date(2025, 1, 1))
    values.update(fields)
    return Designation.objects.create(**values)
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
