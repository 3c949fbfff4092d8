"""The floor-area standard of the nearest locality, the coverage figures (set-based, with
gaps), the public finder's centres and the dashboard tiles."""
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from network.centres import selectors
from network.centres.choices import CentreLevel
from network.centres.models import FloorAreaStandard, ServiceCentre
from network.tests.factories import centre_at
from organizations.areas.choices import AreaLevel
from organizations.grants.choices import Role
from organizations.tests.factories import AreaFactory, build_community, user_with

pytestmark = pytest.mark.django_db


def meets(centre):
    return selectors.with_standard(ServiceCentre.objects.filter(pk=centre.pk)).get()


def test_the_standard_of_the_nearest_locality_applies(city):
    FloorAreaStandard.objects.create(area=city.city, level=CentreLevel.STREET, min_floor_area=Decimal("600"))
    FloorAreaStandard.objects.create(area=city.city, level=CentreLevel.COMMUNITY, min_floor_area=Decimal("300"))
    street_centre = centre_at(city.street, floor_area=Decimal("800"))
    station = centre_at(city.a.area, floor_area=Decimal("299.99"))
    row = meets(street_centre)
    assert (row.standard, row.meets) == (Decimal("600"), True)
    assert meets(station).meets is False
    # the district has its own, stricter, street standard: nearer than the city's, it applies
    FloorAreaStandard.objects.create(area=city.district, level=CentreLevel.STREET, min_floor_area=Decimal("1200"))
    row = meets(street_centre)
    assert (row.standard, row.meets) == (Decimal("1200"), False)
    # a standard for another level or another locality does not apply
    other_city = AreaFactory(level=AreaLevel.CITY)
    FloorAreaStandard.objects.create(area=other_city, level=CentreLevel.COMPOUND, min_floor_area=Decimal("1"))
    compound_station = centre_at(city.a.compound, floor_area=Decimal("50"))
    assert (meets(compound_station).standard, meets(compound_station).meets) == (None, None)
    assert selectors.standard_for(CentreLevel.STREET, city.street).area == city.district


def test_coverage_counts_per_child_with_gaps(city):
    """Street 兴东 holds 甲 and 乙 (+ 丙 without a station); a second street has no centre at all."""
    FloorAreaStandard.objects.create(area=city.city, level=CentreLevel.COMMUNITY, min_floor_area=Decimal("300"))
    second = AreaFactory(level=AreaLevel.STREET, parent=city.district, name="六道口街道")
    build_community(second, city.street_org, "丁")
    bing = AreaFactory(level=AreaLevel.COMMUNITY, parent=city.street, name="丙社区")
    centre_at(city.district)
    centre_at(city.street, floor_area=Decimal("900"))
    centre_at(city.a.area, floor_area=Decimal("400"))
    centre_at(city.b.area, floor_area=Decimal("200"))
    centre_at(city.a.compound)
    centre_at(city.b.compound, is_active=False)  # deactivated: not counted
    assert bing.pk
    with CaptureQueriesContext(connection) as ctx:
        report = selectors.coverage(city.district)
    assert len(ctx.captured_queries) == 3
    rows = {row.area.name: row.figures for row in report.children}
    assert set(rows) == {"兴东街道", "六道口街道"}
    east, six = rows["兴东街道"], rows["六道口街道"]
    assert east.centres_by_level == [0, 1, 2, 1]
    assert (east.streets, east.streets_served, east.communities, east.communities_served) == (1, 1, 3, 2)
    assert east.communities_without == 1
    assert (east.judged, east.meets, east.meets_share) == (2, 1, Decimal("50.0"))
    assert six.centres_by_level == [0, 0, 0, 0]
    assert (six.streets_without, six.communities_without, six.meets_share) == (1, 1, None)
    # the district's own centre counts in the total, in no child
    total = report.total
    assert total.centres_by_level == [1, 1, 2, 1]
    assert (total.streets, total.streets_served, total.communities, total.communities_served) == (2, 1, 4, 2)


def test_the_coverage_query_count_does_not_grow_with_the_tree(city):
    centre_at(city.a.area)
    with CaptureQueriesContext(connection) as few:
        selectors.coverage(city.city)
    for i in range(4):
        street = AreaFactory(level=AreaLevel.STREET, parent=city.district, name=f"新街道{i}")
        centre_at(street)
        build_community(street, city.street_org, f"新{i}")
    with CaptureQueriesContext(connection) as many:
        report = selectors.coverage(city.city)
    assert len(few.captured_queries) == len(many.captured_queries) == 3
    assert report.total.streets == 5 and report.total.streets_served == 4


def test_centres_serving_a_community_are_its_own_its_compounds_its_street_s_and_district_s(city):
    own = centre_at(city.a.area)
    compound = centre_at(city.a.compound)
    street = centre_at(city.street)
    district = centre_at(city.district)
    centre_at(city.b.area)  # another community's
    centre_at(city.b.compound)
    centre_at(city.a.compound, name="已停用站", is_active=False)
    with CaptureQueriesContext(connection) as ctx:
        rows = list(selectors.centres_serving(city.a.area))
    assert len(ctx.captured_queries) == 1
    assert [c.pk for c in rows] == [own.pk, compound.pk, street.pk, district.pk]


def test_area_tiles_count_the_rows_of_the_subtree_the_user_sees(city):
    FloorAreaStandard.objects.create(area=city.city, level=CentreLevel.COMMUNITY, min_floor_area=Decimal("300"))
    centre_at(city.street)
    centre_at(city.a.area, floor_area=Decimal("500"))
    centre_at(city.b.area, floor_area=Decimal("100"))
    centre_at(city.a.compound)
    centre_at(city.a.compound, name="停用", is_active=False)
    street_cadre = user_with(Role.STREET, city.street)
    with CaptureQueriesContext(connection) as ctx:
        tiles = selectors.area_tiles(street_cadre, city.street)
    assert len(ctx.captured_queries) <= 3
    values = {t["label"]: t["value"] for t in tiles}
    assert values["街道党群服务中心"] == "1"
    assert values["社区党群服务站"] == "2"
    assert values["小区党群服务站"] == "1"
    assert values["区级党群服务中心"] == "0"
    assert values["阵地面积达标率"] == "50.0%"
    # each tile's list counts the same rows
    from dangjian.testing.clients import logged_in
    client = logged_in(street_cadre)
    for tile in tiles:
        if tile["url"]:
            response = client.get(tile["url"])
            assert response.status_code == 200
            expected = tile["value"] if tile["label"] != "阵地面积达标率" else "1"
            assert str(response.context["page_obj"].paginator.count) == expected, tile
    # a community cadre of 甲 sees only 甲's rows
    tiles = selectors.area_tiles(user_with(Role.COMMUNITY, city.a.area), city.street)
    assert {t["label"]: t["value"] for t in tiles}["社区党群服务站"] == "1"
