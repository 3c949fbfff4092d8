"""Coverage of 两新 organizations per area: with a party organization, with an instructor only,
with neither — counted on a factory tree holding every case, in a pinned number of queries."""
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from dangjian.testing.clients import captured_queries, logged_in
from network.instructors import selectors
from network.instructors.tests.support import assign, instructor, unit
from network.tests.budgets import BUDGETS
from organizations.grants.choices import Role
from organizations.tests.factories import AreaFactory, build_city, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = build_city()
    a, b = w.a, w.b
    who = instructor(w.street)
    # 甲: 2 with a party org (one of them also with an instructor), 1 instructor only, 1 neither,
    # 1 instructor only through an ended assignment (so: neither), 1 property company (not 两新)
    unit(a, party_org=a.branch)
    assign(who, unit(a, kind="social_org", party_org=a.branch))
    assign(who, unit(a, kind="social_org"))
    unit(a)
    assign(who, unit(a), ended_on=date(2025, 6, 1))
    assign(who, unit(a, kind="property"))
    unit(a, kind="organ")  # not a 两新 organization
    # 乙: 1 instructor only, 1 neither
    assign(who, unit(b))
    unit(b)
    return w


def test_counts_per_child_area(world):
    cadre = user_with(Role.STREET, world.street)
    table = selectors.coverage(cadre, world.street)
    rows = {r["area"].pk: r for r in table["rows"]}
    a, b = rows[world.a.area.pk], rows[world.b.area.pk]
    assert (a["total"], a["with_org"], a["instructor_only"], a["neither"]) == (5, 2, 1, 2)
    assert (b["total"], b["with_org"], b["instructor_only"], b["neither"]) == (2, 0, 1, 1)
    total = table["total"]
    assert (total["total"], total["with_org"], total["instructor_only"], total["neither"]) == (7, 2, 2, 3)
    assert a["with_org_share"] == Decimal("40.0")
    assert a["covered_share"] == Decimal("60.0")
    assert b["neither_share"] == Decimal("50.0")


def test_community_is_its_own_row_and_empty_area_has_no_share(world):
    cadre = user_with(Role.COMMUNITY, world.a.area)
    table = selectors.coverage(cadre, world.a.area)
    assert [r["area"].pk for r in table["rows"]] == [world.a.area.pk]
    assert table["total"]["total"] == 5
    empty = AreaFactory(name="空社区", level=4, parent=world.street)
    row = selectors.coverage(user_with(Role.STREET, world.street), empty)["rows"][0]
    assert row["total"] == 0 and row["with_org_share"] is None


def test_counts_are_scoped_to_the_user(world):
    cadre = user_with(Role.COMMUNITY, world.a.area)
    assert selectors.area_coverage(cadre, world.street)["total"] == 5  # 乙's units are not theirs


def test_query_count_does_not_grow_with_children(world):
    cadre = user_with(Role.STREET, world.street)
    url = reverse("instructors:coverage", args=[world.street.pk])
    client = logged_in(cadre)
    client.get(url)
    _, few = captured_queries(client, url)
    for i in range(4):
        c = AreaFactory(name=f"新社区{i}", level=4, parent=world.street)
        unit(c)
    response, many = captured_queries(client, url)
    assert response.status_code == 200
    assert len(few) == len(many) <= BUDGETS["instructors:coverage"]
    assert "新社区3" in response.content.decode()


def test_export_has_a_row_per_child_and_the_total(world):
    import io

    import openpyxl

    cadre = user_with(Role.STREET, world.street)
    response = logged_in(cadre).get(reverse("instructors:coverage_export", args=[world.street.pk]))
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in rows] == ["甲社区", "乙社区", "合计"]
    assert rows[-1][1:3] == (7, 2) and rows[-1][4] == 2 and rows[-1][6] == 3


def test_out_of_scope_area_is_404():
    w, far = build_city(), build_city()
    cadre = user_with(Role.STREET, w.street)
    assert logged_in(cadre).get(reverse("instructors:coverage", args=[far.street.pk])).status_code == 404


def test_area_tiles_count_the_rows_in_pinned_queries(world, django_assert_max_num_queries):
    cadre = user_with(Role.STREET, world.street)
    cadre_scope = selectors.area_coverage(cadre, world.street)  # warms the scope
    with django_assert_max_num_queries(3):
        tiles = selectors.area_tiles(cadre, world.street)
    assert [t["value"] for t in tiles[:2]] == ["28.6%", "57.1%"]
    assert cadre_scope["with_org"] == 2
    assert tiles[0]["url"] == reverse("instructors:coverage", args=[world.street.pk])
    # every assignment above started 2025-01-01 and was never visited: all current ones behind
    behind = selectors.behind(cadre, date.today()).count()
    assert tiles[2]["value"] == str(behind) and behind == 4
