"""The organizations pickers (``organizations:pick_areas``, ``organizations:pick_orgs``), used
by every form that once asked for a typed code (members, organizations, areas, units, the
grid and team community step): scoped to the user's subtree, bounded, flat in queries, and
the forms take the picked ids (an id outside the subtree is a form error)."""
import itertools

import pytest
from django.urls import reverse

from dangjian.pickers import PAGE
from dangjian.testing import logged_in, query_count
from organizations.areas.choices import AreaLevel
from organizations.grants.choices import Role
from organizations.members.models import Member
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.tests.budgets import BUDGETS
from organizations.tests.factories import AreaFactory, PartyOrgFactory, user_with

pytestmark = pytest.mark.django_db
_serial = itertools.count()


def _grow_buildings(c, n):
    for side in (c.a, c.b):
        for _ in range(n):
            AreaFactory(name=f"樟{next(_serial)}号楼", level=AreaLevel.BUILDING, parent=side.compound)


def _grow_orgs(c, n):
    for side in (c.a, c.b):
        for _ in range(n):
            PartyOrgFactory(name=f"樟家支部{next(_serial)}", kind=OrgKind.BRANCH, category=OrgCategory.COMPOUND,
                            area=side.compound, parent=side.committee)


ENDPOINTS = {
    "pick:areas": (lambda: reverse("organizations:pick_areas"), _grow_buildings),
    "pick:areas?level": (lambda: f"{reverse('organizations:pick_areas')}?level={AreaLevel.BUILDING}", _grow_buildings),
    "pick:orgs": (lambda: reverse("organizations:pick_orgs"), _grow_orgs),
}


@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_picker_is_scoped_bounded_and_flat_in_queries(city, name):
    c = city
    make_url, grow = ENDPOINTS[name]
    url = make_url()
    assert logged_in(None).get(url).status_code == 403  # anonymous
    client = logged_in(user_with(Role.COMMUNITY, c.a.area))
    client.get(url)  # warm-up
    few = query_count(client, url)
    grow(c, PAGE + 5)
    searched = f"{url}{'&' if '?' in url else '?'}q=樟"
    assert few == query_count(client, url) == query_count(client, searched) <= BUDGETS[name]
    data = client.get(searched).json()
    assert len(data["results"]) == PAGE and data["more"] is True
    # nothing of community B, whatever is searched
    mine = {r["id"] for r in client.get(url, {"q": "甲"}).json()["results"]}
    theirs = {r["id"] for r in client.get(url, {"q": "乙"}).json()["results"]}
    assert mine and not theirs


def test_the_area_picker_lists_the_asked_levels_and_labels_with_the_parent(client, city):
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    url = reverse("organizations:pick_areas")
    rows = client.get(url, {"level": AreaLevel.BUILDING}).json()["results"]
    assert rows == [{"id": city.a.building.pk, "text": f"{city.a.compound.name} · {city.a.building.name}"}]
    everything = {r["id"] for r in client.get(url).json()["results"]}
    assert everything == {city.a.area.pk, city.a.compound.pk, city.a.building.pk}
    assert client.get(url, {"level": "x"}).json()["results"]  # an unknown level is ignored, never a 500
    # the compound's name finds its buildings
    assert [r["id"] for r in client.get(url, {"level": AreaLevel.BUILDING, "q": city.a.compound.name}).json()["results"]] == [
        city.a.building.pk]


def test_the_member_form_renders_pickers_and_takes_the_picked_ids(client, city):
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    url = reverse("organizations:member_create")
    html = client.get(url).content.decode()
    assert f'data-picker="{reverse("organizations:pick_orgs")}"' in html
    assert f'data-picker="{reverse("organizations:pick_areas")}?level={AreaLevel.BUILDING}"' in html
    assert "编码" not in html and city.b.branch.name not in html  # no code to type, no list of the scope
    data = {"name": "选来的党员", "gender": "F", "status": "full", "organization": city.a.branch.pk, "org_role": "member",
            "residence": city.a.building.pk, "employer": "", "employer_org": "", "phone": "", "id_number": ""}
    assert client.post(url, data).status_code == 302
    member = Member.objects.get(name="选来的党员")
    assert (member.organization, member.residence) == (city.a.branch, city.a.building)
    for field, foreign in (("organization", city.b.branch.pk), ("residence", city.b.building.pk),
                           ("employer_org", city.b.committee.pk)):
        response = client.post(url, {**data, "name": "越权党员", field: foreign})
        assert "不在您的管辖范围内" in response.context["form"].errors[field][0], field
    response = client.post(url, {**data, "name": "越权党员", "residence": city.a.compound.pk})
    assert "请选择楼栋" in response.context["form"].errors["residence"][0]
    assert not Member.objects.filter(name="越权党员").exists()


def test_editing_keeps_a_stored_residence_of_another_level(client, city):
    """An older record living at a compound: saving the member's form unchanged keeps it."""
    member = city.a.members[0]
    Member.objects.filter(pk=member.pk).update(residence=city.a.compound)
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    url = reverse("organizations:member_edit", args=[member.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items() if v is not False}
    assert client.post(url, data).status_code == 302
    member.refresh_from_db()
    assert member.residence == city.a.compound


def test_the_area_and_org_forms_take_picked_ids(client, city):
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    area_data = {"parent": city.a.compound.pk, "name": "甲2号楼", "code": "A-B2", "level": AreaLevel.BUILDING,
                 "address": "", "households": "", "building_use": ""}
    assert client.post(reverse("organizations:area_create"), area_data).status_code == 302
    refused = client.post(reverse("organizations:area_create"), {**area_data, "code": "A-B3", "parent": city.b.compound.pk})
    assert "不在您的管辖范围内" in refused.context["form"].errors["parent"][0]
    html = client.get(reverse("organizations:unit_create")).content.decode()
    assert f'data-picker="{reverse("organizations:pick_areas")}?level={AreaLevel.COMMUNITY}"' in html
