"""Territory browser, area forms and the per-role home page."""

import pytest
from django.urls import reverse

from dangjian.models import AuditEvent
from dangjian.testing import assert_max_queries, count_queries, logged_in
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.grants.choices import Role
from organizations.tests.budgets import BUDGETS
from organizations.tests.factories import (
    AreaFactory,
    CentralHouseholdFactory,
    MemberFactory,
    PartyOrgFactory,
    UserFactory,
    build_community,
    grant,
    user_with,
)

pytestmark = pytest.mark.django_db


def detail(area):
    return reverse("organizations:area_detail", args=[area.pk])


# ------------------------------------------------------------------ access and scope
# The index and the area page are the contracts' (organizations/tests/test_contracts.py).
@pytest.mark.parametrize("name,args", [
    ("organizations:area_create", []),
    ("organizations:area_edit", [1]),
])
def test_anonymous_is_sent_to_login(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_community_cadre_gets_404_on_the_other_community(client, city):
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    for area in (city.b.area, city.b.compound, city.b.building, city.street, city.city):
        assert client.get(detail(area)).status_code == 404
        assert client.get(reverse("organizations:area_edit", args=[area.pk])).status_code == 404
    assert client.get(detail(city.a.building)).status_code == 200


def test_area_index_redirects_to_the_single_top_area(client, city):
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    response = client.get(reverse("organizations:area_index"))
    assert response.status_code == 302 and response["Location"] == detail(city.a.area)


def test_area_index_lists_several_top_areas(client, city):
    user = user_with(Role.COMMUNITY, city.a.area)
    grant(user, Role.COMMUNITY, city.b.area)
    response = logged_in(user, client).get(reverse("organizations:area_index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "甲社区" in html and "乙社区" in html
    assert detail(city.a.area) in html and detail(city.b.area) in html


def test_area_index_without_grants_says_so(client, db):
    response = logged_in(UserFactory(), client).get(reverse("organizations:area_index"))
    assert "您还没有被授权查看任何区域" in response.content.decode()


def test_children_table_never_lists_the_other_community(client, city):
    response = logged_in(user_with(Role.COMMUNITY, city.a.area), client).get(detail(city.a.area))
    children = [c.name for c in response.context["children"]]
    assert children == ["甲小区"]
    assert "乙" not in response.content.decode()


def test_org_grant_sees_only_anchor_areas_among_children(client, city):
    # A department holding a grant on a branch sees the areas its organizations are anchored
    # to (the compound, and the building of the branch's group), not the rest of the compound.
    other_building = AreaFactory(name="甲2号楼", level=AreaLevel.BUILDING, parent=city.a.compound)
    user = user_with(Role.DEPARTMENT, city.a.branch)
    response = logged_in(user, client).get(detail(city.a.compound))
    assert response.status_code == 200
    assert [c.pk for c in response.context["children"]] == [city.a.building.pk]
    assert "甲2号楼" not in response.content.decode()
    assert client.get(detail(other_building)).status_code == 404
    assert client.get(detail(city.a.area)).status_code == 404


# ------------------------------------------------------------------ the detail page
def test_city_page_shows_subtree_figures_and_children(client, city):
    CentralHouseholdFactory(member=city.a.members[0], building=city.a.building)
    response = logged_in(user_with(Role.DISTRICT, city.city), client).get(detail(city.city))
    assert response.status_code == 200
    cards = {c["label"]: c["value"] for c in response.context["cards"]}
    assert cards["街道"] == 1
    assert cards["社区"] == 2
    assert cards["小区"] == 2
    assert cards["楼栋"] == 2
    assert cards["小区党支部"] == 2
    assert cards["楼道党小组"] == 2
    assert cards["党员中心户"] == 1
    assert cards["党员"] == 4
    assert cards["住户"] == 48
    [district] = response.context["children"]
    assert district.pk == city.district.pk
    assert district.member_count == 4 and district.child_count == 1
    assert f'href="{detail(city.district)}"' in response.content.decode()


def test_building_page_lists_residents_masked_and_central_households(client, city):
    resident = city.a.members[0]
    CentralHouseholdFactory(member=resident, building=city.a.building, linked_households=12, linked_rooms="1-101")
    response = logged_in(user_with(Role.COMMUNITY, city.a.area), client).get(detail(city.a.building))
    html = response.content.decode()
    assert resident.name in html
    assert resident.phone_masked in html
    assert resident.phone not in html
    assert resident.id_number not in html
    assert "1-101" in html and "联系 12 户" in html
    assert {m.pk for m in response.context["residents"]} == {m.pk for m in city.a.members}
    cards = {c["label"]: c["value"] for c in response.context["cards"]}
    assert cards["住户"] == 24 and cards["党员"] == 2 and cards["党员中心户"] == 1
    assert "社区" not in cards and "楼栋" not in cards  # no level cards above the building


def test_breadcrumb_links_only_ancestors_in_scope(client, city):
    response = logged_in(user_with(Role.COMMUNITY, city.a.area), client).get(detail(city.a.building))
    crumbs = response.context["crumbs"]
    by_label = {c["label"]: c["url"] for c in crumbs}
    assert by_label["甲社区"] == detail(city.a.area)
    assert by_label["甲小区"] == detail(city.a.compound)
    assert by_label["兴东街道"] is None
    assert by_label[city.city.name] is None
    html = response.content.decode()
    assert detail(city.street) not in html and detail(city.city) not in html
    assert "兴东街道" in html


def test_manage_buttons_only_for_manage_roles(client, city):
    new_child = reverse("organizations:area_create") + f"?parent={city.a.area.pk}"
    html = logged_in(user_with(Role.COMMUNITY, city.a.area), client).get(detail(city.a.area)).content.decode()
    assert "新增下级区域" in html and new_child in html
    assert reverse("organizations:area_edit", args=[city.a.area.pk]) in html

    html = logged_in(user_with(Role.GRID, city.a.area), client).get(detail(city.a.area)).content.decode()
    assert "新增下级区域" not in html
    assert reverse("organizations:area_edit", args=[city.a.area.pk]) not in html


def test_organizations_anchored_here_are_listed(client, city):
    html = logged_in(user_with(Role.COMMUNITY, city.a.area), client).get(detail(city.a.compound)).content.decode()
    assert reverse("organizations:org_detail", args=[city.a.branch.pk]) in html
    assert "甲小区党支部" in html


# ------------------------------------------------------------------ query counts
def _grow_community(community, street, street_org, n):
    """Add n compounds (each with a building, a branch and residents) to a community."""
    for i in range(n):
        compound = AreaFactory(level=AreaLevel.COMPOUND, parent=community.area)
        building = AreaFactory(level=AreaLevel.BUILDING, parent=compound, households=10)
        branch = PartyOrgFactory(area=compound, parent=community.committee)
        member = MemberFactory(organization=branch, residence=community.building)
        MemberFactory(organization=branch, residence=building)
        if i % 2 == 0:
            CentralHouseholdFactory(member=member, building=community.building)


def test_area_detail_query_count_does_not_grow(client, city):
    user = user_with(Role.COMMUNITY, city.a.area)
    logged_in(user, client)
    _grow_community(city.a, city.street, city.street_org, 3)
    small = {a: count_queries(lambda a=a: client.get(detail(a))) for a in (city.a.area, city.a.building)}
    _grow_community(city.a, city.street, city.street_org, 30)
    for area in (city.a.area, city.a.building):
        with assert_max_queries(small[area]):
            response = client.get(detail(area))
        assert response.status_code == 200
    assert len(response.context["residents"]) > 30
    budget = BUDGETS["organizations:area_detail"]
    assert small[city.a.area] <= budget and small[city.a.building] <= budget


def test_area_index_and_home_query_counts_do_not_grow(client, city):
    user = user_with(Role.COMMUNITY, city.a.area)
    grant(user, Role.COMMUNITY, city.b.area)
    logged_in(user, client)
    index = count_queries(lambda: client.get(reverse("organizations:area_index")))
    home = count_queries(lambda: client.get(reverse("home")))
    for label in ("丙", "丁", "戊"):
        build_community(city.street, city.street_org, label, members=5)
    _grow_community(city.a, city.street, city.street_org, 20)
    with assert_max_queries(index):
        client.get(reverse("organizations:area_index"))
    with assert_max_queries(home):
        client.get(reverse("home"))


# ------------------------------------------------------------------ forms
def _area_post(parent, **overrides):
    data = {"parent": parent.pk if parent else "", "name": "新区域", "code": "NEW-001", "level": AreaLevel.COMPOUND,
            "address": "", "households": "", "building_use": ""}
    data.update(overrides)
    return data


def test_create_form_prefills_parent_and_next_level(client, city):
    response = logged_in(user_with(Role.COMMUNITY, city.a.area), client).get(
        reverse("organizations:area_create") + f"?parent={city.a.area.pk}"
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form["parent"].value() == city.a.area.pk
    assert form["level"].value() == AreaLevel.COMPOUND


def test_street_under_community_shows_the_level_error_and_writes_nothing(client, city):
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    before = Area.objects.count()
    response = client.post(
        reverse("organizations:area_create") + f"?parent={city.a.area.pk}",
        _area_post(city.a.area, level=AreaLevel.STREET, name="错误街道"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "必须比上级区域" in errors["level"][0] and "层级更低" in errors["level"][0]
    html = response.content.decode()
    assert "is-invalid" in html and "invalid-feedback" in html
    assert Area.objects.count() == before
    assert not AuditEvent.objects.filter(verb="area.create").exists()


def test_parent_code_out_of_scope_is_a_field_error(client, city):
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    response = client.post(reverse("organizations:area_create"), _area_post(city.b.area))
    assert response.status_code == 200
    assert "不在您的管辖范围内" in response.context["form"].errors["parent"][0]
    assert not Area.objects.filter(code="NEW-001").exists()


def test_missing_required_fields_are_field_errors(client, city):
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    response = client.post(reverse("organizations:area_create"), _area_post(None, name="", code=""))
    errors = response.context["form"].errors
    assert set(errors) >= {"name", "code", "parent"}
    assert Area.objects.filter(name="").count() == 0


def test_valid_create_redirects_with_message_and_audit(client, city):
    user = user_with(Role.COMMUNITY, city.a.area)
    logged_in(user, client)
    response = client.post(reverse("organizations:area_create"), _area_post(city.a.area, name="新建小区"), follow=True)
    area = Area.objects.get(code="NEW-001")
    assert area.parent == city.a.area and area.level == AreaLevel.COMPOUND
    assert response.redirect_chain[-1][0] == detail(area)
    assert "已新增区域“新建小区”" in response.content.decode()
    event = AuditEvent.objects.get(verb="area.create", target_id=str(area.pk))
    assert event.actor == user


def test_grid_worker_cannot_create_or_edit(client, city):
    logged_in(user_with(Role.GRID, city.a.area), client)
    response = client.get(reverse("organizations:area_create") + f"?parent={city.a.area.pk}")
    assert response.status_code == 403
    assert "无权" in response.content.decode()
    response = client.post(reverse("organizations:area_edit", args=[city.a.compound.pk]), _area_post(city.a.area))
    assert response.status_code == 403
    assert not AuditEvent.objects.exists()


def test_create_under_out_of_scope_parent_is_404(client, city):
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    assert client.get(reverse("organizations:area_create") + f"?parent={city.b.area.pk}").status_code == 404
    assert client.get(reverse("organizations:area_create") + "?parent=abc").status_code == 404
    assert client.get(reverse("organizations:area_create") + "?parent=²").status_code == 404


def test_edit_saves_through_the_action(client, city):
    user = user_with(Role.COMMUNITY, city.a.area)
    logged_in(user, client)
    url = reverse("organizations:area_edit", args=[city.a.compound.pk])
    form = client.get(url).context["form"]
    assert form["parent"].value() == city.a.area.pk
    response = client.post(url, _area_post(city.a.area, name="甲小区（改）", code=city.a.compound.code, households="5"))
    assert response.status_code == 302
    city.a.compound.refresh_from_db()
    assert city.a.compound.name == "甲小区（改）" and city.a.compound.households == 5
    event = AuditEvent.objects.get(verb="area.update", target_id=str(city.a.compound.pk))
    assert event.changes["name"] == ["甲小区", "甲小区（改）"]


def test_edit_top_area_parent_stays_empty_for_district(client, city):
    # The district cadre granted on the city edits the city itself: no parent is asked for.
    logged_in(user_with(Role.DISTRICT, city.city), client)
    url = reverse("organizations:area_edit", args=[city.city.pk])
    response = client.post(url, _area_post(None, name=city.city.name, code=city.city.code, level=AreaLevel.CITY, address="人民路1号"))
    assert response.status_code == 302
    city.city.refresh_from_db()
    assert city.city.address == "人民路1号"
