"""The meter's pages and API: who sees what, scoping (404 out of scope), tree order whatever
the figures and whatever ``?sort=`` says, pinned query counts."""
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.burden.tests.support import local, scored, tally
from assessments.tests.budgets import BUDGETS
from dangjian.testing.clients import api_client, logged_in
from organizations.areas.choices import AreaLevel
from organizations.grants.choices import Role
from organizations.tests.factories import AreaFactory, build_city, user_with

pytestmark = pytest.mark.django_db
MARCH = "2026-03"


def _rows(response):
    return response.context["rows"]


def test_a_community_cadre_lands_on_their_communitys_year(city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    tally(cadre, 4, at=local(2026, 3, 3))
    scored(city.a.compound, local(2026, 3, 9), computed=4, manual=0)
    client = logged_in(cadre)
    landing = client.get(reverse("burden:index"))
    assert landing.status_code == 302 and landing["Location"] == reverse("burden:community", args=[city.a.area.pk])
    page = client.get(landing["Location"], {"year": 2026})
    assert page.status_code == 200
    march = next(r for r in _rows(page) if r.month == date(2026, 3, 1))
    assert (march.typed_total, march.derived_total, str(march.share)) == (4, 4, "50.0")
    html = page.content.decode()
    assert 'data-testid="burden-rule"' in html and "自动生成率" in html and "不对社区排名" in html
    assert 'data-month="2026-03"' in html and "50.0%" in html


def test_a_cadre_may_not_open_another_community(city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    assert logged_in(cadre).get(reverse("burden:community", args=[city.b.area.pk])).status_code == 404


def test_a_street_cadre_picks_a_community_of_their_street_not_of_another(city):
    street = user_with(Role.STREET, city.street)
    other = build_city()
    client = logged_in(street)
    picked = client.get(reverse("burden:index"), {"community": city.b.area.pk})
    assert picked["Location"] == reverse("burden:community", args=[city.b.area.pk])
    assert client.get(picked["Location"]).status_code == 200
    assert client.get(reverse("burden:community", args=[other.a.area.pk])).status_code == 404
    assert client.get(reverse("burden:area", args=[other.street.pk])).status_code == 404
    missing = client.get(reverse("burden:community", args=[other.a.area.pk + 10**6]))
    assert missing.status_code == 404
    # the picker refuses the other street's community like a missing one: the landing page stays
    assert client.get(reverse("burden:index"), {"community": other.a.area.pk})["Location"] == (
        reverse("burden:area", args=[city.street.pk]))


@pytest.mark.parametrize("role", [Role.MEMBER, Role.GRID, Role.DEPARTMENT])
def test_members_grid_workers_and_units_do_not_see_the_page(city, role):
    user = user_with(role, city.a.area if role != Role.GRID else city.a.compound)
    client = logged_in(user)
    for url in (reverse("burden:index"), reverse("burden:community", args=[city.a.area.pk])):
        assert client.get(url).status_code == 403
    assert api_client(user).get("/api/burden/").status_code == 403
    assert reverse("burden:index") not in client.get(reverse("home")).content.decode()


def test_the_menu_links_the_meter_for_a_cadre(city):
    html = logged_in(user_with(Role.COMMUNITY, city.a.area)).get(reverse("home")).content.decode()
    assert reverse("burden:index") in html and "减负监测" in html


def _street_with_communities(city, n=3):
    """More communities under the street (names that sort against tree order)."""
    extra = [AreaFactory(level=AreaLevel.COMMUNITY, parent=city.street, name=f"{'丙丁戊'[i]}社区") for i in range(n)]
    return [city.a.area, city.b.area, *extra]


def test_the_month_view_is_in_tree_order_whatever_the_figures_or_sort_parameters(city):
    street = user_with(Role.STREET, city.street)
    communities = _street_with_communities(city)
    for i, community in enumerate(reversed(communities)):  # the last community the most typed, and so on
        tally(user_with(Role.COMMUNITY, community), 10 * (i + 1), at=local(2026, 3, 5))
    scored(communities[-1], local(2026, 3, 6), computed=9)
    client = logged_in(street)
    url = reverse("burden:area", args=[city.street.pk])
    expected = [c.pk for c in sorted(communities, key=lambda c: (c.tree_id, c.lft))]
    orders = []
    for params in ({}, {"sort": "-typed"}, {"sort": "share"}, {"o": "-share"}, {"o": "typed", "sort": "name"}):
        response = client.get(url, {"month": MARCH, **params})
        assert response.status_code == 200
        orders.append([r.community.pk for r in _rows(response)])
    assert all(order == expected for order in orders)
    # the figures are what they are (not ordered): typed descend along the tree here
    typed = [r.typed_total for r in _rows(client.get(url, {"month": MARCH}))]
    assert typed == sorted(typed, reverse=True) and len(set(typed)) == len(typed)


def test_the_api_lists_month_rows_of_visible_communities_in_tree_order(city):
    street = user_with(Role.STREET, city.street)
    tally(user_with(Role.COMMUNITY, city.b.area), 7, at=local(2026, 3, 5))
    build_city()  # another street's communities: never listed
    data = api_client(street).get("/api/burden/", {"month": MARCH, "sort": "-typed_total"}).json()
    rows = data["results"]
    assert [r["community"] for r in rows] == [city.a.area.pk, city.b.area.pk]
    assert rows[1]["typed"] == {"form": 7} and rows[1]["typed_total"] == 7 and rows[1]["month"] == MARCH
    assert rows[0]["share"] is None
    cadre = api_client(user_with(Role.COMMUNITY, city.a.area)).get("/api/burden/", {"month": MARCH}).json()
    assert [r["community"] for r in cadre["results"]] == [city.a.area.pk]
    assert api_client(street).get("/api/burden/", {"month": "March"}).status_code == 400


# ------------------------------------------------------------------------- queries
def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_pinned_queries_flat_with_more_communities_and_records(city):
    street = user_with(Role.STREET, city.street)
    client = logged_in(street)
    cadre = user_with(Role.COMMUNITY, city.a.area)
    pages = [
        ("burden:area", reverse("burden:area", args=[city.street.pk]), {"month": MARCH}),
        ("burden:community", reverse("burden:community", args=[city.a.area.pk]), {"year": 2026}),
    ]
    before = {name: _count(client, url, params) for name, url, params in pages}
    api_before = _count(api_client(street), "/api/burden/", {"month": MARCH})
    for community in _street_with_communities(city):
        tally(user_with(Role.COMMUNITY, community), 3, at=local(2026, 3, 5))
        tally(user_with(Role.COMMUNITY, community), 2, channel="import", source="import:members", at=local(2026, 3, 6))
        scored(community, local(2026, 3, 7))
    tally(cadre, 5, at=local(2026, 7, 1))
    scored(city.a.building, local(2026, 7, 2))
    for name, url, params in pages:
        after = _count(client, url, params)
        assert after == before[name] <= BUDGETS[name], (name, before[name], after)
    api_after = _count(api_client(street), "/api/burden/", {"month": MARCH})
    assert api_after == api_before <= BUDGETS["burden-list"]
