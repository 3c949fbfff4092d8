"""Helpers for the network tests; the trees, people and accounts come from
``organizations.tests.factories`` (``build_city``, ``user_with``, ``MemberFactory``, …)."""
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
