"""Finding a member by phone or ID number: only for the roles that may see full data, never
through a URL, throttled per user, and every attempt (refused ones too) in the personal-data
access log — with the field and the number of matches, never the value."""
import json

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from dangjian.testing import api_client, logged_in
from organizations.grants.choices import Role
from organizations.members.choices import AccessChannel, AccessKind
from organizations.members.models import Member, PersonalDataAccess
from organizations.tests.factories import MemberFactory, UserFactory, grant, user_with

pytestmark = pytest.mark.django_db

LOOKUP = "/api/members/lookup/"
PAGE_LOOKUP = "organizations:member_lookup"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()  # the per-user lookup counters must not leak from one test into the next
    yield
    cache.clear()


def _loaded(member):
    return Member.objects.get(pk=member.pk)


def _no_value_in_the_log(*values):
    for row in PersonalDataAccess.objects.all():
        text = " ".join(str(v) for v in (row.fields, row.channel, row.kind, row.ip, row.matched, str(row)))
        for value in values:
            assert value not in text


# ------------------------------------------------------------------ refused roles
@pytest.mark.parametrize("field", ["id_number", "phone"])
def test_a_grid_token_cannot_unmask_through_the_lookup_and_the_attempt_is_logged(city, field):
    grid = user_with(Role.GRID, city.a.area)
    target = _loaded(city.a.members[0])
    client = api_client(grid)
    assert client.get(f"/api/members/{target.pk}/").status_code == 200  # the grid worker reads the masked roster
    response = client.post(LOOKUP, {field: getattr(target, field)}, format="json", REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 403
    assert "个人信息" in response.json()["detail"]
    assert set(response.json()) == {"detail"} and target.name not in response.content.decode()
    log = PersonalDataAccess.objects.get()
    assert (log.user_id, log.kind, log.fields, log.refused, log.member_id, log.matched, log.channel, log.ip) == (
        grid.pk, AccessKind.LOOKUP, field, True, None, None, AccessChannel.API, "10.9.8.7",
    )
    _no_value_in_the_log(target.phone, target.id_number)


@pytest.mark.parametrize("param", ["id_number", "phone"])
@pytest.mark.parametrize("role", [Role.GRID, Role.COMMUNITY])
def test_personal_data_in_the_query_string_is_refused_without_echo(city, param, role):
    user = user_with(role, city.a.area)
    target = _loaded(city.a.members[0])
    value = getattr(target, param)
    response = api_client(user).get("/api/members/", {param: value})
    assert response.status_code == 400
    text = response.content.decode()
    assert value not in text and target.name not in text
    assert "/api/members/lookup/" in text and "POST" in text
    assert not PersonalDataAccess.objects.exists()


def test_a_member_account_is_refused_and_logged(city):
    own = _loaded(city.a.members[1])
    user = user_with(Role.MEMBER, city.a.area)
    Member.objects.filter(pk=own.pk).update(user=user)
    response = api_client(user).post(LOOKUP, {"phone": own.phone}, format="json")
    assert response.status_code == 403
    assert PersonalDataAccess.objects.get().refused is True


def test_anonymous_is_refused_and_not_logged(city):
    response = APIClient().post(LOOKUP, {"phone": _loaded(city.a.members[0]).phone}, format="json")
    assert response.status_code in (401, 403)
    assert not PersonalDataAccess.objects.exists()


# ------------------------------------------------------------------ full-data roles
def test_a_full_data_role_finds_a_member_by_phone_masked_and_logged(city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    target = _loaded(city.a.members[1])
    spaced = f"{target.phone[:3]} {target.phone[3:7]}-{target.phone[7:]}"
    response = api_client(cadre).post(LOOKUP, {"phone": spaced}, format="json", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["count"] == 1 and [row["id"] for row in body["results"]] == [target.pk]
    row = body["results"][0]
    assert row["phone_masked"] == target.phone_masked and row["id_number_masked"] == target.id_number_masked
    assert target.phone not in response.content.decode() and target.id_number not in response.content.decode()
    log = PersonalDataAccess.objects.get()
    assert (log.user_id, log.kind, log.fields, log.matched, log.member_id, log.refused, log.channel, log.ip) == (
        cadre.pk, AccessKind.LOOKUP, "phone", 1, target.pk, False, AccessChannel.API, "10.1.2.3",
    )
    _no_value_in_the_log(target.phone, target.id_number)


def test_a_shared_phone_lists_every_member_and_counts_them(city):
    cadre = user_with(Role.DISTRICT, city.city)
    first = _loaded(city.a.members[0])
    second = MemberFactory(organization=city.a.branch, residence=city.a.building, phone=first.phone)
    response = api_client(cadre).post(LOOKUP, {"phone": first.phone}, format="json")
    assert {row["id"] for row in response.json()["results"]} == {first.pk, second.pk}
    log = PersonalDataAccess.objects.get()
    assert (log.matched, log.member_id) == (2, None)


def test_lookup_by_id_number_in_lower_case(city):
    cadre = user_with(Role.STREET, city.street)
    target = _loaded(city.b.members[0])
    response = api_client(cadre).post(LOOKUP, {"id_number": target.id_number.lower()}, format="json")
    assert [row["id"] for row in response.json()["results"]] == [target.pk]
    assert PersonalDataAccess.objects.get().fields == "id_number"


def test_the_lookup_stays_in_the_subtree_where_full_data_is_allowed(city):
    """A community cadre of A who is also a grid worker in B finds A's members, not B's."""
    user = user_with(Role.COMMUNITY, city.a.area)
    grant(user, Role.GRID, city.b.area)
    client = api_client(user)
    inside, outside = _loaded(city.a.members[0]), _loaded(city.b.members[0])
    assert client.get(f"/api/members/{outside.pk}/").status_code == 200  # on the (masked) roster
    assert client.post(LOOKUP, {"phone": outside.phone}, format="json").json() == {"count": 0, "results": []}
    assert client.post(LOOKUP, {"phone": inside.phone}, format="json").json()["count"] == 1
    assert list(PersonalDataAccess.objects.order_by("id").values_list("matched", flat=True)) == [0, 1]


@pytest.mark.parametrize(
    "body",
    [{}, {"phone": "", "id_number": ""}, {"phone": "12345"}, {"id_number": "210602198001010000"},
     {"phone": "13912345678", "id_number": "11010519491231002X"}, {"name": "张三"}],
)
def test_a_bad_body_is_400_in_chinese_without_echo(city, body):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    response = api_client(cadre).post(LOOKUP, body, format="json")
    assert response.status_code == 400
    text = response.content.decode()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text)
    for value in body.values():
        if value:
            assert value not in text
    assert not PersonalDataAccess.objects.filter(refused=False).exists()


def test_the_lookup_is_throttled_per_user(city, settings):
    settings.MEMBER_LOOKUP_USER_LIMIT = (3, 3600)
    cadre = user_with(Role.COMMUNITY, city.a.area)
    target = _loaded(city.a.members[0])
    client = api_client(cadre)
    for _ in range(3):
        assert client.post(LOOKUP, {"phone": target.phone}, format="json").status_code == 200
    over = client.post(LOOKUP, {"phone": target.phone}, format="json")
    assert over.status_code == 429
    assert 0 < int(over["Retry-After"]) <= 3600
    assert "频繁" in over.json()["detail"] and target.pk not in {row.get("id") for row in over.json().get("results", [])}
    assert PersonalDataAccess.objects.count() == 3  # the refused fourth read nothing
    other = user_with(Role.COMMUNITY, city.a.area)  # the limit is per user
    assert api_client(other).post(LOOKUP, {"phone": target.phone}, format="json").status_code == 200


def test_refused_attempts_count_against_the_limit_too(city, settings):
    settings.MEMBER_LOOKUP_USER_LIMIT = (2, 3600)
    client = api_client(user_with(Role.GRID, city.a.area))
    target = _loaded(city.a.members[0])
    statuses = [client.post(LOOKUP, {"phone": target.phone}, format="json").status_code for _ in range(4)]
    assert statuses == [403, 403, 429, 429]
    assert PersonalDataAccess.objects.filter(refused=True).count() == 2


def test_the_schema_documents_the_lookup_and_drops_the_query_filters():
    staff = APIClient()
    staff.force_authenticate(UserFactory(is_staff=True))  # the schema is for signed-in staff
    schema = json.loads(staff.get("/api/schema/", {"format": "json"}).content)
    operation = schema["paths"]["/api/members/lookup/"]["post"]
    assert {"200", "400", "403", "429"} <= set(operation["responses"])
    assert "get" not in schema["paths"]["/api/members/lookup/"]
    names = {p["name"] for p in schema["paths"]["/api/members/"]["get"]["parameters"]}
    assert not names & {"phone", "id_number"}
    assert "400" in schema["paths"]["/api/members/"]["get"]["responses"]


# ------------------------------------------------------------------ the pages
def test_the_roster_search_box_no_longer_finds_or_echoes_a_number(client, city):
    logged_in(user_with(Role.GRID, city.a.area), client)
    target = _loaded(city.a.members[1])
    for value in (target.phone, target.id_number, target.phone[:7]):
        response = client.get(reverse("organizations:member_list"), {"q": value, "status": "full"})
        assert response.status_code == 302  # the browser leaves the URL holding the number
        assert value not in response["Location"] and "status=full" in response["Location"]
        page = client.get(response["Location"])
        html = page.content.decode()
        assert value not in html and "不能在搜索框中" in html
    assert not PersonalDataAccess.objects.exists()


def test_the_roster_search_still_finds_names(client, city):
    logged_in(user_with(Role.GRID, city.a.area), client)
    response = client.get(reverse("organizations:member_list"), {"q": "甲党员"})
    assert {m.pk for m in response.context["page_obj"]} == {m.pk for m in city.a.members}


def test_the_lookup_form_is_posted_and_logged(client, city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    logged_in(cadre, client)
    target = _loaded(city.a.members[1])
    page = client.get(reverse("organizations:member_list")).content.decode()
    assert f'method="post" action="{reverse(PAGE_LOOKUP)}"' in page
    response = client.post(reverse(PAGE_LOOKUP), {"number": target.id_number})
    assert response.status_code == 200
    assert [m.pk for m in response.context["members"]] == [target.pk]
    html = response.content.decode()
    assert target.name in html and target.phone_masked in html
    assert target.phone not in html and target.id_number not in html
    log = PersonalDataAccess.objects.get()
    assert (log.user_id, log.kind, log.fields, log.matched, log.channel) == (
        cadre.pk, AccessKind.LOOKUP, "id_number", 1, AccessChannel.WEB,
    )
    assert client.get(reverse(PAGE_LOOKUP)).status_code == 405


def test_the_lookup_page_refuses_a_grid_worker_and_logs_it(client, city):
    grid = user_with(Role.GRID, city.a.area)
    logged_in(grid, client)
    assert 'action="/org/members/lookup/"' not in client.get(reverse("organizations:member_list")).content.decode()
    target = _loaded(city.a.members[1])
    response = client.post(reverse(PAGE_LOOKUP), {"number": target.phone})
    assert response.status_code == 403
    assert target.name not in response.content.decode() and target.phone not in response.content.decode()
    log = PersonalDataAccess.objects.get()
    assert (log.user_id, log.refused, log.fields, log.channel) == (grid.pk, True, "phone", AccessChannel.WEB)


def test_the_lookup_page_is_throttled(client, city, settings):
    settings.MEMBER_LOOKUP_USER_LIMIT = (1, 600)
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    target = _loaded(city.a.members[1])
    assert client.post(reverse(PAGE_LOOKUP), {"number": target.phone}).status_code == 200
    over = client.post(reverse(PAGE_LOOKUP), {"number": target.phone})
    assert over.status_code == 429 and over["Retry-After"]
    assert target.phone not in over.content.decode()


def test_a_bad_number_on_the_page_is_a_form_error_without_echo(client, city):
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    response = client.post(reverse(PAGE_LOOKUP), {"number": "1391234"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "1391234" not in html and "完整的11位手机号" in html
    assert not PersonalDataAccess.objects.exists()
