"""Resident-unit pages (驻区单位): list, detail, create and edit."""
import pytest
from django.urls import reverse

from dangjian.models import AuditEvent
from dangjian.testing import logged_in
from organizations.grants.choices import Role
from organizations.tests.factories import ResidentUnitFactory, UserFactory, user_with
from organizations.units.models import ResidentUnit

pytestmark = pytest.mark.django_db

LIST = "organizations:unit_list"


def detail(unit):
    return reverse("organizations:unit_detail", args=[unit.pk])


@pytest.fixture
def units(city):
    a = ResidentUnitFactory(name="甲区卫健委", community=city.a.area, contact_name="王主任", contact_phone="13712345678")
    b = ResidentUnitFactory(name="乙区供电公司", community=city.b.area, kind="state_enterprise")
    return a, b


# The list and the unit page are the contracts' (organizations/tests/test_contracts.py).
@pytest.mark.parametrize("name,args", [
    ("organizations:unit_create", []),
    ("organizations:unit_edit", [1]),
])
def test_anonymous_is_sent_to_login(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_community_cadre_never_sees_the_other_community(client, city, units):
    a, b = units
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    assert client.get(detail(b)).status_code == 404
    assert client.get(reverse("organizations:unit_edit", args=[b.pk])).status_code == 404
    response = client.get(reverse(LIST))
    assert [u.pk for u in response.context["page_obj"]] == [a.pk]
    assert "乙区供电公司" not in response.content.decode()


def test_department_sees_units_of_its_area(client, city, units):
    a, _ = units
    logged_in(user_with(Role.DEPARTMENT, city.a.area), client)
    response = client.get(reverse(LIST))
    assert [u.pk for u in response.context["page_obj"]] == [a.pk]
    html = client.get(detail(a)).content.decode()
    assert reverse("organizations:unit_edit", args=[a.pk]) not in html


def test_user_without_grants_sees_nothing(client, city, units):
    logged_in(UserFactory(), client)
    assert client.get(reverse(LIST)).context["page_obj"].paginator.count == 0
    assert client.get(detail(units[0])).status_code == 404


def test_filters(client, city, units):
    a, b = units
    logged_in(user_with(Role.DISTRICT, city.city), client)
    assert [u.pk for u in client.get(reverse(LIST), {"q": "卫健"}).context["page_obj"]] == [a.pk]
    assert [u.pk for u in client.get(reverse(LIST), {"kind": "state_enterprise"}).context["page_obj"]] == [b.pk]
    assert [u.pk for u in client.get(reverse(LIST), {"community": city.b.area.pk}).context["page_obj"]] == [b.pk]


def test_detail_masks_the_contact_phone(client, city, units):
    a, _ = units
    html = logged_in(user_with(Role.COMMUNITY, city.a.area), client).get(detail(a)).content.decode()
    assert "王主任" in html and "137****5678" in html
    assert "13712345678" not in html
    assert f'href="{reverse("organizations:area_detail", args=[city.a.area.pk])}"' in html


def _unit_post(community, **overrides):
    data = {"name": "新驻区单位", "kind": "organ", "community": community.pk, "party_org": "", "address": "",
            "contact_name": "李四", "contact_phone": "0415-1234567"}
    data.update(overrides)
    return data


def test_invalid_unit_shows_field_errors_and_writes_nothing(client, city):
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    before = ResidentUnit.objects.count()
    # A compound is not a community: the picker field refuses it, saying what it is.
    response = client.post(reverse("organizations:unit_create"), _unit_post(city.a.compound, contact_phone="abc"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "联系电话只能包含数字" in errors["contact_phone"][0]
    response = client.post(reverse("organizations:unit_create"), _unit_post(city.a.compound))
    assert "请选择社区（“甲小区”是小区）" in response.context["form"].errors["community"][0]
    response = client.post(reverse("organizations:unit_create"), _unit_post(city.b.area))
    assert "不在您的管辖范围内" in response.context["form"].errors["community"][0]
    assert ResidentUnit.objects.count() == before
    assert not AuditEvent.objects.exists()


def test_valid_create_and_edit_write_audit(client, city):
    user = user_with(Role.COMMUNITY, city.a.area)
    logged_in(user, client)
    response = client.post(reverse("organizations:unit_create") + f"?community={city.a.area.pk}", _unit_post(city.a.area))
    unit = ResidentUnit.objects.get(name="新驻区单位")
    assert response.status_code == 302 and response["Location"] == detail(unit)
    assert unit.contact_phone == "0415-1234567"
    assert AuditEvent.objects.filter(verb="resident_unit.create", actor=user).exists()

    url = reverse("organizations:unit_edit", args=[unit.pk])
    html = client.get(url).content.decode()
    assert "0415-1234567" not in html
    assert client.post(url, _unit_post(city.a.area, name="改名单位", contact_phone="")).status_code == 302
    unit.refresh_from_db()
    assert unit.name == "改名单位" and unit.contact_phone == "0415-1234567"
    assert AuditEvent.objects.filter(verb="resident_unit.update", target_id=str(unit.pk)).exists()


def test_grid_and_department_cannot_write(client, city, units):
    a, _ = units
    for role in (Role.GRID, Role.DEPARTMENT):
        logged_in(user_with(role, city.a.area), client)
        assert client.get(reverse("organizations:unit_create")).status_code == 403
        response = client.post(reverse("organizations:unit_edit", args=[a.pk]), _unit_post(city.a.area))
        assert response.status_code == 403
        assert "无权" in response.content.decode()
    assert not AuditEvent.objects.exists()
