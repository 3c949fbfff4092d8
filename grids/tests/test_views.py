"""Grid pages: access, scoping (404 outside the subtree, 403 for roles), forms through the
actions, and query counts pinned at two data sizes."""
import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.testing import assert_max_queries, count_queries, logged_in, query_count
from grids.diary.choices import DiaryCategory, DiaryKind, DiaryStatus
from grids.diary.models import DiaryEntry
from grids.grids.models import Grid
from grids.teams import actions
from grids.teams.choices import TeamRole
from grids.teams.models import GridTeamMember
from grids.tests.budgets import BUDGETS
from grids.tests.factories import (
    DiaryEntryFactory,
    TeamMemberFactory,
    coverage_world,
    grow_world,
    png_upload,
)
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
    """The coverage world plus team rows and diary entries in both communities."""
    world.cadre_a = user_with(Role.COMMUNITY, world.a.area)
    world.cadre_b = user_with(Role.COMMUNITY, world.b.area)
    world.team_a = TeamMemberFactory(grid=world.g1, role=TeamRole.LEADER, member=world.a.members[0])
    world.team_b = TeamMemberFactory(grid=world.gb, role=TeamRole.LEADER, member=world.b.members[0])
    world.entry_a = DiaryEntryFactory(grid=world.g1, building=world.a.building, text="甲社区的走访")
    world.entry_b = DiaryEntryFactory(grid=world.gb, building=world.b.building, text="乙社区的走访")
    world.problem_a = DiaryEntryFactory(
        grid=world.g1, kind=DiaryKind.PROBLEM, category=DiaryCategory.FACILITY, status=DiaryStatus.OPEN, text="楼道灯坏了"
    )
    return world


def form_urls(w):
    """Form pages of objects in community A and the same pages for community B.  The list
    and detail pages (grids, diary entries and photos, coverage, gap lists, community
    boards) are the contracts' (``grids/*/tests/test_contracts.py``)."""
    return [
        (reverse("grids:grid_edit", args=[w.g1.pk]), reverse("grids:grid_edit", args=[w.gb.pk])),
        (reverse("grids:grid_coverage_edit", args=[w.g1.pk]), reverse("grids:grid_coverage_edit", args=[w.gb.pk])),
        (reverse("grids:team_add", args=[w.g1.pk]), reverse("grids:team_add", args=[w.gb.pk])),
        (reverse("grids:team_end", args=[w.team_a.pk]), reverse("grids:team_end", args=[w.team_b.pk])),
        (f"{reverse('grids:diary_create')}?grid={w.g1.pk}", f"{reverse('grids:diary_create')}?grid={w.gb.pk}"),
        (f"{reverse('grids:grid_create')}?community={w.a.area.pk}", f"{reverse('grids:grid_create')}?community={w.b.area.pk}"),
    ]


LIST_URLS = ["grids:grid_list", "grids:diary_list"]


# ------------------------------------------------------------------ access and scope
def test_anonymous_is_sent_to_login(client, site):
    for url, _other in form_urls(site):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_community_cadre_gets_404_on_the_other_community(client, site):
    logged_in(site.cadre_a, client)
    for mine, theirs in form_urls(site):
        assert client.get(mine).status_code == 200, mine
        assert client.get(theirs).status_code == 404, theirs
    assert client.post(reverse("grids:community_generate", args=[site.b.area.pk])).status_code == 404


def test_lists_never_show_the_other_community(client, site):
    logged_in(site.cadre_a, client)
    grids = client.get(reverse("grids:grid_list"))
    assert {g.pk for g in grids.context["page_obj"]} == {site.g1.pk, site.g2.pk, site.g3.pk}
    assert "乙小区网格" not in grids.content.decode()
    diary = client.get(reverse("grids:diary_list"))
    assert {e.pk for e in diary.context["page_obj"]} == {site.entry_a.pk, site.problem_a.pk}
    assert "乙社区的走访" not in diary.content.decode()
    # naming the other community's grid in a filter shows nothing and says it is not found
    response = client.get(reverse("grids:diary_list"), {"grid": site.gb.pk})
    assert list(response.context["page_obj"]) == [] and response.context["grid_filter"] is None


@pytest.mark.parametrize("role", [Role.MEMBER, Role.DEPARTMENT])
def test_roles_that_may_not_read_grids_get_403(client, site, role):
    logged_in(user_with(role, site.a.area), client)
    for name in LIST_URLS:
        response = client.get(reverse(name))
        assert response.status_code == 403 and "无权" in response.content.decode()
    for mine, _theirs in form_urls(site):
        assert client.get(mine).status_code == 403, mine


def test_a_grid_worker_reads_but_may_not_manage(client, site):
    worker = UserFactory()
    actions.team_member_add(actor=site.cadre_a, grid=site.g1, role=TeamRole.WORKER, user=worker)
    logged_in(worker, client)
    assert client.get(reverse("grids:grid_detail", args=[site.g1.pk])).status_code == 200
    assert client.get(reverse("grids:grid_detail", args=[site.g2.pk])).status_code == 404  # not their grid
    assert client.get(f"{reverse('grids:diary_create')}?grid={site.g1.pk}").status_code == 200
    for url in (reverse("grids:grid_edit", args=[site.g1.pk]), reverse("grids:team_add", args=[site.g1.pk]),
                reverse("grids:grid_coverage_edit", args=[site.g1.pk])):
        response = client.get(url)
        assert response.status_code == 403 and "无权管理该网格" in response.content.decode()
    diary = client.get(reverse("grids:diary_list"))
    assert {e.pk for e in diary.context["page_obj"]} == {site.entry_a.pk, site.problem_a.pk}
    # their scope is the grid's places, not the community: no board, no community coverage
    assert client.get(reverse("grids:community_board", args=[site.a.area.pk])).status_code == 404
    assert client.get(reverse("grids:coverage", args=[site.a.compound.pk])).status_code == 200


# --------------------------------------------------------------------------- pages
def test_community_board_shows_grids_teams_figures_and_gaps(client, site):
    response = logged_in(site.cadre_a, client).get(reverse("grids:community_board", args=[site.a.area.pk]))
    html = response.content.decode()
    assert [g.pk for g in response.context["grids"]] == sorted(
        [site.g1.pk, site.g2.pk, site.g3.pk], key=lambda pk: Grid.objects.get(pk=pk).code
    )
    assert response.context["figures"]["compounds_gridded"] == 2
    assert "按小区一键生成网格" in html and site.a.members[0].name in html
    assert [c.pk for c in response.context["gaps"]["compounds_without_grid"]["rows"]] == [site.p3.pk]
    assert f"?community={site.a.area.pk}&amp;area={site.p3.pk}" in html  # the gap links to the fix


def test_the_board_button_creates_grids_for_the_remaining_compounds(client, site):
    logged_in(site.cadre_a, client)
    response = client.post(reverse("grids:community_generate", args=[site.a.area.pk]), follow=True)
    assert "已按小区生成 1 个网格" in response.content.decode()
    assert Grid.objects.filter(community=site.a.area, coverage__area=site.p3).exists()
    again = client.post(reverse("grids:community_generate", args=[site.a.area.pk]), follow=True)
    assert "没有新生成网格" in again.content.decode()
    assert "按小区一键生成网格" not in again.content.decode()


def test_the_generate_button_is_for_managers_only(client, site):
    street_grid_user = user_with(Role.GRID, site.a.area)
    logged_in(street_grid_user, client)
    response = client.get(reverse("grids:community_board", args=[site.a.area.pk]))
    assert response.status_code == 200 and "按小区一键生成网格" not in response.content.decode()
    assert client.post(reverse("grids:community_generate", args=[site.a.area.pk])).status_code == 403


def test_coverage_page_drills_down_to_children(client, site):
    response = logged_in(user_with(Role.DISTRICT, site.city), client).get(reverse("grids:coverage", args=[site.street.pk]))
    rows = {r.area.pk: r.figures for r in response.context["children"]}
    assert set(rows) == {site.a.area.pk, site.b.area.pk}
    assert rows[site.a.area.pk]["grids"] == 3
    html = response.content.decode()
    assert reverse("grids:coverage", args=[site.a.area.pk]) in html
    assert reverse("grids:community_board", args=[site.a.area.pk]) in html
    assert response.context["figures"]["households_covered_rate"] == 36.9


def test_coverage_index_goes_to_the_users_top_area(client, site):
    response = logged_in(site.cadre_a, client).get(reverse("grids:coverage_index"))
    assert response.status_code == 302 and response["Location"] == reverse("grids:coverage", args=[site.a.area.pk])


def test_gap_page_lists_all_and_unknown_kinds_are_404(client, site):
    logged_in(site.cadre_a, client)
    response = client.get(reverse("grids:coverage_gaps", args=[site.a.area.pk, "buildings_without_group"]))
    assert response.context["page_obj"].paginator.count == 5
    assert client.get(reverse("grids:coverage_gaps", args=[site.a.area.pk, "nonsense"])).status_code == 404


def test_grid_page_shows_places_buildings_team_and_diary(client, site):
    response = logged_in(site.cadre_a, client).get(reverse("grids:grid_detail", args=[site.g1.pk]))
    html = response.content.decode()
    assert [p.pk for p in response.context["places"]] == [site.a.compound.pk]
    assert [b.pk for b in response.context["buildings"]] == [site.a.building.pk]
    assert response.context["figures"]["households_covered"] == 24
    assert site.a.members[0].name in html and "楼道灯坏了" in html
    assert response.context["can_manage"] and response.context["can_write_diary"]


def test_grid_list_search_and_branch_filter(client, site):
    logged_in(site.cadre_a, client)
    response = client.get(reverse("grids:grid_list"), {"branch": "no"})
    assert [g.pk for g in response.context["page_obj"]] == [site.g2.pk]
    response = client.get(reverse("grids:grid_list"), {"q": "商务"})
    assert [g.pk for g in response.context["page_obj"]] == [site.g3.pk]


# --------------------------------------------------------------------------- forms
def test_create_a_grid_with_places(client, site):
    logged_in(site.cadre_a, client)
    url = f"{reverse('grids:grid_create')}?community={site.a.area.pk}&area={site.p3.pk}"
    page = client.get(url)
    assert f'value="{site.p3.pk}" id="place-{site.p3.pk}" checked' in page.content.decode()
    response = client.post(url, {"code": "NEW1", "name": "三期网格", "party_branch": "", "areas": [site.p3.pk]})
    grid = Grid.objects.get(code="NEW1")
    assert response.status_code == 302 and response["Location"] == reverse("grids:grid_detail", args=[grid.pk])
    assert list(grid.coverage.values_list("area_id", flat=True)) == [site.p3.pk]


def test_a_coverage_conflict_is_shown_on_the_form(client, site):
    logged_in(site.cadre_a, client)
    url = reverse("grids:grid_coverage_edit", args=[site.g2.pk])
    response = client.post(url, {"areas": [site.b21.pk, site.a.building.pk]})
    assert response.status_code == 200
    assert "所在的小区“甲小区”已属于网格“甲小区网格”" in response.content.decode()
    assert list(site.g2.coverage.values_list("area_id", flat=True)) == [site.b21.pk]


def test_grid_create_without_community_asks_for_one(client, site):
    logged_in(site.cadre_a, client)
    page = client.get(reverse("grids:grid_create"))
    html = page.content.decode()
    assert page.status_code == 200 and f'data-picker="{reverse("organizations:pick_areas")}?level=4"' in html
    assert "社区编码" not in html and site.b.area.name not in html  # a picker: no list, no code to type
    response = client.get(reverse("grids:grid_create"), {"community_pick": site.a.area.pk})
    assert response["Location"].endswith(f"?community={site.a.area.pk}")
    refused = client.get(reverse("grids:grid_create"), {"community_pick": site.b.area.pk})
    assert "不在您的管辖范围内" in refused.content.decode()


def test_add_and_end_a_team_member_with_an_account(client, site):
    worker = UserFactory(username="wangge01")
    logged_in(site.cadre_a, client)
    response = client.post(reverse("grids:team_add", args=[site.g1.pk]), {
        "role": TeamRole.WORKER, "member": site.a.members[1].pk, "username": "wangge01",
        "started_on": timezone.localdate().isoformat(),
    })
    assert response.status_code == 302
    assignment = GridTeamMember.objects.get(grid=site.g1, user=worker)
    assert Grant.objects.filter(user=worker, role=Role.GRID, area=site.a.compound, is_active=True).exists()
    response = client.post(reverse("grids:team_end", args=[assignment.pk]), {"ended_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    assert not Grant.objects.filter(user=worker, is_active=True).exists()
    bad = client.post(reverse("grids:team_add", args=[site.g1.pk]), {"role": TeamRole.WORKER, "username": "nobody"})
    assert "不存在或已停用" in bad.content.decode()


def test_write_a_diary_entry_with_a_photo_and_see_it(client, site):
    worker = UserFactory()
    actions.team_member_add(actor=site.cadre_a, grid=site.g1, role=TeamRole.WORKER, user=worker)
    logged_in(worker, client)
    url = f"{reverse('grids:diary_create')}?grid={site.g1.pk}"
    response = client.post(url, {
        "kind": DiaryKind.PROBLEM, "category": DiaryCategory.SAFETY, "occurred_on": timezone.localdate().isoformat(),
        "building": site.a.building.pk, "household": "2-301", "text": "楼道堆放杂物", "photo": png_upload(),
    })
    entry = DiaryEntry.objects.get(text="楼道堆放杂物")
    assert response.status_code == 302 and entry.status == DiaryStatus.OPEN and entry.author_id == worker.pk
    photo = client.get(reverse("grids:diary_photo", args=[entry.pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    assert b"".join(photo.streaming_content).startswith(b"\x89PNG")
    assert reverse("grids:diary_photo", args=[entry.pk]) in client.get(reverse("grids:diary_detail", args=[entry.pk])).content.decode()


def test_a_fake_photo_is_refused_on_the_form(client, site):
    from django.core.files.uploadedfile import SimpleUploadedFile

    logged_in(site.cadre_a, client)
    response = client.post(f"{reverse('grids:diary_create')}?grid={site.g1.pk}", {
        "kind": DiaryKind.VISIT, "category": DiaryCategory.HOME_VISIT, "occurred_on": timezone.localdate().isoformat(),
        "text": "走访", "photo": SimpleUploadedFile("a.jpg", b"not an image"),
    })
    assert response.status_code == 200 and "不是有效的图片" in response.content.decode()
    assert not DiaryEntry.objects.filter(text="走访").exists()


def test_diary_picker_redirects_a_worker_with_one_grid(client, site):
    worker = UserFactory()
    actions.team_member_add(actor=site.cadre_a, grid=site.g1, role=TeamRole.WORKER, user=worker)
    response = logged_in(worker, client).get(reverse("grids:diary_create"))
    assert response.status_code == 302 and response["Location"].endswith(f"?grid={site.g1.pk}")
    picker = logged_in(site.cadre_a, client).get(reverse("grids:diary_create"))
    assert {g.pk for g in picker.context["page_obj"]} == {site.g1.pk, site.g2.pk, site.g3.pk}


def test_resolve_and_convert_from_the_detail_page(client, site):
    logged_in(site.cadre_a, client)
    detail = reverse("grids:diary_detail", args=[site.problem_a.pk])
    assert "resolve-form" in client.get(detail).content.decode()
    empty = client.post(reverse("grids:diary_resolve", args=[site.problem_a.pk]), {"resolve-resolution": ""})
    assert empty.status_code == 400
    done = client.post(reverse("grids:diary_resolve", args=[site.problem_a.pk]), {"resolve-resolution": "已更换灯泡"})
    assert done.status_code == 302
    site.problem_a.refresh_from_db()
    assert site.problem_a.status == DiaryStatus.RESOLVED
    page = client.get(detail).content.decode()
    assert "resolve-form" not in page and "已更换灯泡" in page
    again = client.post(reverse("grids:diary_convert", args=[site.problem_a.pk]),
                        {"convert-target": "request", "convert-target_id": "5"})
    assert again.status_code == 400 and "当前为“已解决”" in again.content.decode()


def test_convert_records_the_link_to_a_real_request_only(client, site):
    logged_in(site.cadre_a, client)
    url = reverse("grids:diary_convert", args=[site.problem_a.pk])
    bogus = client.post(url, {"convert-target": "whistle", "convert-target_id": "77"})
    assert bogus.status_code == 400 and "不存在，或不属于该网格所在的社区" in bogus.content.decode()
    foreign = client.post(url, {"convert-target": "request", "convert-target_id": str(order(site.b).pk)})
    assert foreign.status_code == 400
    site.problem_a.refresh_from_db()
    assert site.problem_a.status == DiaryStatus.OPEN
    req = order(site.a)
    response = client.post(url, {"convert-target": "request", "convert-target_id": str(req.pk)})
    assert response.status_code == 302
    site.problem_a.refresh_from_db()
    assert (site.problem_a.status, site.problem_a.converted_to, site.problem_a.converted_id) == ("converted", "request", req.pk)


# -------------------------------------------------------------------- query counts
# Exactly the budgets (grids/tests/budgets.py), for a district cadre, at two sizes.
PINNED = {
    name: BUDGETS[f"grids:{route}"] for name, route in {
        "grid_list": "grid_list", "diary_list": "diary_list", "grid_detail": "grid_detail",
        "community_board": "community_board", "coverage_a": "coverage", "coverage_city": "coverage",
        "gaps": "coverage_gaps", "diary_detail": "diary_detail", "grid_create": "grid_create",
        "coverage_edit": "grid_coverage_edit", "team_add": "team_add", "diary_create": "diary_create",
    }.items()
}


def pinned_urls(w):
    return {
        "grid_list": reverse("grids:grid_list"),
        "diary_list": reverse("grids:diary_list"),
        "grid_detail": reverse("grids:grid_detail", args=[w.g1.pk]),
        "community_board": reverse("grids:community_board", args=[w.a.area.pk]),
        "coverage_a": reverse("grids:coverage", args=[w.a.area.pk]),
        "coverage_city": reverse("grids:coverage", args=[w.city.pk]),
        "gaps": reverse("grids:coverage_gaps", args=[w.a.area.pk, "buildings_without_group"]),
        "diary_detail": reverse("grids:diary_detail", args=[w.problem_a.pk]),
        "grid_create": f"{reverse('grids:grid_create')}?community={w.a.area.pk}",
        "coverage_edit": reverse("grids:grid_coverage_edit", args=[w.g1.pk]),
        "team_add": reverse("grids:team_add", args=[w.g1.pk]),
        "diary_create": f"{reverse('grids:diary_create')}?grid={w.g1.pk}",
    }


def test_every_page_runs_a_constant_number_of_queries(client, site):
    logged_in(user_with(Role.DISTRICT, site.city), client)
    urls = pinned_urls(site)

    def measure():
        out = {}
        for name, url in urls.items():
            with assert_max_queries(PINNED[name]):
                response = client.get(url)
            assert response.status_code == 200, name
            out[name] = count_queries(lambda u=url: client.get(u))
        return out

    small = measure()
    grow_world(site, 8)
    large = measure()
    assert small == large == PINNED


def test_team_form_picks_the_member_from_the_grids_community_only(client, site):
    """The team form renders no member list (a picker, ``grids:team_pick_members``): the
    endpoint lists the community's members the cadre may see, never another community's, in a
    flat number of queries; a posted member of another community is a form error."""
    pick = reverse("grids:team_pick_members", args=[site.g1.pk])
    assert client.get(pick).status_code == 403  # anonymous
    logged_in(site.cadre_a, client)
    page = client.get(reverse("grids:team_add", args=[site.g1.pk])).content.decode()
    assert f'data-picker="{pick}"' in page and site.a.members[1].name not in page
    ids = {row["id"] for row in client.get(pick).json()["results"]}
    assert {m.pk for m in site.a.members} <= ids and not ids & {m.pk for m in site.b.members}
    assert [r["id"] for r in client.get(pick, {"q": site.a.members[1].name}).json()["results"]] == [site.a.members[1].pk]
    few = query_count(client, pick)
    from organizations.tests.factories import MemberFactory

    for i in range(25):
        MemberFactory(name=f"樟{i}", organization=site.a.branch, residence=site.a.building)
    assert query_count(client, pick) == few <= BUDGETS["grids:team_pick_members"]
    assert client.get(reverse("grids:team_pick_members", args=[site.gb.pk])).status_code == 404
    refused = client.post(reverse("grids:team_add", args=[site.g1.pk]),
                          {"role": TeamRole.VOLUNTEER, "member": site.b.members[0].pk})
    assert "不在您的管辖范围内" in refused.content.decode()
