"""Grids API: exact lists, ``?within=`` and filters, writes through the actions, photo
upload, transitions, coverage, and query counts pinned at two sizes.  Scope and refusals
of every list and detail are the contracts' (``grids/*/tests/test_contracts.py``)."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from dangjian.testing import api_client, ids, query_count
from grids.diary.choices import DiaryCategory, DiaryKind, DiaryStatus
from grids.diary.models import DiaryEntry
from grids.grids.models import Grid
from grids.teams.choices import TeamRole
from grids.tests.budgets import BUDGETS
from grids.tests.factories import DiaryEntryFactory, TeamMemberFactory, coverage_world, grow_world, png_upload
from grids.tests.worlds import NON_READERS
from organizations.grants.choices import Role
from organizations.grants.models import Grant
from organizations.tests.factories import UserFactory, user_with
from services.requests.tests.test_support import order

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(city):
    return coverage_world(city)


@pytest.fixture
def site(world):
    world.cadre_a = user_with(Role.COMMUNITY, world.a.area)
    world.team_a = TeamMemberFactory(grid=world.g1, role=TeamRole.LEADER, member=world.a.members[0])
    world.team_b = TeamMemberFactory(grid=world.gb, role=TeamRole.LEADER, member=world.b.members[0])
    world.entry_a = DiaryEntryFactory(grid=world.g1, building=world.a.building)
    world.entry_b = DiaryEntryFactory(grid=world.gb, building=world.b.building)
    world.problem_a = DiaryEntryFactory(
        grid=world.g1, kind=DiaryKind.PROBLEM, category=DiaryCategory.SAFETY, status=DiaryStatus.OPEN
    )
    return world


# ------------------------------------------------------------------ scope and roles
def test_cadre_lists_hold_exactly_their_community(site):
    """Every grid of 甲 (with or without a branch, over a compound, a building or a 楼宇
    directly under the community), its team and its diary; nothing of 乙."""
    client = api_client(site.cadre_a)
    assert ids(client.get("/api/grids/")) == {site.g1.pk, site.g2.pk, site.g3.pk}
    assert ids(client.get("/api/grid-team/")) == {site.team_a.pk}
    assert ids(client.get("/api/diary/")) == {site.entry_a.pk, site.problem_a.pk}


def test_within_narrows_and_cannot_probe(site):
    client = api_client(user_with(Role.STREET, site.street))
    assert ids(client.get(f"/api/grids/?within={site.b.area.pk}")) == {site.gb.pk}
    assert ids(client.get(f"/api/diary/?within={site.b.area.pk}")) == {site.entry_b.pk}
    assert api_client(site.cadre_a).get(f"/api/grids/?within={site.b.area.pk}").status_code == 404


def test_filters(site):
    client = api_client(site.cadre_a)
    assert ids(client.get("/api/grids/?has_branch=false")) == {site.g2.pk}
    assert ids(client.get("/api/diary/?status=open")) == {site.problem_a.pk}
    assert ids(client.get(f"/api/diary/?grid={site.gb.pk}")) == set()
    assert ids(client.get("/api/grid-team/?current=true")) == {site.team_a.pk}


@pytest.mark.parametrize("role", NON_READERS)
def test_coverage_refusal_says_why(site, role):
    response = api_client(user_with(role, site.a.area)).get(f"/api/coverage/{site.a.area.pk}/")
    assert response.status_code == 403 and "无权" in response.json()["detail"]


# -------------------------------------------------------------------------- grids
def test_create_a_grid_through_the_action(site):
    client = api_client(site.cadre_a)
    response = client.post("/api/grids/", {
        "community": site.a.area.pk, "code": "API1", "name": "三期网格", "areas": [site.p3.pk],
    }, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert [p["id"] for p in body["places"]] == [site.p3.pk] and body["community_name"] == site.a.area.name
    conflict = client.post("/api/grids/", {
        "community": site.a.area.pk, "code": "API2", "name": "重复网格", "areas": [site.a.building.pk],
    }, format="json")
    assert conflict.status_code == 400 and "已属于网格“甲小区网格”" in conflict.json()["areas"][0]
    assert client.post("/api/grids/", {"community": site.b.area.pk, "code": "X", "name": "X"}, format="json").status_code == 404


def test_a_grid_worker_may_not_create_grids(site):
    response = api_client(user_with(Role.GRID, site.a.area)).post(
        "/api/grids/", {"community": site.a.area.pk, "code": "X", "name": "X"}, format="json"
    )
    assert response.status_code == 403 and "无权管理网格" in response.json()["detail"]


def test_patch_replaces_coverage_and_grants_follow(site):
    worker = UserFactory()
    client = api_client(site.cadre_a)
    response = client.post("/api/grid-team/", {"grid": site.g2.pk, "role": TeamRole.WORKER, "username": worker.username},
                           format="json")
    assert response.status_code == 201, response.content
    patched = client.patch(f"/api/grids/{site.g2.pk}/", {"areas": [site.p3.pk], "name": "三期网格"}, format="json")
    assert patched.status_code == 200, patched.content
    assert [p["id"] for p in patched.json()["places"]] == [site.p3.pk] and patched.json()["name"] == "三期网格"
    assert set(Grant.objects.filter(user=worker, is_active=True).values_list("area_id", flat=True)) == {site.p3.pk}
    moved = client.patch(f"/api/grids/{site.g2.pk}/", {"community": site.b.area.pk}, format="json")
    assert moved.status_code == 404  # B is not visible to the cadre
    same = client.patch(f"/api/grids/{site.g2.pk}/", {"community": site.street.pk}, format="json")
    assert same.status_code == 404


def test_from_compounds_endpoint_is_idempotent(site):
    client = api_client(site.cadre_a)
    first = client.post("/api/grids/from-compounds/", {"community": site.a.area.pk}, format="json")
    assert first.status_code == 201 and [g["places"][0]["id"] for g in first.json()] == [site.p3.pk]
    again = client.post("/api/grids/from-compounds/", {"community": site.a.area.pk}, format="json")
    assert again.status_code == 201 and again.json() == []


def test_grid_team_endpoint_and_ending(site):
    worker = UserFactory()
    client = api_client(site.cadre_a)
    created = client.post("/api/grid-team/", {
        "grid": site.g1.pk, "role": TeamRole.WORKER, "username": worker.username, "member": site.a.members[1].pk,
    }, format="json")
    assert created.status_code == 201 and created.json()["has_account"] is True
    assert Grant.objects.filter(user=worker, area=site.a.compound, is_active=True).exists()
    team = client.get(f"/api/grids/{site.g1.pk}/team/").json()
    assert {row["role"] for row in team} == {TeamRole.LEADER, TeamRole.WORKER}
    ended = client.post(f"/api/grid-team/{created.json()['id']}/end/", {}, format="json")
    assert ended.status_code == 200 and ended.json()["ended_on"] == timezone.localdate().isoformat()
    assert not Grant.objects.filter(user=worker, is_active=True).exists()
    twice = client.post(f"/api/grid-team/{created.json()['id']}/end/", {}, format="json")
    assert twice.status_code == 400
    nobody = client.post("/api/grid-team/", {"grid": site.g1.pk, "role": TeamRole.WORKER}, format="json")
    assert nobody.status_code == 400


# ------------------------------------------------------------------------------ diary
def diary_body(site, **extra):
    body = {
        "grid": site.g1.pk, "kind": DiaryKind.PROBLEM, "category": DiaryCategory.FACILITY,
        "text": "单元门坏了", "occurred_on": timezone.localdate().isoformat(), "building": site.a.building.pk,
    }
    body.update(extra)
    return body


def test_a_grid_worker_records_a_problem_with_a_photo(site):
    worker = UserFactory()
    api_client(site.cadre_a).post("/api/grid-team/", {"grid": site.g1.pk, "role": TeamRole.WORKER, "username": worker.username},
                           format="json")
    client = api_client(worker)
    response = client.post("/api/diary/", diary_body(site, photo=png_upload()), format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == DiaryStatus.OPEN and body["has_photo"] is True and "photo" not in body
    photo = client.get(f"/api/diary/{body['id']}/photo/")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    assert b"".join(photo.streaming_content).startswith(b"\x89PNG")


def test_photo_errors_answer_json_whatever_the_format_asked(site):
    """An error of the photo endpoint is ``{"detail": …}`` as JSON, even for ``?format=file``
    (which once picked the file renderer and answered the error as ``*/*``)."""
    for client, status in ((api_client(), 401), (api_client(site.cadre_a), 404)):
        response = client.get("/api/diary/999999/photo/?format=file")
        assert response.status_code == status
        assert response["Content-Type"].startswith("application/json") and "detail" in response.json()


def test_a_fake_photo_is_refused_with_a_field_error(site):
    fake = SimpleUploadedFile("photo.png", b"GIF89a but really text", content_type="image/png")
    response = api_client(site.cadre_a).post("/api/diary/", diary_body(site, photo=fake), format="multipart")
    assert response.status_code == 400 and "不是有效的图片" in response.json()["photo"][0]
    assert not DiaryEntry.objects.filter(text="单元门坏了").exists()


def test_diary_refusals(site):
    assert api_client(user_with(Role.COMMUNITY, site.b.area)).post("/api/diary/", diary_body(site), format="json").status_code == 404
    outside = api_client(site.cadre_a).post("/api/diary/", diary_body(site, building=site.b22.pk), format="json")
    assert outside.status_code == 400 and "不在网格" in outside.json()["building"][0]
    member = api_client(user_with(Role.MEMBER, site.a.area)).post("/api/diary/", diary_body(site), format="json")
    assert member.status_code == 403


def test_resolve_and_convert_endpoints(site):
    client = api_client(site.cadre_a)
    resolved = client.post(f"/api/diary/{site.problem_a.pk}/resolve/", {"resolution": "已修好"}, format="json")
    assert resolved.status_code == 200 and resolved.json()["status"] == DiaryStatus.RESOLVED
    illegal = client.post(f"/api/diary/{site.problem_a.pk}/convert/", {"converted_to": "request", "converted_id": 9},
                          format="json")
    # a refused change answers 409, as every other refused transition does
    assert illegal.status_code == 409
    assert illegal.json() == {"detail": "该记录当前为“已解决”，不能改为“已转办”。"}
    other = DiaryEntryFactory(grid=site.g1, kind=DiaryKind.PROBLEM, category=DiaryCategory.DISPUTE, status=DiaryStatus.OPEN)
    bogus = client.post(f"/api/diary/{other.pk}/convert/", {"converted_to": "request", "converted_id": 9}, format="json")
    assert bogus.status_code == 400 and "converted_id" in bogus.json()  # no such request: never recorded
    req = order(site.a)
    converted = client.post(f"/api/diary/{other.pk}/convert/", {"converted_to": "request", "converted_id": req.pk},
                            format="json")
    assert converted.status_code == 200
    assert (converted.json()["converted_to"], converted.json()["converted_id"]) == ("request", req.pk)
    visit = client.post(f"/api/diary/{site.entry_a.pk}/resolve/", {"resolution": "x"}, format="json")
    assert visit.status_code == 409
    assert visit.json() == {"detail": "该记录当前为“已记录”，不能改为“已解决”。"}
    empty = client.post(f"/api/diary/{other.pk}/resolve/", {"resolution": ""}, format="json")
    assert empty.status_code == 400  # bad input stays a 400 with its field


# --------------------------------------------------------------------------- coverage
def test_coverage_endpoint_gives_figures_and_children(site):
    client = api_client(user_with(Role.DISTRICT, site.city))
    body = client.get(f"/api/coverage/{site.street.pk}/").json()
    assert body["figures"]["compounds"] == 4 and body["figures"]["households_covered"] == 38
    children = {row["id"]: row["figures"] for row in body["children"]}
    assert children[site.a.area.pk]["grids"] == 3 and children[site.b.area.pk]["grids"] == 1
    gaps = client.get(f"/api/coverage/{site.a.area.pk}/gaps/?kind=compounds_without_grid").json()
    assert [row["id"] for row in gaps["results"]] == [site.p3.pk] and gaps["count"] == 1
    assert client.get(f"/api/coverage/{site.a.area.pk}/gaps/?kind=nope").status_code == 400
    assert client.get("/api/coverage/abc/").status_code == 404


# ---------------------------------------------------------------------- query counts
def test_query_counts_are_pinned_at_two_sizes(site):
    """Grants (1), then the page: count + rows (+ one prefetch of the grids' places)."""
    user = user_with(Role.DISTRICT, site.city)
    pinned = {
        "/api/grids/": BUDGETS["grid-list"],
        f"/api/grids/{site.g1.pk}/": BUDGETS["grid-detail"],
        f"/api/grids/{site.g1.pk}/team/": BUDGETS["grid-team"],
        "/api/grid-team/": BUDGETS["grid-team-list"],
        f"/api/grid-team/{site.team_a.pk}/": BUDGETS["grid-team-detail"],
        "/api/diary/": BUDGETS["diary-list"],
        f"/api/diary/{site.entry_a.pk}/": BUDGETS["diary-detail"],
        f"/api/coverage/{site.city.pk}/": BUDGETS["coverage-detail"],
        f"/api/coverage/{site.a.area.pk}/": BUDGETS["coverage-detail"],
        f"/api/coverage/{site.a.area.pk}/gaps/?kind=buildings_without_group": BUDGETS["coverage-gaps"],
    }
    assert {url: query_count(api_client(user), url) for url in pinned} == pinned
    grow_world(site, 8)
    assert Grid.objects.count() == 12 and DiaryEntry.objects.count() == 19
    assert {url: query_count(api_client(user), url) for url in pinned} == pinned


def test_the_schema_documents_the_grids_api_without_warnings(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(target))
    text = target.read_text()
    for path in ("/api/grids/", "/api/grid-team/", "/api/diary/", "/api/coverage/{id}/", "/api/grids/from-compounds/"):
        assert f"{path}:" in text


def test_a_diary_entry_without_kind_is_a_visit(site):
    """``kind`` is optional in the schema (the model's default): leaving it out records a visit,
    it is not a server error (issue 12, finding 8)."""
    body = diary_body(site)
    del body["kind"]
    response = api_client(site.cadre_a).post("/api/diary/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == DiaryKind.VISIT
    assert DiaryEntry.objects.get(pk=response.json()["id"]).status == DiaryStatus.RECORDED
