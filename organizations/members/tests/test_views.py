"""Member roster pages: scoping, filters, masking, the logged reveal, forms, central households."""
import pytest
from django.urls import reverse

from dangjian.models import AuditEvent
from dangjian.testing import assert_max_queries, count_queries, logged_in
from organizations.areas.choices import AreaLevel
from organizations.grants.choices import Role
from organizations.members.choices import MemberStatus, OrgRole
from organizations.members.models import CentralHousehold, Member, PersonalDataAccess
from organizations.tests.budgets import BUDGETS
from organizations.tests.factories import (
    AreaFactory,
    CentralHouseholdFactory,
    MemberFactory,
    UserFactory,
    grant,
    user_with,
    valid_id_number,
)

pytestmark = pytest.mark.django_db

LIST = "organizations:member_list"


def detail(member):
    return reverse("organizations:member_detail", args=[member.pk])


def listed(response):
    return {m.pk for m in response.context["page_obj"]}


# ------------------------------------------------------------------ access and scope
# The roster and the member page are the contracts' (organizations/tests/test_contracts.py).
@pytest.mark.parametrize("name,args", [
    ("organizations:member_create", []),
    ("organizations:member_edit", [1]),
    ("organizations:central_household_edit", [1]),
])
def test_anonymous_is_sent_to_login(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_reveal_is_sent_to_login(client, city):
    response = client.post(reverse("organizations:member_reveal", args=[city.a.members[0].pk]))
    assert response.status_code == 302
    assert not PersonalDataAccess.objects.exists()


def test_community_cadre_never_sees_the_other_community(client, city):
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    for m in city.b.members:
        assert client.get(detail(m)).status_code == 404
        assert client.get(reverse("organizations:member_edit", args=[m.pk])).status_code == 404
        assert client.post(reverse("organizations:member_reveal", args=[m.pk])).status_code == 404
    response = client.get(reverse(LIST))
    assert listed(response) == {m.pk for m in city.a.members}
    assert "乙党员" not in response.content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_party_member_sees_only_their_own_record(client, city):
    user = UserFactory()
    me = city.a.members[0]
    Member.objects.filter(pk=me.pk).update(user=user)
    grant(user, Role.MEMBER, city.a.area)
    logged_in(user, client)
    response = client.get(reverse(LIST))
    assert response.status_code == 200
    assert listed(response) == {me.pk}
    assert client.get(detail(me)).status_code == 200
    assert client.get(detail(city.a.members[1])).status_code == 404


def test_department_without_member_record_is_refused(client, city):
    logged_in(user_with(Role.DEPARTMENT, city.a.area), client)
    response = client.get(reverse(LIST))
    assert response.status_code == 403
    assert "不能查看党员名册" in response.content.decode()
    assert client.get(detail(city.a.members[0])).status_code == 404


# ------------------------------------------------------------------ search and filters
def test_search_by_name_and_the_posted_lookup_by_phone_and_id_number(client, city):
    logged_in(user_with(Role.DISTRICT, city.city), client)
    target = city.b.members[1]
    assert listed(client.get(reverse(LIST), {"q": "乙党员"})) == {m.pk for m in city.b.members}
    # Numbers are posted (never in a URL): organizations/members/tests/test_lookup.py
    lookup = reverse("organizations:member_lookup")
    assert [m.pk for m in client.post(lookup, {"number": target.phone}).context["members"]] == [target.pk]
    assert [m.pk for m in client.post(lookup, {"number": target.id_number.lower()}).context["members"]] == [target.pk]
    # Partial phone numbers find nothing (only the keyed hash of the full value is stored).
    assert client.post(lookup, {"number": target.phone[:7]}).status_code == 400


def test_filters(client, city):
    logged_in(user_with(Role.DISTRICT, city.city), client)
    a0, a1 = city.a.members
    Member.objects.filter(pk=a0.pk).update(status=MemberStatus.PROBATIONARY, gender="F", in_service=True,
                                           org_role=OrgRole.SECRETARY)
    url = reverse(LIST)
    assert listed(client.get(url, {"status": "probationary"})) == {a0.pk}
    assert listed(client.get(url, {"gender": "F"})) == {a0.pk}
    assert listed(client.get(url, {"in_service": "yes"})) == {a0.pk}
    assert a0.pk not in listed(client.get(url, {"in_service": "no"}))
    assert listed(client.get(url, {"org_role": "secretary"})) == {a0.pk}
    assert listed(client.get(url, {"organization": city.b.branch.pk})) == {m.pk for m in city.b.members}
    response = client.get(url, {"within": city.a.compound.pk})
    assert listed(response) == {a0.pk, a1.pk}
    assert "甲小区" in response.content.decode()


def test_within_an_area_out_of_scope_finds_nothing(client, city):
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    response = client.get(reverse(LIST), {"within": city.b.area.pk})
    assert listed(response) == set()
    assert "未找到或不在您的管辖范围内" in response.content.decode()
    assert listed(client.get(reverse(LIST), {"organization": city.b.branch.pk})) == set()


def test_pagination_shows_page_count(client, city):
    for _ in range(70):
        MemberFactory(organization=city.a.branch, residence=city.a.building)
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    response = client.get(reverse(LIST))
    page = response.context["page_obj"]
    assert len(page.object_list) == 50 and page.paginator.num_pages == 2
    assert "第 1 / 2 页" in response.content.decode()
    assert len(client.get(reverse(LIST), {"page": 2}).context["page_obj"].object_list) == 22


def test_list_and_detail_query_counts_do_not_grow_past_a_page(client, city):
    """More members than a page holds (50): the pager adds no query."""
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)

    def grow(n):
        for i in range(n):
            building = AreaFactory(level=AreaLevel.BUILDING, parent=city.a.compound)
            m = MemberFactory(organization=city.a.branch, residence=building, employer_org=city.a.committee)
            if i % 3 == 0:
                CentralHouseholdFactory(member=m, building=building)

    grow(3)
    member = Member.objects.filter(organization=city.a.branch).last()
    small_list = count_queries(lambda: client.get(reverse(LIST)))
    small_detail = count_queries(lambda: client.get(detail(member)))
    grow(60)
    with assert_max_queries(small_list):
        response = client.get(reverse(LIST))
    assert len(response.context["page_obj"].object_list) == 50
    with assert_max_queries(small_detail):
        assert client.get(detail(member)).status_code == 200
    assert small_list <= BUDGETS["organizations:member_list"] and small_detail <= BUDGETS["organizations:member_detail"]


# ------------------------------------------------------------------ masking and reveal
def test_list_and_detail_never_contain_full_personal_data(client, city):
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    member = city.a.members[0]
    for html in (client.get(reverse(LIST)).content.decode(), client.get(detail(member)).content.decode()):
        assert member.phone not in html
        assert member.id_number not in html
    html = client.get(detail(member)).content.decode()
    assert member.phone_masked in html and member.id_number_masked in html
    assert "显示完整信息" in html


def test_reveal_returns_full_values_and_logs_the_view(client, city):
    user = user_with(Role.COMMUNITY, city.a.area)
    member = city.a.members[0]
    response = logged_in(user, client).post(
        reverse("organizations:member_reveal", args=[member.pk]), HTTP_HX_REQUEST="true", REMOTE_ADDR="10.1.2.3"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert member.phone in html and member.id_number in html
    assert "<html" not in html  # a fragment for htmx, not a page
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.member, access.channel, access.ip) == (user, member, "web", "10.1.2.3")
    assert "no-cache" in response.get("Cache-Control", "")


def test_reveal_refused_for_grid_worker(client, city):
    user = user_with(Role.GRID, city.a.area)
    logged_in(user, client)
    member = city.a.members[0]
    html = client.get(detail(member)).content.decode()
    assert "显示完整信息" not in html
    response = client.post(reverse("organizations:member_reveal", args=[member.pk]))
    assert response.status_code == 403
    body = response.content.decode()
    assert "您的角色不能查看完整的个人信息" in body
    assert member.phone not in body and member.id_number not in body
    assert not PersonalDataAccess.objects.exists()


def test_reveal_is_post_only(client, city):
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    assert client.get(reverse("organizations:member_reveal", args=[city.a.members[0].pk])).status_code == 405
    assert not PersonalDataAccess.objects.exists()


# ------------------------------------------------------------------ forms
def _member_post(org, **overrides):
    data = {
        "name": "新党员", "gender": "F", "birth_date": "1990-05-04", "joined_on": "2015-07-01", "full_member_on": "2016-07-01",
        "status": "full", "organization": org.pk, "org_role": "member", "residence": "", "employer": "",
        "employer_org": "", "phone": "", "id_number": "",
    }
    data.update(overrides)
    return data


def test_invalid_member_shows_field_errors_and_writes_nothing(client, city):
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    before = Member.objects.count()
    response = client.post(
        reverse("organizations:member_create"),
        _member_post(city.a.branch, phone="12345", id_number="210602198001010000", name="",
                     residence=city.b.building.pk),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "有效的11位手机号码" in errors["phone"][0]
    assert "身份证号" in errors["id_number"][0]
    assert "name" in errors
    assert "不在您的管辖范围内" in errors["residence"][0]
    html = response.content.decode()
    assert html.count("is-invalid") >= 4 and "invalid-feedback" in html
    assert Member.objects.count() == before
    assert not AuditEvent.objects.exists()


def test_duplicate_id_number_is_a_field_error(client, city):
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    response = client.post(
        reverse("organizations:member_create"), _member_post(city.a.branch, id_number=city.b.members[0].id_number)
    )
    assert "已登记在其他党员名下" in response.context["form"].errors["id_number"][0]
    assert not Member.objects.filter(name="新党员").exists()


def test_valid_create_writes_member_and_audit(client, city):
    user = user_with(Role.COMMUNITY, city.a.area)
    logged_in(user, client)
    id_number = valid_id_number(777, "19900504")
    response = client.post(
        reverse("organizations:member_create") + f"?organization={city.a.branch.pk}",
        _member_post(city.a.branch, phone="138 0013 8000", id_number=id_number.lower(), residence=city.a.building.pk),
        follow=True,
    )
    member = Member.objects.get(name="新党员")
    assert response.redirect_chain[-1][0] == detail(member)
    assert member.phone == "13800138000" and member.id_number == id_number
    assert member.residence == city.a.building
    assert "已新增党员“新党员”" in response.content.decode()
    event = AuditEvent.objects.get(verb="member.create", target_id=str(member.pk))
    assert event.actor == user
    assert "13800138000" not in str(event.changes)


def test_edit_form_never_renders_stored_personal_data_and_blank_keeps_it(client, city):
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    member = city.a.members[0]
    url = reverse("organizations:member_edit", args=[member.pk])
    html = client.get(url).content.decode()
    assert member.phone not in html and member.id_number not in html
    assert member.phone_masked in html  # shown as a hint only
    response = client.post(url, _member_post(city.a.branch, name="改名党员", gender="M", residence=city.a.building.pk))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.name == "改名党员"
    assert member.phone == city.a.members[0].phone and member.id_number == city.a.members[0].id_number
    event = AuditEvent.objects.get(verb="member.update", target_id=str(member.pk))
    assert "phone" not in event.changes and event.changes["name"][1] == "改名党员"


def test_edit_replaces_and_clears_personal_data(client, city):
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    member = city.a.members[0]
    url = reverse("organizations:member_edit", args=[member.pk])
    data = _member_post(city.a.branch, name=member.name, gender="M", residence=city.a.building.pk,
                        phone="13912345678", clear_id_number="on")
    assert client.post(url, data).status_code == 302
    member.refresh_from_db()
    assert member.phone == "13912345678" and member.id_number == ""
    event = AuditEvent.objects.get(verb="member.update", target_id=str(member.pk))
    assert event.changes["phone"] == ["***", "***"]


def test_typed_personal_data_is_kept_after_an_error_and_the_stored_one_never_shown(client, city, caplog):
    """Issue 14: an error elsewhere on the form must not wipe the phone and ID number just
    typed: the posted values come back in their boxes (the form is posted, so they are in no
    URL, and nothing is logged); the stored values of an edited member are still never
    rendered, only typed ones."""
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    id_number = valid_id_number(778, "19900504")
    before = Member.objects.count()
    response = client.post(reverse("organizations:member_create"),
                           _member_post(city.a.branch, name="", phone="13811112222", id_number=id_number))
    assert response.status_code == 200 and "name" in response.context["form"].errors
    html = response.content.decode()
    assert 'value="13811112222"' in html and f'value="{id_number}"' in html
    assert "13811112222" not in response.request["PATH_INFO"] + response.request.get("QUERY_STRING", "")
    assert "13811112222" not in caplog.text and id_number not in caplog.text
    assert Member.objects.count() == before

    member = city.a.members[0]
    url = reverse("organizations:member_edit", args=[member.pk])
    response = client.post(url, _member_post(city.a.branch, name="", phone="13922223333"))
    html = response.content.decode()
    assert response.status_code == 200 and 'value="13922223333"' in html
    assert member.phone not in html and member.id_number not in html  # the stored ones: never


def test_grid_worker_cannot_create_or_edit_members(client, city):
    logged_in(user_with(Role.GRID, city.a.area), client)
    assert client.get(reverse("organizations:member_create")).status_code == 403
    response = client.post(reverse("organizations:member_edit", args=[city.a.members[0].pk]), _member_post(city.a.branch))
    assert response.status_code == 403
    assert "无权" in response.content.decode()
    assert not AuditEvent.objects.exists()


# ------------------------------------------------------------------ central households
def test_central_household_needs_a_building_in_scope(client, city):
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    member = city.a.members[0]
    url = reverse("organizations:central_household_edit", args=[member.pk])
    assert client.get(url).context["form"]["building"].value() == city.a.building.pk
    data = {"building": city.a.compound.pk, "linked_households": "8", "linked_rooms": "1-101", "designated_on": ""}
    response = client.post(url, data)
    assert "请选择楼栋（“甲小区”是小区）" in response.context["form"].errors["building"][0]
    data["building"] = city.b.building.pk
    response = client.post(url, data)
    assert "不在您的管辖范围内" in response.context["form"].errors["building"][0]
    assert not CentralHousehold.objects.exists()


def test_central_household_saved_and_shown(client, city):
    user = user_with(Role.COMMUNITY, city.a.area)
    logged_in(user, client)
    member = city.a.members[0]
    url = reverse("organizations:central_household_edit", args=[member.pk])
    data = {"building": city.a.building.pk, "linked_households": "8", "linked_rooms": "1-101, 1-102",
            "designated_on": "2026-11-22"}
    response = client.post(url, data, follow=True)
    household = CentralHousehold.objects.get(member=member)
    assert household.building == city.a.building and household.linked_households == 8
    html = response.content.decode()
    assert "1-101, 1-102" in html and "2026年11月22日" in html
    assert AuditEvent.objects.filter(verb="central_household.create", actor=user).exists()
    data["linked_households"] = "9"
    client.post(url, data)
    household.refresh_from_db()
    assert household.linked_households == 9
    assert AuditEvent.objects.filter(verb="central_household.update").exists()


def test_grid_worker_cannot_edit_central_household(client, city):
    logged_in(user_with(Role.GRID, city.a.area), client)
    response = client.get(reverse("organizations:central_household_edit", args=[city.a.members[0].pk]))
    assert response.status_code == 403
