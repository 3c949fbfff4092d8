"""The picker endpoints of the services forms (``dangjian.pickers``): each answers a bounded
page, runs the same number of queries with more rows in scope (and within its budget in
``services/tests/budgets.py``), and lists nothing from outside the user's subtree."""
import itertools

import pytest
from django.urls import reverse

from dangjian.pickers import PAGE
from dangjian.testing import logged_in, query_count
from organizations.grants.choices import Role
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.tests.factories import MemberFactory, PartyOrgFactory, ResidentUnitFactory, user_with
from services.requests.tests.test_support import member_user, order, team
from services.tests.budgets import BUDGETS
from services.tests.factories import cadre
from services.whistles.models import Department

_serial = itertools.count()


def _member(side):
    return MemberFactory(name=f"樟{next(_serial)}", organization=side.branch, residence=side.building)


def _org(side):
    return PartyOrgFactory(name=f"樟家支部{next(_serial)}", kind=OrgKind.BRANCH, category=OrgCategory.COMPOUND,
                           area=side.compound, parent=side.committee)


def _grow_members(c, n):
    for _ in range(n):
        member_user(_member(c.a))
        member_user(_member(c.b))


def _grow_orgs(c, n):
    for _ in range(n):
        _org(c.a)
        _org(c.b)


def _grow_unit_orgs(c, n):
    for _ in range(n):
        for side in (c.a, c.b):
            PartyOrgFactory(name=f"樟局机关支部{next(_serial)}", kind=OrgKind.BRANCH, category=OrgCategory.ORGAN,
                            area=side.area, parent=side.committee)


def _grow_units(c, n):
    for _ in range(n):
        ResidentUnitFactory(name=f"樟氏公司{next(_serial)}", community=c.a.area)
        ResidentUnitFactory(name=f"樟氏公司{next(_serial)}", community=c.b.area)


def _grow_departments(c, n):
    for _ in range(n):
        Department.objects.create(area=c.street, name=f"樟部门{next(_serial)}")


def _endpoints(c):
    req = order(c.a)
    team(c.a, [])
    return {
        "pick:wish_orgs": (reverse("services:wish_pick_orgs"), _grow_orgs),
        "pick:team_members": (f"{reverse('requests:team_pick_members')}?community={c.a.area.pk}", _grow_members),
        "pick:assignees": (reverse("requests:pick_assignees", args=[req.pk]), _grow_members),
        "pick:whistle_areas": (reverse("whistles:pick_areas"), lambda c, n: None),
        "pick:whistle_departments": (reverse("whistles:pick_departments"), _grow_departments),
        "pick:whistle_units": (reverse("whistles:pick_units"), _grow_units),
        "pick:agreement_orgs": (reverse("reporting:pick_orgs"), _grow_unit_orgs),
    }


@pytest.mark.parametrize("name", ["pick:wish_orgs", "pick:team_members", "pick:assignees", "pick:whistle_areas",
                                  "pick:whistle_departments", "pick:whistle_units", "pick:agreement_orgs"])
def test_picker_query_count_is_flat_and_the_page_bounded(city, name):
    c = city
    url, grow = _endpoints(c)[name]
    assert logged_in(None).get(url).status_code == 403  # anonymous
    client = logged_in(cadre(c.a))
    client.get(url)  # warm-up
    few = query_count(client, url)
    grow(c, PAGE + 5)
    searched = f"{url}{'&' if '?' in url else '?'}q=樟"
    many = query_count(client, url)
    assert few == many == query_count(client, searched) <= BUDGETS[name], (few, many)
    data = client.get(searched).json()
    assert len(data["results"]) <= PAGE
    if name != "pick:whistle_areas":  # every grown kind matches more than a page
        assert data["more"] is True and len(data["results"]) == PAGE, data


@pytest.mark.parametrize("name", ["whistles:new", "requests:team_create"])
def test_forms_with_pickers_run_flat_queries_whatever_the_scope_holds(city, name):
    """The forms render no option list: more members, units and departments in scope add no
    query and no row to the page."""
    c = city
    url = reverse(name) + (f"?community={c.a.area.pk}" if name == "requests:team_create" else "")
    client = logged_in(cadre(c.a))
    client.get(url)
    few = query_count(client, url)
    _grow_members(c, 5)
    _grow_units(c, 5)
    _grow_departments(c, 5)
    page = client.get(url).content.decode()
    assert query_count(client, url) == few <= BUDGETS[name]
    assert "樟" not in page  # none of the new names is rendered up front


@pytest.mark.parametrize("route", ["services:wish_communities", "requests:communities"])
def test_public_community_picker_searches_communities_for_anyone(city, route):
    """The residents' forms pick the community by searching (a province has thousands): the
    endpoint is public (communities are public data), bounded, and flat in queries; the
    form renders only the chosen community."""
    from organizations.areas.choices import AreaLevel
    from organizations.tests.factories import AreaFactory

    c = city
    client = logged_in(None)
    url = reverse(route)
    client.get(url)
    few = query_count(client, url)
    for _ in range(PAGE + 5):
        AreaFactory(name=f"樟{next(_serial)}社区", level=AreaLevel.COMMUNITY, parent=c.street)
    assert query_count(client, url) == few <= BUDGETS["pick:communities"]
    data = client.get(url, {"q": "樟"}).json()
    assert data["more"] is True and len(data["results"]) == PAGE
    assert [r["id"] for r in client.get(url, {"q": c.a.area.name}).json()["results"]] == [c.a.area.pk]
    by_street = {r["id"] for r in client.get(url, {"q": c.street.name}).json()["results"]}
    assert c.a.area.pk in by_street  # the street's name finds its communities
    form = reverse("services:wish_submit" if route.startswith("services") else "requests:submit")
    page = client.get(form, {"community": c.a.area.pk}).content.decode()
    assert c.a.area.name in page and "樟" not in page and c.b.area.name not in page


def test_agreement_org_picker_lists_the_users_unit_organizations_only(city):
    """The co-building agreement's 报到党组织: unit organizations (no territorial ones) of the
    user's subtree; another community's is neither listed nor accepted by the form."""
    c = city
    _grow_unit_orgs(c, 1)
    client = logged_in(cadre(c.a))
    rows = client.get(reverse("reporting:pick_orgs")).json()["results"]
    names = {r["text"] for r in rows}
    assert len(rows) == 1 and next(iter(names)).endswith(f"（{c.a.area.name}）")
    assert c.a.committee.pk not in {r["id"] for r in rows}  # territorial: not a reporting organization
    from organizations.orgs.models import PartyOrg

    foreign = PartyOrg.objects.filter(category=OrgCategory.ORGAN, area=c.b.area).get()
    url = reverse("reporting:agreement_create") + f"?community={c.a.area.pk}"
    response = client.post(url, {"org": foreign.pk, "title": "x", "text": "y", "starts_on": "2026-01-01",
                                 "ends_on": "2026-12-31"})
    assert response.status_code == 400 and "不在您的管辖范围内" in response.content.decode()
    assert logged_in(user_with(Role.GRID, c.a.area)).get(reverse("reporting:pick_orgs")).status_code == 403
