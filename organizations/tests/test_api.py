"""REST API under /api/: scoping, filters, pinned query counts, personal data, writes, tokens, schema."""
import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from dangjian.models import AuditEvent
from dangjian.testing import api_client, assert_max_queries, ids, query_count
from organizations.accounts.models import LoginAttempt
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.grants.choices import Role
from organizations.members.choices import AccessChannel, MemberStatus, OrgRole
from organizations.members.models import Member, PersonalDataAccess
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg
from organizations.tests.budgets import BUDGETS
from organizations.tests.factories import (
    AreaFactory,
    CentralHouseholdFactory,
    MemberFactory,
    PartyOrgFactory,
    ResidentUnitFactory,
    UserFactory,
    user_with,
    valid_id_number,
)
from organizations.units.models import ResidentUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(city):
    """build_city plus a resident unit and a central household in each community."""
    city.unit_a = ResidentUnitFactory(name="甲区税务所", community=city.a.area, contact_phone="13800001111")
    city.unit_b = ResidentUnitFactory(name="乙区医院", community=city.b.area, contact_phone="13800002222")
    city.ch_a = CentralHouseholdFactory(member=city.a.members[0], building=city.a.building)
    city.ch_b = CentralHouseholdFactory(member=city.b.members[0], building=city.b.building)
    return city


@pytest.fixture
def cadre_a(world):
    return user_with(Role.COMMUNITY, world.a.area)


@pytest.fixture
def grid_a(world):
    return user_with(Role.GRID, world.a.area)


@pytest.fixture
def admin(db):
    return UserFactory(username="root-admin", is_superuser=True, is_staff=True)


def grow(world, n):
    """Add ``n`` buildings to community A, each with a party group (its secretary a member
    living there), a central household and a resident unit."""
    for _ in range(n):
        building = AreaFactory(level=AreaLevel.BUILDING, parent=world.a.compound, households=12)
        member = MemberFactory(organization=world.a.branch, residence=building)
        PartyOrgFactory(
            kind=OrgKind.GROUP, category=OrgCategory.BUILDING_GROUP, area=building, parent=world.a.branch, secretary=member
        )
        CentralHouseholdFactory(member=member, building=building)
        ResidentUnitFactory(community=world.a.area)


def object_urls(w):
    """(list url, object in A, object in B) for every endpoint."""
    return [
        ("/api/areas/", w.a.building, w.b.building),
        ("/api/orgs/", w.a.branch, w.b.branch),
        ("/api/members/", w.a.members[0], w.b.members[0]),
        ("/api/resident-units/", w.unit_a, w.unit_b),
        ("/api/central-households/", w.ch_a, w.ch_b),
    ]


# ----------------------------------------------------------------------- refused
def test_unauthenticated_requests_are_refused(world):
    """Every list and detail refuses them in its contract (test_contracts.py); here the
    API root and the writes."""
    client = api_client()
    assert client.get("/api/").status_code in (401, 403)
    member = world.a.members[0].pk
    assert client.post(f"/api/members/{member}/personal-data/").status_code in (401, 403)
    assert client.post("/api/areas/", {"name": "x", "code": "X", "level": AreaLevel.CITY}).status_code in (401, 403)
    assert not PersonalDataAccess.objects.exists()
    assert not Area.objects.filter(code="X").exists()


def test_unauthenticated_answer_is_in_chinese(world):
    response = api_client().get("/api/areas/")
    assert "身份认证信息未提供" in response.json()["detail"]


# ------------------------------------------------------------------------ scoping
def test_cadre_lists_hold_exactly_their_subtree(world, cadre_a):
    client = api_client(cadre_a)
    a = world.a
    assert ids(client.get("/api/areas/")) == {a.area.pk, a.compound.pk, a.building.pk}
    assert ids(client.get("/api/orgs/")) == {a.committee.pk, a.branch.pk, a.group.pk}
    assert ids(client.get("/api/members/")) == {m.pk for m in a.members}
    assert ids(client.get("/api/resident-units/")) == {world.unit_a.pk}
    assert ids(client.get("/api/central-households/")) == {world.ch_a.pk}


def test_children_above_the_grant_are_404(world, cadre_a):
    """The other community's summary and children are the contracts' (TestAreaSummaryApi,
    TestAreaChildrenApi); the street above the cadre's grant is not visible either."""
    assert api_client(cadre_a).get(f"/api/areas/{world.street.pk}/children/").status_code == 404


def test_user_without_grants_sees_nothing(world):
    client = api_client(UserFactory(username="nobody"))
    for url, obj_a, _obj_b in object_urls(world):
        assert ids(client.get(url)) == set()
        assert client.get(f"{url}{obj_a.pk}/").status_code == 404


def test_superuser_sees_both_communities(world, admin):
    listed = ids(api_client(admin).get("/api/members/"))
    assert {m.pk for m in world.a.members + world.b.members} <= listed


# ------------------------------------------------------------------ summary, children
def test_area_summary_counts_the_subtree(world, cadre_a):
    response = api_client(cadre_a).get(f"/api/areas/{world.a.area.pk}/summary/")
    assert response.status_code == 200
    body = response.json()
    assert body["members"]["total"] == len(world.a.members)
    assert body["orgs"]["total"] == 3
    assert body["orgs"]["compound_branches"] == 1
    assert body["households"] == 24
    assert body["central_households"] == 1
    levels = {row["level"]: row["count"] for row in body["levels"]}
    assert levels[AreaLevel.COMPOUND] == 1 and levels[AreaLevel.BUILDING] == 1


def test_area_children_carry_subtree_counts(world, admin):
    response = api_client(admin).get(f"/api/areas/{world.street.pk}/children/")
    rows = {row["id"]: row for row in response.json()["results"]}
    assert set(rows) == {world.a.area.pk, world.b.area.pk}
    assert rows[world.a.area.pk]["member_count"] == len(world.a.members)
    assert rows[world.a.area.pk]["org_count"] == 3
    assert rows[world.a.area.pk]["child_count"] == 1


# ------------------------------------------------------------------------- within
def test_within_filter_limits_each_list_to_the_subtree(world, admin):
    client = api_client(admin)
    a = world.a
    assert ids(client.get(f"/api/areas/?within={a.compound.pk}")) == {a.compound.pk, a.building.pk}
    assert ids(client.get(f"/api/orgs/?within={a.area.pk}")) == {a.committee.pk, a.branch.pk, a.group.pk}
    assert ids(client.get(f"/api/orgs/?within={a.building.pk}")) == {a.group.pk}
    assert ids(client.get(f"/api/members/?within={a.area.pk}")) == {m.pk for m in a.members}
    assert ids(client.get(f"/api/resident-units/?within={a.area.pk}")) == {world.unit_a.pk}
    assert ids(client.get(f"/api/central-households/?within={a.compound.pk}")) == {world.ch_a.pk}
    both = ids(client.get(f"/api/members/?within={world.street.pk}"))
    assert {m.pk for m in a.members + world.b.members} <= both


def test_within_an_invisible_area_is_404(world, cadre_a):
    client = api_client(cadre_a)
    for url in ("/api/areas/", "/api/orgs/", "/api/members/", "/api/resident-units/", "/api/central-households/"):
        assert client.get(f"{url}?within={world.b.area.pk}").status_code == 404, url
        assert client.get(f"{url}?within=999999").status_code == 404, url
    # The cadre's own subtree works; the street above it is not visible either.
    assert client.get(f"/api/members/?within={world.a.area.pk}").status_code == 200
    assert client.get(f"/api/members/?within={world.street.pk}").status_code == 404


def test_within_must_be_an_integer(world, cadre_a):
    response = api_client(cadre_a).get("/api/areas/?within=abc")
    assert response.status_code == 400
    assert "整数" in response.json()["within"][0]


# ------------------------------------------------------------------------ filters
def test_area_and_org_filters(world, admin):
    client = api_client(admin)
    a = world.a
    assert ids(client.get(f"/api/areas/?level={AreaLevel.BUILDING}")) >= {a.building.pk, world.b.building.pk}
    assert all(
        row["level"] == AreaLevel.BUILDING for row in client.get(f"/api/areas/?level={AreaLevel.BUILDING}").json()["results"]
    )
    assert ids(client.get(f"/api/areas/?parent={a.area.pk}")) == {a.compound.pk}
    assert ids(client.get(f"/api/orgs/?parent={a.branch.pk}")) == {a.group.pk}
    groups = ids(client.get(f"/api/orgs/?kind={OrgKind.GROUP}&within={world.street.pk}"))
    assert groups == {a.group.pk, world.b.group.pk}
    assert ids(client.get(f"/api/orgs/?category={OrgCategory.COMPOUND}&within={a.area.pk}")) == {a.branch.pk}
    assert client.get("/api/areas/?level=99").status_code == 400


def test_member_filters(world, admin):
    client = api_client(admin)
    first, second = world.a.members
    Member.objects.filter(pk=second.pk).update(status=MemberStatus.PROBATIONARY, in_service=True, org_role=OrgRole.SECRETARY)
    assert ids(client.get("/api/members/?q=甲党员")) == {first.pk, second.pk}
    assert ids(client.get(f"/api/members/?status=probationary&within={world.street.pk}")) == {second.pk}
    assert ids(client.get(f"/api/members/?in_service=true&within={world.street.pk}")) == {second.pk}
    assert ids(client.get(f"/api/members/?org_role=secretary&within={world.street.pk}")) == {second.pk}
    assert ids(client.get(f"/api/members/?organization={world.b.branch.pk}")) == {m.pk for m in world.b.members}
    assert ids(client.get("/api/members/?gender=F")) == set()


def _lookup(client, **body):
    return client.post("/api/members/lookup/", body, format="json")


def test_member_found_by_exact_phone_and_id_number(world, admin):
    # by POST (organizations/members/tests/test_lookup.py): a number in a URL is a 400
    client = api_client(admin)
    target = Member.objects.get(pk=world.a.members[1].pk)
    phone = target.phone
    spaced = f"{phone[:3]} {phone[3:7]}-{phone[7:]}"
    assert ids(_lookup(client, phone=phone)) == {target.pk}
    assert ids(_lookup(client, phone=spaced)) == {target.pk}
    assert ids(_lookup(client, id_number=target.id_number.lower())) == {target.pk}
    assert ids(_lookup(client, phone="13000000000")) == set()
    assert client.get("/api/members/", {"phone": phone}).status_code == 400


def test_phone_lookup_does_not_cross_the_scope(world, cadre_a):
    outsider = Member.objects.get(pk=world.b.members[0].pk)
    assert ids(_lookup(api_client(cadre_a), phone=outsider.phone)) == set()


# ------------------------------------------------------------------ query counts
# The lists and details (summary and children included) without filters are the
# contracts' (test_contracts.py); here the lists with ?within= and a filter.
@pytest.mark.parametrize(
    ("path", "route"),
    [
        ("/api/areas/?within={a}", "area-list?within"),
        ("/api/orgs/?within={a}", "org-list?within"),
        ("/api/members/?within={a}&status=full", "member-list?within"),
        ("/api/resident-units/?within={a}", "resident-unit-list?within"),
        ("/api/central-households/?within={a}", "central-household-list?within"),
    ],
)
def test_filtered_query_counts_do_not_grow(world, path, route):
    cadre = user_with(Role.COMMUNITY, world.a.area)
    url = path.format(a=world.a.area.pk)
    grow(world, 3)
    small = query_count(api_client(cadre), url)
    grow(world, 27)
    large = query_count(api_client(cadre), url)
    assert small == large
    client = api_client(cadre)
    with assert_max_queries(BUDGETS[route]):
        assert client.get(url).status_code == 200


# ------------------------------------------------------------------- personal data
def _plain_values():
    members = list(Member.objects.all())
    assert members
    return [m.phone for m in members if m.phone] + [m.id_number for m in members if m.id_number]


def test_member_responses_never_contain_full_phone_or_id_number(world, admin):
    client = api_client(admin)
    texts = [
        client.get("/api/members/").content.decode(),
        client.get(f"/api/members/{world.a.members[0].pk}/").content.decode(),
        client.get(f"/api/members/?within={world.street.pk}").content.decode(),
        client.get(f"/api/orgs/{world.a.branch.pk}/").content.decode(),
        client.get(f"/api/central-households/{world.ch_a.pk}/").content.decode(),
    ]
    plain = _plain_values()
    for text in texts:
        for value in plain:
            assert value not in text
    member = Member.objects.get(pk=world.a.members[0].pk)
    detail = json.loads(texts[1])
    assert detail["phone_masked"] == member.phone_masked and "*" in detail["phone_masked"]
    assert detail["id_number_masked"] == member.id_number_masked and "*" in detail["id_number_masked"]
    assert "phone" not in detail and "id_number" not in detail


def test_unit_contact_phone_is_masked(world, cadre_a):
    text = api_client(cadre_a).get(f"/api/resident-units/{world.unit_a.pk}/").content.decode()
    assert "13800001111" not in text
    assert json.loads(text)["contact_phone_masked"] == "138****1111"


def test_personal_data_is_revealed_and_logged_for_an_allowed_role(world, cadre_a):
    member = Member.objects.get(pk=world.a.members[0].pk)
    response = api_client(cadre_a).post(f"/api/members/{member.pk}/personal-data/", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert response.json() == {"id": member.pk, "name": member.name, "phone": member.phone, "id_number": member.id_number}
    assert response["Cache-Control"] == "no-store"
    log = PersonalDataAccess.objects.get()
    assert (log.user_id, log.member_id, log.channel, log.ip) == (cadre_a.pk, member.pk, AccessChannel.API, "10.1.2.3")


def test_personal_data_is_refused_to_a_grid_worker(world, grid_a):
    client = api_client(grid_a)
    member = world.a.members[0]
    assert client.get(f"/api/members/{member.pk}/").status_code == 200  # the grid worker may read the roster
    response = client.post(f"/api/members/{member.pk}/personal-data/")
    assert response.status_code == 403
    assert "个人信息" in response.json()["detail"]
    assert not PersonalDataAccess.objects.exists()


def test_personal_data_out_of_scope_is_404_and_not_logged(world, cadre_a):
    response = api_client(cadre_a).post(f"/api/members/{world.b.members[0].pk}/personal-data/")
    assert response.status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_personal_data_cannot_be_read_with_get(world, cadre_a):
    assert api_client(cadre_a).get(f"/api/members/{world.a.members[0].pk}/personal-data/").status_code == 405
    assert not PersonalDataAccess.objects.exists()


def test_member_may_reveal_their_own_data(world):
    own = UserFactory(username="member-self")
    Member.objects.filter(pk=world.a.members[1].pk).update(user=own)
    client = api_client(own)
    assert ids(client.get("/api/members/")) == {world.a.members[1].pk}
    assert client.post(f"/api/members/{world.a.members[1].pk}/personal-data/").status_code == 200
    assert client.post(f"/api/members/{world.a.members[0].pk}/personal-data/").status_code == 404
    assert PersonalDataAccess.objects.count() == 1


# ------------------------------------------------------------------------ writes: areas
def test_cadre_creates_an_area_through_the_action(world, cadre_a):
    payload = {"parent": world.a.compound.pk, "name": "甲2号楼", "code": "B-NEW-1", "level": AreaLevel.BUILDING,
               "households": 30, "building_use": "residential"}
    response = api_client(cadre_a).post("/api/areas/", payload, format="json")
    assert response.status_code == 201, response.content
    area = Area.objects.get(code="B-NEW-1")
    assert area.parent_id == world.a.compound.pk and area.households == 30
    assert response.json()["id"] == area.pk and response.json()["level_display"] == "楼栋"
    assert AuditEvent.objects.filter(verb="area.create", target_id=str(area.pk), actor=cadre_a).exists()


def test_creating_an_area_under_an_out_of_scope_parent_is_404(world, cadre_a):
    payload = {"parent": world.b.compound.pk, "name": "乙2号楼", "code": "B-NEW-2", "level": AreaLevel.BUILDING}
    response = api_client(cadre_a).post("/api/areas/", payload, format="json")
    assert response.status_code == 404
    assert not Area.objects.filter(code="B-NEW-2").exists()


def test_level_violation_is_400_on_level(world, cadre_a):
    payload = {"parent": world.a.compound.pk, "name": "错层街道", "code": "S-BAD", "level": AreaLevel.STREET}
    response = api_client(cadre_a).post("/api/areas/", payload, format="json")
    assert response.status_code == 400
    message = response.json()["level"][0]
    assert "层级更低" in message and "甲小区" in message
    assert not Area.objects.filter(code="S-BAD").exists()


def test_duplicate_code_is_a_field_error(world, cadre_a):
    payload = {"parent": world.a.compound.pk, "name": "重复", "code": world.b.building.code, "level": AreaLevel.BUILDING}
    response = api_client(cadre_a).post("/api/areas/", payload, format="json")
    assert response.status_code == 400
    assert "code" in response.json()


def test_grid_worker_cannot_write(world, grid_a):
    payload = {"parent": world.a.compound.pk, "name": "网格楼", "code": "B-GRID", "level": AreaLevel.BUILDING}
    response = api_client(grid_a).post("/api/areas/", payload, format="json")
    assert response.status_code == 403
    assert "无权" in response.json()["detail"]
    assert not Area.objects.filter(code="B-GRID").exists()


def test_only_the_administrator_creates_top_level_areas(world, cadre_a, admin):
    payload = {"name": "新区", "code": "D-NEW", "level": AreaLevel.DISTRICT}
    response = api_client(cadre_a).post("/api/areas/", payload, format="json")
    assert response.status_code == 403
    assert "系统管理员" in response.json()["detail"]
    assert api_client(admin).post("/api/areas/", payload, format="json").status_code == 201


def test_cadre_updates_an_area_in_scope_only(world, cadre_a):
    client = api_client(cadre_a)
    response = client.patch(f"/api/areas/{world.a.building.pk}/", {"name": "甲一号楼", "households": 40}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "甲一号楼"
    world.a.building.refresh_from_db()
    assert (world.a.building.name, world.a.building.households) == ("甲一号楼", 40)
    assert client.patch(f"/api/areas/{world.b.building.pk}/", {"name": "x"}, format="json").status_code == 404
    world.b.building.refresh_from_db()
    assert world.b.building.name == "乙1号楼"


def test_moving_an_area_under_an_out_of_scope_parent_is_404(world, cadre_a):
    response = api_client(cadre_a).patch(f"/api/areas/{world.a.building.pk}/", {"parent": world.b.compound.pk}, format="json")
    assert response.status_code == 404
    world.a.building.refresh_from_db()
    assert world.a.building.parent_id == world.a.compound.pk


def test_area_delete_goes_through_the_action(world, cadre_a):
    client = api_client(cadre_a)
    leaf = AreaFactory(level=AreaLevel.BUILDING, parent=world.a.compound)
    assert client.delete(f"/api/areas/{leaf.pk}/").status_code == 204
    assert not Area.objects.filter(pk=leaf.pk).exists()
    assert AuditEvent.objects.filter(verb="area.delete", target_id=str(leaf.pk)).exists()
    refused = client.delete(f"/api/areas/{world.a.compound.pk}/")
    assert refused.status_code == 400
    assert "下级区域" in refused.json()["non_field_errors"][0]
    assert client.delete(f"/api/areas/{world.b.building.pk}/").status_code == 404
    assert Area.objects.filter(pk=world.b.building.pk).exists()


def test_deleting_a_referenced_area_is_refused_with_reason(world, admin):
    bare = AreaFactory(level=AreaLevel.COMMUNITY, parent=world.street)
    ResidentUnitFactory(community=bare)
    response = api_client(admin).delete(f"/api/areas/{bare.pk}/")
    assert response.status_code == 400
    assert "驻区单位" in response.json()["non_field_errors"][0]
    assert Area.objects.filter(pk=bare.pk).exists()


# ------------------------------------------------------------------------- writes: orgs
def test_cadre_creates_and_updates_an_org(world, cadre_a):
    client = api_client(cadre_a)
    payload = {"parent": world.a.branch.pk, "area": world.a.building.pk, "name": "甲1号楼第二党小组", "code": "G-NEW",
               "kind": OrgKind.GROUP, "category": OrgCategory.BUILDING_GROUP}
    response = client.post("/api/orgs/", payload, format="json")
    assert response.status_code == 201, response.content
    org = PartyOrg.objects.get(code="G-NEW")
    assert org.parent_id == world.a.branch.pk and org.term_years == 3
    secretary = world.a.members[0]
    response = client.patch(f"/api/orgs/{org.pk}/", {"secretary": secretary.pk}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["secretary_name"] == secretary.name


def test_org_rules_and_scope_on_create(world, cadre_a):
    client = api_client(cadre_a)
    wrong_kind = {"parent": world.a.branch.pk, "area": world.a.compound.pk, "name": "错误党委", "code": "O-BAD",
                  "kind": OrgKind.COMMITTEE, "category": OrgCategory.COMPOUND}
    response = client.post("/api/orgs/", wrong_kind, format="json")
    assert response.status_code == 400
    assert "不能隶属于" in response.json()["kind"][0]
    elsewhere = {**wrong_kind, "parent": world.b.branch.pk, "area": world.b.building.pk, "kind": OrgKind.GROUP, "code": "O-B"}
    assert client.post("/api/orgs/", elsewhere, format="json").status_code == 404
    assert not PartyOrg.objects.filter(code__in=["O-BAD", "O-B"]).exists()


# ---------------------------------------------------------------------- writes: members
def _member_payload(world, **extra):
    return {"name": "新党员", "gender": "F", "organization": world.a.branch.pk, "residence": world.a.building.pk,
            "phone": "13712345678", "id_number": valid_id_number(777, "19900202"), **extra}


def test_cadre_creates_a_member_with_encrypted_personal_data(world, cadre_a):
    payload = _member_payload(world)
    response = api_client(cadre_a).post("/api/members/", payload, format="json")
    assert response.status_code == 201, response.content
    text = response.content.decode()
    assert payload["phone"] not in text and payload["id_number"] not in text
    assert response.json()["phone_masked"] == "137****5678"
    member = Member.objects.get(pk=response.json()["id"])
    assert (member.phone, member.id_number) == (payload["phone"], payload["id_number"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, id_number FROM organizations_member WHERE id = %s", [member.pk])
        raw_phone, raw_id = cursor.fetchone()
    assert payload["phone"] not in raw_phone and payload["id_number"] not in raw_id
    assert AuditEvent.objects.filter(verb="member.create", target_id=str(member.pk)).exists()


def test_member_personal_data_is_validated_in_chinese(world, cadre_a):
    client = api_client(cadre_a)
    valid = valid_id_number(778, "19900202")
    bad_check = valid[:17] + ("0" if valid[17] != "0" else "1")
    response = client.post("/api/members/", _member_payload(world, phone="12345", id_number=bad_check), format="json")
    assert response.status_code == 400
    body = response.json()
    assert "手机号" in body["phone"][0]
    assert "身份证" in body["id_number"][0]
    assert not Member.objects.filter(name="新党员").exists()


def test_member_update_changes_the_phone_hash(world, cadre_a):
    client = api_client(cadre_a)
    member = world.a.members[0]
    response = client.patch(f"/api/members/{member.pk}/", {"phone": "15011112222"}, format="json")
    assert response.status_code == 200, response.content
    assert "15011112222" not in response.content.decode()
    assert ids(_lookup(client, phone="15011112222")) == {member.pk}
    event = AuditEvent.objects.get(verb="member.update", target_id=str(member.pk))
    assert event.changes["phone"] == ["***", "***"]


def test_member_in_another_community_cannot_be_written(world, cadre_a):
    client = api_client(cadre_a)
    outsider = world.b.members[0]
    assert client.patch(f"/api/members/{outsider.pk}/", {"name": "改名"}, format="json").status_code == 404
    moved = client.patch(f"/api/members/{world.a.members[0].pk}/", {"organization": world.b.branch.pk}, format="json")
    assert moved.status_code == 404
    assert Member.objects.get(pk=world.a.members[0].pk).organization_id == world.a.branch.pk
    assert client.post("/api/members/", _member_payload(world, organization=world.b.branch.pk), format="json").status_code == 404


def test_members_cannot_be_deleted(world, admin):
    member = world.a.members[0]
    assert api_client(admin).delete(f"/api/members/{member.pk}/").status_code == 405
    assert Member.objects.filter(pk=member.pk).exists()


# ------------------------------------------------------------------------ writes: units
def test_resident_unit_writes(world, cadre_a):
    client = api_client(cadre_a)
    payload = {"name": "甲社区卫生站", "kind": "hospital", "community": world.a.area.pk, "contact_phone": "13900009999"}
    response = client.post("/api/resident-units/", payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["contact_phone_masked"] == "139****9999"
    assert "13900009999" not in response.content.decode()
    assert ResidentUnit.objects.get(name="甲社区卫生站").contact_phone == "13900009999"
    assert client.post("/api/resident-units/", {**payload, "name": "乙", "community": world.b.area.pk}, format="json").status_code == 404
    wrong_level = client.post("/api/resident-units/", {**payload, "name": "小区单位", "community": world.a.compound.pk}, format="json")
    assert wrong_level.status_code == 400
    assert "社区" in wrong_level.json()["community"][0]
    assert client.patch(f"/api/resident-units/{world.unit_b.pk}/", {"name": "x"}, format="json").status_code == 404


def test_central_households_are_read_only(world, admin):
    client = api_client(admin)
    assert client.post("/api/central-households/", {}, format="json").status_code == 405
    assert client.delete(f"/api/central-households/{world.ch_a.pk}/").status_code == 405


# -------------------------------------------------------------------------- tokens
def test_token_endpoint_issues_a_working_token(world):
    user = user_with(Role.COMMUNITY, world.a.area, username="token-user")
    client = APIClient()
    response = client.post("/api/auth/token/", {"username": "token-user", "password": "pass-123456"}, format="json")
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert ids(client.get("/api/areas/")) == {world.a.area.pk, world.a.compound.pk, world.a.building.pk}
    assert LoginAttempt.objects.filter(username=user.username, succeeded=True).count() == 1


def test_wrong_password_is_400_in_chinese(world):
    UserFactory(username="someone")
    response = APIClient().post("/api/auth/token/", {"username": "someone", "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert "用户名或密码不正确" in response.json()["non_field_errors"][0]
    assert "token" not in response.json()


def test_token_endpoint_locks_out_after_repeated_failures(world):
    UserFactory(username="target")
    client = APIClient()
    for _ in range(settings.LOGIN_MAX_FAILURES):
        bad = client.post("/api/auth/token/", {"username": "target", "password": "guess"}, format="json")
        assert bad.status_code == 400
    locked = client.post("/api/auth/token/", {"username": "target", "password": "pass-123456"}, format="json")
    assert locked.status_code == 429
    assert "锁定" in locked.json()["detail"]
    assert "token" not in locked.json()
    assert int(locked["Retry-After"]) == settings.LOGIN_LOCKOUT_MINUTES * 60


def test_one_failure_short_of_the_limit_still_logs_in(world):
    UserFactory(username="careful")
    client = APIClient()
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        client.post("/api/auth/token/", {"username": "careful", "password": "guess"}, format="json")
    ok = client.post("/api/auth/token/", {"username": "careful", "password": "pass-123456"}, format="json")
    assert ok.status_code == 200


# ------------------------------------------------------------------------ schema, docs
def _staff_client():
    client = APIClient()
    client.force_authenticate(UserFactory(is_staff=True))
    return client


def test_schema_lists_the_paths():
    response = _staff_client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    for path in (
        "/api/areas/", "/api/areas/{id}/", "/api/areas/{id}/summary/", "/api/areas/{id}/children/",
        "/api/orgs/", "/api/orgs/{id}/", "/api/members/", "/api/members/{id}/", "/api/members/{id}/personal-data/",
        "/api/resident-units/", "/api/resident-units/{id}/", "/api/central-households/", "/api/auth/token/",
    ):
        assert path in paths, path
    assert "delete" not in paths["/api/members/{id}/"]
    assert "delete" in paths["/api/areas/{id}/"]
    member_fields = json.loads(response.content)["components"]["schemas"]["Member"]["properties"]
    assert member_fields["phone"].get("writeOnly") is True
    assert "within" in {p["name"] for p in paths["/api/members/"]["get"]["parameters"]}


def test_schema_generates_without_warnings(tmp_path):
    # --fail-on-warn turns any drf-spectacular warning or error into a SystemExit.
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yml"))
    assert "/api/members/{id}/personal-data/" in (tmp_path / "schema.yml").read_text()


def test_swagger_ui_is_served():
    client = Client()
    client.force_login(UserFactory(is_staff=True))
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger-ui" in response.content
