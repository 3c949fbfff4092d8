"""Party-organization pages: list, detail with threshold warnings, create and edit."""
from datetime import date

import pytest
from django.urls import reverse

from dangjian.models import AuditEvent
from dangjian.testing import logged_in
from organizations.grants.choices import Role
from organizations.members.choices import OrgRole
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg
from organizations.tests.factories import MemberFactory, PartyOrgFactory, UserFactory, user_with

pytestmark = pytest.mark.django_db


def detail(org):
    return reverse("organizations:org_detail", args=[org.pk])


@pytest.fixture
def org_list_url():
    return reverse("organizations:org_list")


# ------------------------------------------------------------------ access and scope
# The list and the organization page are the contracts' (organizations/tests/test_contracts.py).
@pytest.mark.parametrize("name,args", [
    ("organizations:org_create", []),
    ("organizations:org_edit", [1]),
])
def test_anonymous_is_sent_to_login(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_community_cadre_never_sees_the_other_community(client, city, org_list_url):
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    for org in (city.b.committee, city.b.branch, city.b.group, city.street_org, city.city_org):
        assert client.get(detail(org)).status_code == 404
        assert client.get(reverse("organizations:org_edit", args=[org.pk])).status_code == 404
    response = client.get(org_list_url)
    names = {o.name for o in response.context["page_obj"]}
    assert names == {"甲社区党委", "甲小区党支部", "甲1号楼党小组"}
    assert "乙" not in response.content.decode()


def test_search_and_filters(client, city, org_list_url):
    logged_in(user_with(Role.DISTRICT, city.city), client)
    page = client.get(org_list_url, {"q": "小区党支部"}).context["page_obj"]
    assert {o.pk for o in page} == {city.a.branch.pk, city.b.branch.pk}
    page = client.get(org_list_url, {"q": city.a.group.code}).context["page_obj"]
    assert [o.pk for o in page] == [city.a.group.pk]
    page = client.get(org_list_url, {"kind": OrgKind.GROUP}).context["page_obj"]
    assert {o.pk for o in page} == {city.a.group.pk, city.b.group.pk}
    page = client.get(org_list_url, {"category": OrgCategory.STREET}).context["page_obj"]
    assert [o.pk for o in page] == [city.street_org.pk]
    # An unknown choice is dropped, not an error page.
    assert client.get(org_list_url, {"kind": "nonsense"}).status_code == 200


def test_list_is_paginated_by_50(client, city, org_list_url):
    for _ in range(60):
        PartyOrgFactory(area=city.a.compound, parent=city.a.committee)
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    response = client.get(org_list_url)
    page = response.context["page_obj"]
    assert len(page.object_list) == 50 and page.paginator.num_pages == 2 and page.paginator.count == 63
    assert "第 1 / 2 页" in response.content.decode()
    assert len(client.get(org_list_url, {"page": 2}).context["page_obj"].object_list) == 13


# ------------------------------------------------------------------ detail
def test_detail_shows_chain_children_members_and_term(client, city):
    secretary = city.a.members[0]
    PartyOrg.objects.filter(pk=city.a.branch.pk).update(secretary=secretary, term_started_on=date(2024, 3, 1), term_years=3)
    secretary.org_role = OrgRole.SECRETARY
    secretary.save()
    response = logged_in(user_with(Role.COMMUNITY, city.a.area), client).get(detail(city.a.branch))
    html = response.content.decode()
    crumbs = {c["label"]: c["url"] for c in response.context["crumbs"]}
    assert crumbs["甲社区党委"] == detail(city.a.committee)
    assert crumbs["兴东街道党工委"] is None  # above the cadre's subtree: text only
    assert [c.pk for c in response.context["children"]] == [city.a.group.pk]
    assert [m.pk for m in response.context["members"]][0] == secretary.pk
    assert "2024年3月1日" in html and "2027年3月1日" in html
    for m in city.a.members:
        assert m.name in html and m.phone not in html and m.phone_masked in html


def test_threshold_warnings_are_shown_as_advice(client, city):
    # The branch has 2 full members: below the 3 needed for a branch of its own.
    PartyOrg.objects.filter(pk=city.a.branch.pk).update(term_started_on=date(2015, 1, 1), term_years=3)
    response = logged_in(user_with(Role.COMMUNITY, city.a.area), client).get(detail(city.a.branch))
    html = response.content.decode()
    assert "组织设置提示" in html and "alert-warning" in html
    warnings = response.context["warnings"]
    assert any("不足 3 名" in w for w in warnings)
    assert any("尚未配备书记" in w for w in warnings)
    assert any("2018年01月01日 届满" in w for w in warnings)


def test_no_warning_box_when_in_good_shape(client, city):
    secretary = city.a.members[0]
    for _ in range(2):
        MemberFactory(organization=city.a.branch)
    PartyOrg.objects.filter(pk=city.a.branch.pk).update(secretary=secretary)
    response = logged_in(user_with(Role.COMMUNITY, city.a.area), client).get(detail(city.a.branch))
    assert response.context["warnings"] == []
    assert "组织设置提示" not in response.content.decode()


def test_department_with_org_grant_sees_the_org_but_not_the_roster(client, city):
    logged_in(user_with(Role.DEPARTMENT, city.a.branch), client)
    response = client.get(detail(city.a.branch))
    assert response.status_code == 200
    assert response.context["members"] == []
    assert city.a.members[0].name not in response.content.decode()
    assert client.get(detail(city.a.committee)).status_code == 404


# ------------------------------------------------------------------ forms
def _org_post(**overrides):
    data = {
        "name": "新网格党支部", "code": "ORG-NEW-1", "kind": OrgKind.BRANCH, "category": OrgCategory.GRID,
        "formation": "single", "joint_units": "1", "parent": "", "area": "", "founded_on": "", "term_started_on": "",
        "term_years": "",
    }
    data.update(overrides)
    return data


def test_create_prefills_parent_and_area(client, city):
    response = logged_in(user_with(Role.COMMUNITY, city.a.area), client).get(
        reverse("organizations:org_create") + f"?parent={city.a.committee.pk}"
    )
    form = response.context["form"]
    assert form["parent"].value() == city.a.committee.pk
    assert form["area"].value() == city.a.area.pk
    assert "secretary" not in form.fields


def test_invalid_org_shows_field_errors_and_writes_nothing(client, city):
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    before = PartyOrg.objects.count()
    # A committee under a branch: the kind rule refuses it, on the kind field.
    response = client.post(
        reverse("organizations:org_create"),
        _org_post(kind=OrgKind.COMMITTEE, parent=city.a.branch.pk, area=city.a.compound.pk),
    )
    assert response.status_code == 200
    assert "不能隶属于" in response.context["form"].errors["kind"][0]
    assert "is-invalid" in response.content.decode()
    # An area code outside the subtree is refused like an unknown one.
    response = client.post(reverse("organizations:org_create"), _org_post(parent=city.a.committee.pk, area=city.b.area.pk))
    assert "不在您的管辖范围内" in response.context["form"].errors["area"][0]
    assert PartyOrg.objects.count() == before
    assert not AuditEvent.objects.exists()


def test_valid_create_uses_default_term_and_writes_audit(client, city):
    user = user_with(Role.COMMUNITY, city.a.area)
    logged_in(user, client)
    response = client.post(
        reverse("organizations:org_create"), _org_post(parent=city.a.committee.pk, area=city.a.compound.pk)
    )
    org = PartyOrg.objects.get(code="ORG-NEW-1")
    assert response.status_code == 302 and response["Location"] == detail(org)
    assert org.parent == city.a.committee and org.term_years == 3
    assert AuditEvent.objects.filter(verb="org.create", target_id=str(org.pk), actor=user).exists()


def test_edit_offers_only_own_members_as_secretary(client, city):
    user = user_with(Role.COMMUNITY, city.a.area)
    logged_in(user, client)
    url = reverse("organizations:org_edit", args=[city.a.branch.pk])
    form = client.get(url).context["form"]
    assert set(form.fields["secretary"].queryset) == set(city.a.members)
    data = _org_post(
        name=city.a.branch.name, code=city.a.branch.code, kind=OrgKind.BRANCH, category=OrgCategory.COMPOUND,
        parent=city.a.committee.pk, area=city.a.compound.pk, term_years="3", secretary=str(city.b.members[0].pk),
    )
    response = client.post(url, data)
    assert "secretary" in response.context["form"].errors
    data["secretary"] = str(city.a.members[1].pk)
    assert client.post(url, data).status_code == 302
    city.a.branch.refresh_from_db()
    assert city.a.branch.secretary == city.a.members[1]
    assert AuditEvent.objects.filter(verb="org.update", target_id=str(city.a.branch.pk)).exists()


def test_grid_worker_is_refused_with_a_chinese_message(client, city):
    logged_in(user_with(Role.GRID, city.a.area), client)
    response = client.get(reverse("organizations:org_edit", args=[city.a.branch.pk]))
    assert response.status_code == 403
    assert "您的角色无权修改该组织" in response.content.decode()
    response = client.get(reverse("organizations:org_create"))
    assert response.status_code == 403


def test_user_without_grants_sees_no_organizations(client, city, org_list_url):
    response = logged_in(UserFactory(), client).get(org_list_url)
    assert response.context["page_obj"].paginator.count == 0
