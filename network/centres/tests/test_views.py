"""The centres' pages beyond their contracts: the public finder (no account, no personal data,
active centres only, pinned queries), the forms and the refusals, the Excel export."""
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from dangjian.testing.clients import captured_queries, logged_in
from network.centres.models import ServiceCentre
from network.tests.budgets import BUDGETS
from network.tests.factories import centre_at
from organizations.grants.choices import Role
from organizations.tests.factories import user_with

pytestmark = pytest.mark.django_db


def test_the_public_finder_needs_no_account_and_shows_active_centres_without_personal_data(city, client):
    secretary = city.a.members[0]
    city.a.committee.secretary = secretary
    city.a.committee.save()
    centre_at(city.a.area, name="甲社区党群服务站", phone="0415-3100001", runner=city.a.committee,
              notes="内部备注：钥匙在张主任处", opening_hours="周一至周五 8:00-17:00")
    centre_at(city.a.compound, name="甲小区党群服务站")
    centre_at(city.street, name="兴东街道党群服务中心")
    centre_at(city.a.compound, name="已关闭的站", is_active=False)
    centre_at(city.b.area, name="乙社区党群服务站")
    url = reverse("centres:public")
    assert client.get(url).status_code == 200
    response = client.get(url, {"community": city.a.area.pk})
    assert response.status_code == 200
    html = response.content.decode()
    for shown in ("甲社区党群服务站", "甲小区党群服务站", "兴东街道党群服务中心", "0415-3100001", "周一至周五 8:00-17:00", "党员活动室"):
        assert shown in html, shown
    for hidden in ("已关闭的站", "乙社区党群服务站", "内部备注", secretary.name, secretary.phone, secretary.id_number):
        assert hidden not in html, hidden
    _, queries = captured_queries(client, f"{url}?community={city.a.area.pk}")
    assert len(queries) <= BUDGETS["centres:public"]


def test_the_public_finder_refuses_anything_but_a_community(city, client):
    response = client.get(reverse("centres:public"), {"community": city.a.compound.pk})
    assert response.status_code == 400
    assert "请选择列表中的社区" in response.content.decode()


def test_the_public_community_picker_answers_anonymous_visitors(city, client):
    response = client.get(reverse("centres:public_communities"), {"q": "甲"})
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [city.a.area.pk]


def _form(area, level="community", **extra):
    data = {"name": "新站", "level": level, "area": area.pk, "address": "测试路2号", "floor_area": "320.50",
            "opening_hours": "周一至周五 8:30-17:30", "phone": "0415-2000001", "facilities": ["reading_room", "day_care"]}
    data.update(extra)
    return data


def test_a_community_cadre_registers_a_station_with_pickers(city):
    cadre = logged_in(user_with(Role.COMMUNITY, city.a.area))
    response = cadre.post(reverse("centres:create"), _form(city.a.area, runner=city.a.committee.pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    centre = ServiceCentre.objects.get(name="新站")
    assert (centre.area, centre.runner, centre.floor_area) == (city.a.area, city.a.committee, Decimal("320.50"))
    assert centre.facilities == ["reading_room", "day_care"]


def test_the_place_must_be_of_the_centre_s_level(city):
    cadre = logged_in(user_with(Role.STREET, city.street))
    response = cadre.post(reverse("centres:create"), _form(city.a.area, level="street"))
    assert response.status_code == 200
    assert "街道党群服务中心应设在街道" in response.content.decode()
    assert not ServiceCentre.objects.exists()


def test_outside_the_subtree_cannot_be_picked_or_edited(city):
    cadre = logged_in(user_with(Role.COMMUNITY, city.a.area))
    response = cadre.post(reverse("centres:create"), _form(city.b.area))
    assert response.status_code == 200 and not ServiceCentre.objects.exists()
    theirs = centre_at(city.b.area)
    assert cadre.get(reverse("centres:edit", args=[theirs.pk])).status_code == 404
    assert cadre.post(reverse("centres:deactivate", args=[theirs.pk])).status_code == 404


def test_floor_area_must_be_positive(city):
    cadre = logged_in(user_with(Role.COMMUNITY, city.a.area))
    response = cadre.post(reverse("centres:create"), _form(city.a.area, floor_area="0"))
    assert response.status_code == 200 and not ServiceCentre.objects.exists()


def test_grid_workers_and_members_cannot_open_the_staff_pages(city):
    for role in (Role.GRID, Role.MEMBER):
        client = logged_in(user_with(role, city.a.area))
        assert client.get(reverse("centres:list")).status_code == 403
        assert client.get(reverse("centres:create")).status_code == 403


def test_deactivating_takes_a_centre_off_the_figures_and_the_public_page(city, client):
    centre = centre_at(city.a.area, name="甲社区党群服务站")
    cadre = logged_in(user_with(Role.COMMUNITY, city.a.area))
    assert cadre.post(reverse("centres:deactivate", args=[centre.pk])).status_code == 302
    centre.refresh_from_db()
    assert not centre.is_active and centre.deactivated_on is not None
    assert "甲社区党群服务站" not in client.get(reverse("centres:public"), {"community": city.a.area.pk}).content.decode()
    response = cadre.get(reverse("centres:coverage", args=[city.a.area.pk]))
    assert response.context["report"].total.active == 0
    assert cadre.post(reverse("centres:reactivate", args=[centre.pk])).status_code == 302
    centre.refresh_from_db()
    assert centre.is_active


def test_the_list_filters_by_level_area_standard_and_name(city):
    from network.centres.choices import CentreLevel
    from network.centres.models import FloorAreaStandard

    FloorAreaStandard.objects.create(area=city.city, level=CentreLevel.COMMUNITY, min_floor_area=Decimal("300"))
    big = centre_at(city.a.area, name="甲大站", floor_area=Decimal("400"))
    small = centre_at(city.b.area, name="乙小站", floor_area=Decimal("100"))
    street = centre_at(city.street, name="街道中心")
    client = logged_in(user_with(Role.STREET, city.street))

    def listed(**params):
        return {c.pk for c in client.get(reverse("centres:list"), params).context["page_obj"]}

    assert listed() == {big.pk, small.pk, street.pk}
    assert listed(level="community") == {big.pk, small.pk}
    assert listed(meets="yes") == {big.pk}
    assert listed(meets="no") == {small.pk}
    assert listed(meets="none") == {street.pk}
    assert listed(area=city.b.area.pk) == {small.pk}
    assert listed(q="大站") == {big.pk}


def test_the_coverage_table_exports_to_excel(city):
    centre_at(city.a.area)
    client = logged_in(user_with(Role.STREET, city.street))
    response = client.get(reverse("centres:coverage_export", args=[city.street.pk]))
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][0] == "区域"
    names = [r[0] for r in rows[2:]]
    assert names == ["甲社区", "乙社区", "兴东街道（合计）"]
    assert rows[2][3] == 1 and rows[3][3] == 0  # 社区党群服务站 column
