"""Grid actions: creation, coverage conflicts, one compound one grid, team grants, diary."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from dangjian.errors import PermissionDeniedError, TransitionError
from dangjian.models import AuditEvent
from dangjian.scoping import get_scope
from dangjian.testing import count_queries
from grids.diary import actions as diary_actions
from grids.diary.choices import ConversionTarget, DiaryCategory, DiaryKind, DiaryStatus
from grids.diary.models import DiaryEntry
from grids.grids import actions
from grids.grids.models import Grid
from grids.teams import actions as teams_actions
from grids.teams.choices import TeamRole
from grids.tests.budgets import BUDGETS
from grids.tests.factories import add_compound, png_bytes, png_upload
from organizations.areas.models import Area
from organizations.grants.choices import Role
from organizations.grants.models import Grant
from organizations.members.models import Member
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.tests.factories import MemberFactory, PartyOrgFactory, UserFactory, user_with
from services.requests.tests.test_support import order

pytestmark = pytest.mark.django_db


def messages(exc):
    return " ".join(exc.value.messages)


# ------------------------------------------------------------------------- grids
def test_grid_create_covers_places_links_branch_and_is_audited(city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    grid = actions.grid_create(
        actor=cadre, community=city.a.area, code="W1", name="一号网格", party_branch=city.a.branch, areas=[city.a.compound]
    )
    assert list(grid.coverage.values_list("area_id", flat=True)) == [city.a.compound.pk]
    assert grid.party_branch == city.a.branch
    assert AuditEvent.objects.filter(verb="grid.create", target_id=str(grid.pk)).exists()


def test_grid_create_refuses_out_of_scope_and_wrong_roles(city):
    with pytest.raises(Http404):
        actions.grid_create(actor=user_with(Role.COMMUNITY, city.b.area), community=city.a.area, code="W", name="W")
    with pytest.raises(PermissionDeniedError):
        actions.grid_create(actor=user_with(Role.GRID, city.a.area), community=city.a.area, code="W", name="W")
    with pytest.raises(ValidationError) as exc:
        actions.grid_create(actor=user_with(Role.COMMUNITY, city.a.area), community=city.a.compound, code="W", name="W")
    assert "网格必须建在社区" in messages(exc)
    assert not Grid.objects.exists()


def test_grid_branch_must_be_a_branch_of_the_community(city):
    cadre = user_with(Role.STREET, city.street)
    for wrong in (city.b.branch, city.a.group, city.a.committee):
        with pytest.raises(ValidationError) as exc:
            actions.grid_create(actor=cadre, community=city.a.area, code="W", name="W", party_branch=wrong)
        assert "网格党支部必须是依托本社区" in messages(exc)


def test_grid_code_and_name_are_unique(city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    actions.grid_create(actor=cadre, community=city.a.area, code="W1", name="一号网格")
    with pytest.raises(ValidationError) as exc:
        actions.grid_create(actor=cadre, community=city.a.area, code="W1", name="二号网格")
    assert "code" in exc.value.message_dict
    with pytest.raises(ValidationError):
        actions.grid_create(actor=cadre, community=city.a.area, code="W2", name="一号网格")


def test_grid_update_changes_fields(city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    grid = actions.grid_create(actor=cadre, community=city.a.area, code="W1", name="一号网格")
    grid = actions.grid_update(actor=cadre, grid=grid, name="幸福网格", party_branch=city.a.branch, description="老城区")
    grid.refresh_from_db()
    assert (grid.name, grid.party_branch_id, grid.description) == ("幸福网格", city.a.branch.pk, "老城区")
    event = AuditEvent.objects.get(verb="grid.update", target_id=str(grid.pk))
    assert event.changes["name"] == ["一号网格", "幸福网格"]
    with pytest.raises(Http404):
        actions.grid_update(actor=user_with(Role.COMMUNITY, city.b.area), grid=grid, name="X")


# --------------------------------------------------------------------- coverage rules
@pytest.fixture
def setup(city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    compound, buildings, branch = add_compound(city.a, buildings=2, name="二期")
    grid = actions.grid_create(actor=cadre, community=city.a.area, code="W1", name="甲网格", areas=[city.a.compound])
    other = actions.grid_create(actor=cadre, community=city.a.area, code="W2", name="二期一号楼网格", areas=[buildings[0]])
    return city, cadre, compound, buildings, grid, other


def test_a_covered_place_is_refused_naming_the_other_grid(setup):
    city, cadre, compound, buildings, grid, other = setup
    with pytest.raises(ValidationError) as exc:
        actions.grid_set_coverage(actor=cadre, grid=grid, areas=[city.a.compound, buildings[0]])
    assert "“1号楼”已属于网格“二期一号楼网格”" in messages(exc)
    assert list(grid.coverage.values_list("area_id", flat=True)) == [city.a.compound.pk]  # nothing changed


def test_a_building_whose_compound_is_in_another_grid_is_refused(setup):
    city, cadre, compound, buildings, grid, other = setup
    with pytest.raises(ValidationError) as exc:
        actions.grid_set_coverage(actor=cadre, grid=other, areas=[buildings[0], city.a.building])
    assert "所在的小区“甲小区”已属于网格“甲网格”" in messages(exc)


def test_a_compound_with_a_building_in_another_grid_is_refused(setup):
    city, cadre, compound, buildings, grid, other = setup
    with pytest.raises(ValidationError) as exc:
        actions.grid_set_coverage(actor=cadre, grid=grid, areas=[city.a.compound, compound])
    assert "小区“二期”中的“1号楼”已属于网格“二期一号楼网格”" in messages(exc)
    with pytest.raises(ValidationError):
        actions.grid_create(actor=cadre, community=city.a.area, code="W3", name="二期网格", areas=[compound])


def test_places_outside_the_community_or_of_the_wrong_level_are_refused(setup):
    city, cadre, compound, buildings, grid, other = setup
    for place, text in ((city.b.compound, "不在社区"), (city.a.area, "网格只能覆盖小区或楼栋")):
        with pytest.raises(ValidationError) as exc:
            actions.grid_set_coverage(actor=cadre, grid=other, areas=[place])
        assert text in messages(exc)
    with pytest.raises(ValidationError) as exc:
        actions.grid_set_coverage(actor=cadre, grid=other, areas=[compound, buildings[1]])
    assert "无需再单独选择" in messages(exc)


def test_coverage_can_move_between_grids_in_steps(setup):
    city, cadre, compound, buildings, grid, other = setup
    actions.grid_set_coverage(actor=cadre, grid=other, areas=[])
    actions.grid_set_coverage(actor=cadre, grid=grid, areas=[city.a.compound, compound])
    assert set(grid.coverage.values_list("area_id", flat=True)) == {city.a.compound.pk, compound.pk}
    event = AuditEvent.objects.filter(verb="grid.coverage", target_id=str(grid.pk)).latest("pk")
    assert event.changes == {"added": [compound.pk], "removed": []}


def test_coverage_check_runs_a_constant_number_of_queries(city):
    community = city.a
    cadre = user_with(Role.COMMUNITY, community.area)
    grid = actions.grid_create(actor=cadre, community=community.area, code="W1", name="网格")

    def places(n):
        return [add_compound(community, buildings=1, branch=False)[1][0] for _ in range(n)]

    few, many = places(2), places(12)
    small = count_queries(lambda: actions.check_coverage(grid, community.area, few))
    large = count_queries(lambda: actions.check_coverage(grid, community.area, many))
    assert small == large == BUDGETS["grids.grids.actions.check_coverage"]


# ------------------------------------------------------------ one compound, one grid
def test_grids_from_compounds_is_one_idempotent_action(city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    two, _b, _br = add_compound(city.a, buildings=1, name="二期")
    PartyOrgFactory(kind=OrgKind.BRANCH, category=OrgCategory.COMPOUND, area=two, parent=city.a.committee, name="二期第二党支部")
    bare, _b, _none = add_compound(city.a, buildings=1, branch=False, name="三期")
    split, split_buildings, _br = add_compound(city.a, buildings=2, name="四期")
    actions.grid_create(actor=cadre, community=city.a.area, code="X", name="四期一号楼网格", areas=[split_buildings[0]])

    created = actions.grids_create_from_compounds(actor=cadre, community=city.a.area)
    by_place = {g.coverage.get().area_id: g for g in created}
    assert set(by_place) == {city.a.compound.pk, two.pk, bare.pk}  # 四期 already has a gridded building
    first = by_place[city.a.compound.pk]
    assert first.name == "甲小区网格" and first.code == f"{city.a.compound.code}-WG"
    assert first.party_branch == city.a.branch            # exactly one compound branch
    assert by_place[two.pk].party_branch is None          # two branches: the cadre chooses
    assert by_place[bare.pk].party_branch is None
    assert AuditEvent.objects.filter(verb="grid.create_from_compounds").count() == 1

    assert actions.grids_create_from_compounds(actor=cadre, community=city.a.area) == []
    assert Grid.objects.filter(community=city.a.area).count() == 4


def test_grids_from_compounds_avoids_taken_codes_and_names(city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    actions.grid_create(actor=cadre, community=city.a.area, code=f"{city.a.compound.code}-WG", name="甲小区网格")
    [grid] = actions.grids_create_from_compounds(actor=cadre, community=city.a.area)
    assert grid.code == f"{city.a.compound.code}-WG-2" and grid.name == "甲小区网格（2）"


def test_grids_from_compounds_refuses_other_roles(city):
    with pytest.raises(PermissionDeniedError):
        actions.grids_create_from_compounds(actor=user_with(Role.GRID, city.a.area), community=city.a.area)
    with pytest.raises(Http404):
        actions.grids_create_from_compounds(actor=user_with(Role.COMMUNITY, city.b.area), community=city.a.area)


# ------------------------------------------------------------------------ team grants
def fresh(user):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=user.pk)


def test_a_grid_workers_grant_covers_exactly_the_grids_buildings(city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    two, (b21, b22), br2 = add_compound(city.a, buildings=2, name="二期")
    inside = MemberFactory(organization=br2, residence=b21)
    outside = MemberFactory(organization=br2, residence=b22)
    grid = actions.grid_create(actor=cadre, community=city.a.area, code="W", name="网格", areas=[city.a.compound, b21])
    worker = UserFactory()
    assert not Member.objects.visible_to(fresh(worker)).exists()

    assignment = teams_actions.team_member_add(actor=cadre, grid=grid, role=TeamRole.WORKER, user=worker)
    grants = list(assignment.grants.all())
    assert {(g.role, g.area_id, g.is_active) for g in grants} == {
        (Role.GRID, city.a.compound.pk, True), (Role.GRID, b21.pk, True)
    }
    who = fresh(worker)
    assert set(Member.objects.visible_to(who)) == {*city.a.members, inside}
    assert outside not in set(Member.objects.visible_to(who))
    assert set(Area.objects.visible_to(who)) == {city.a.compound, city.a.building, b21}
    assert Grid.objects.visible_to(who).get() == grid

    teams_actions.team_member_end(actor=cadre, assignment=assignment, ended_on=timezone.localdate())
    assert not Grant.objects.filter(user=worker, is_active=True).exists()
    who = fresh(worker)
    assert not Member.objects.visible_to(who).exists()
    assert not Area.objects.visible_to(who).exists()
    assert not Grid.objects.visible_to(who).exists()
    assert AuditEvent.objects.filter(verb="grid.team.end", target_id=str(assignment.pk)).exists()


def test_grants_follow_coverage_changes(city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    two, (b21,), _br = add_compound(city.a, buildings=1, name="二期")
    grid = actions.grid_create(actor=cadre, community=city.a.area, code="W", name="网格", areas=[city.a.compound])
    worker, leader = UserFactory(), UserFactory()
    teams_actions.team_member_add(actor=cadre, grid=grid, role=TeamRole.WORKER, user=worker)
    teams_actions.team_member_add(actor=cadre, grid=grid, role=TeamRole.LEADER, user=leader)
    actions.grid_set_coverage(actor=cadre, grid=grid, areas=[two])
    for user in (worker, leader):
        assert set(Grant.objects.filter(user=user, is_active=True).values_list("area_id", flat=True)) == {two.pk}
        assert set(Area.objects.visible_to(fresh(user))) == {two, b21}
    assignment = grid.team.get(user=worker)
    assert list(assignment.grants.values_list("area_id", flat=True)) == [two.pk]


def test_the_actors_cached_scope_is_refreshed(city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    grid = actions.grid_create(actor=cadre, community=city.a.area, code="W", name="网格", areas=[city.a.compound])
    get_scope(cadre)  # cached on this very object
    teams_actions.team_member_add(actor=cadre, grid=grid, role=TeamRole.CHIEF, user=cadre)
    assert get_scope(cadre).has_role(Role.GRID)


def test_volunteers_and_ended_assignments_get_no_grants(city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    grid = actions.grid_create(actor=cadre, community=city.a.area, code="W", name="网格", areas=[city.a.compound])
    volunteer = UserFactory()
    assignment = teams_actions.team_member_add(actor=cadre, grid=grid, role=TeamRole.VOLUNTEER, user=volunteer)
    assert not assignment.grants.exists() and not Grant.objects.filter(user=volunteer).exists()
    named = teams_actions.team_member_add(actor=cadre, grid=grid, role=TeamRole.VOLUNTEER, display_name="王大妈")
    assert named.person_name == "王大妈"


def test_team_rules(city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    grid = actions.grid_create(actor=cadre, community=city.a.area, code="W", name="网格")
    member = city.a.members[0]
    teams_actions.team_member_add(actor=cadre, grid=grid, role=TeamRole.LEADER, member=member)
    with pytest.raises(ValidationError) as exc:
        teams_actions.team_member_add(actor=cadre, grid=grid, role=TeamRole.LEADER, member=member)
    assert "已在该网格担任网格长" in messages(exc)
    with pytest.raises(ValidationError):
        teams_actions.team_member_add(actor=cadre, grid=grid, role=TeamRole.WORKER)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        teams_actions.team_member_add(actor=cadre, grid=grid, role=TeamRole.WORKER, display_name="张三", started_on=tomorrow)
    assert "started_on" in exc.value.message_dict
    with pytest.raises(Http404):  # a member of the other community is not the cadre's to appoint
        teams_actions.team_member_add(actor=cadre, grid=grid, role=TeamRole.WORKER, member=city.b.members[0])
    with pytest.raises(PermissionDeniedError):
        teams_actions.team_member_add(actor=user_with(Role.GRID, city.a.area), grid=grid, role=TeamRole.WORKER, display_name="李四")


def test_ending_twice_or_before_the_start_is_refused(city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    grid = actions.grid_create(actor=cadre, community=city.a.area, code="W", name="网格")
    today = timezone.localdate()
    assignment = teams_actions.team_member_add(actor=cadre, grid=grid, role=TeamRole.WORKER, display_name="张三", started_on=today)
    with pytest.raises(ValidationError) as exc:
        teams_actions.team_member_end(actor=cadre, assignment=assignment, ended_on=today - datetime.timedelta(days=1))
    assert "不能早于开始日期" in messages(exc)
    teams_actions.team_member_end(actor=cadre, assignment=assignment, ended_on=today)
    with pytest.raises(ValidationError) as exc:
        teams_actions.team_member_end(actor=cadre, assignment=assignment, ended_on=today)
    assert "已于" in messages(exc)


# ------------------------------------------------------------------------------ diary
@pytest.fixture
def diary_world(city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    two, (b21, b22), _br = add_compound(city.a, buildings=2, name="二期")
    grid = actions.grid_create(actor=cadre, community=city.a.area, code="W", name="网格", areas=[city.a.compound, b21])
    worker = UserFactory()
    teams_actions.team_member_add(actor=cadre, grid=grid, role=TeamRole.WORKER, user=worker)
    city.cadre, city.grid, city.worker, city.b21, city.b22 = cadre, grid, fresh(worker), b21, b22
    return city


def record(world, actor=None, **overrides):
    values = dict(
        grid=world.grid, kind=DiaryKind.VISIT, category=DiaryCategory.HOME_VISIT, text="入户走访",
        occurred_on=timezone.localdate(),
    )
    values.update(overrides)
    return diary_actions.diary_record(actor=actor or world.worker, **values)


def test_a_grid_worker_records_visits_and_problems(diary_world):
    visit = record(diary_world, building=diary_world.a.building, household="1-101")
    assert visit.status == DiaryStatus.RECORDED and visit.author == diary_world.worker
    problem = record(diary_world, kind=DiaryKind.PROBLEM, category=DiaryCategory.FACILITY, building=diary_world.b21)
    assert problem.status == DiaryStatus.OPEN
    assert AuditEvent.objects.filter(verb="diary.record").count() == 2


def test_the_building_must_be_in_the_grid(diary_world):
    with pytest.raises(ValidationError) as exc:
        record(diary_world, building=diary_world.b22)
    assert "不在网格" in exc.value.message_dict["building"][0]
    with pytest.raises(ValidationError) as exc:
        record(diary_world, building=diary_world.a.compound)
    assert "不是楼栋" in exc.value.message_dict["building"][0]


def test_diary_input_is_checked(diary_world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        record(diary_world, text="  ", occurred_on=tomorrow, category="nonsense")
    assert set(exc.value.message_dict) == {"text", "occurred_on", "category"}


def test_who_may_write_the_diary(diary_world):
    assert record(diary_world, actor=diary_world.cadre).author == diary_world.cadre
    with pytest.raises(PermissionDeniedError):
        record(diary_world, actor=user_with(Role.MEMBER, diary_world.a.area))
    with pytest.raises(Http404):
        record(diary_world, actor=user_with(Role.COMMUNITY, diary_world.b.area))
    other_grid_worker = user_with(Role.GRID, diary_world.b22)  # in the community, not in this grid
    with pytest.raises(Http404):
        record(diary_world, actor=other_grid_worker)


def test_a_real_png_is_accepted_and_renamed(diary_world):
    entry = record(diary_world, photo=png_upload("现场 照片.PNG"))
    assert entry.photo.name.startswith(f"diary/{diary_world.grid.pk}/") and entry.photo.name.endswith(".png")
    assert "现场" not in entry.photo.name
    with entry.photo.open("rb") as fh:
        assert fh.read(8) == b"\x89PNG\r\n\x1a\n"


def test_a_pixel_bomb_is_refused_and_a_stored_photo_has_no_gps(diary_world):
    """Issue 12: a 144-megapixel PNG of a few KB was accepted as a diary photo."""
    import io
    import time

    from PIL import Image

    from dangjian.testing.bombs import pixel_bomb_png
    from dangjian.tests.test_uploads_photos import gps_exif, picture

    started = time.monotonic()
    with pytest.raises(ValidationError) as exc:
        record(diary_world, photo=SimpleUploadedFile("bomb.png", pixel_bomb_png(), content_type="image/png"))
    assert time.monotonic() - started < 1
    assert "照片像素过多（12000×12000）" in exc.value.message_dict["photo"][0]
    assert not DiaryEntry.objects.exists()
    entry = record(diary_world, photo=SimpleUploadedFile("gps.jpg", picture(exif=gps_exif()), content_type="image/jpeg"))
    with entry.photo.open("rb") as fh:
        stored = fh.read()
    assert b"Exif" not in stored and not Image.open(io.BytesIO(stored)).getexif()


def test_a_jpeg_named_png_is_stored_with_its_real_extension(diary_world):
    entry = record(diary_world, photo=SimpleUploadedFile("a.png", png_bytes(fmt="JPEG"), content_type="image/png"))
    assert entry.photo.name.endswith(".jpg")


@pytest.mark.parametrize("upload,text", [
    (SimpleUploadedFile("photo.jpg", b"just some text, not a picture", content_type="image/jpeg"), "不是有效的图片"),
    (SimpleUploadedFile("photo.png", png_bytes()[:40], content_type="image/png"), "不是有效的图片"),
    (SimpleUploadedFile("photo.gif", png_bytes(), content_type="image/gif"), "JPG、PNG 或 WebP"),
    (SimpleUploadedFile("photo.png", b"", content_type="image/png"), "空的"),
])
def test_fake_or_wrong_photos_are_refused(diary_world, upload, text):
    with pytest.raises(ValidationError) as exc:
        record(diary_world, photo=upload)
    assert text in exc.value.message_dict["photo"][0]
    assert not DiaryEntry.objects.exists()


def test_a_gif_renamed_to_png_is_refused(diary_world):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("P", (4, 4)).save(buffer, format="GIF")
    with pytest.raises(ValidationError) as exc:
        record(diary_world, photo=SimpleUploadedFile("x.png", buffer.getvalue()))
    assert "上传的是 GIF" in exc.value.message_dict["photo"][0]


def test_an_oversized_photo_is_refused(diary_world, monkeypatch):
    monkeypatch.setattr("dangjian.uploads.PHOTO_MAX_BYTES", 1024)
    big = png_upload(size=(64, 64), noise=True)
    assert big.size > 1024
    with pytest.raises(ValidationError) as exc:
        record(diary_world, photo=big)
    assert "不能超过" in exc.value.message_dict["photo"][0]


def test_the_real_size_limit_is_five_megabytes(diary_world):
    blob = png_bytes() + b"\0" * (5 * 1024 * 1024)
    with pytest.raises(ValidationError) as exc:
        record(diary_world, photo=SimpleUploadedFile("big.png", blob, content_type="image/png"))
    assert "5 MB" in exc.value.message_dict["photo"][0]


def test_resolve_and_convert_follow_the_transition_table(diary_world):
    problem = record(diary_world, kind=DiaryKind.PROBLEM, category=DiaryCategory.SAFETY)
    resolved = diary_actions.diary_resolve(actor=diary_world.worker, entry=problem, resolution="已清理楼道")
    assert (resolved.status, resolved.resolution) == (DiaryStatus.RESOLVED, "已清理楼道")
    for change in (
        lambda: diary_actions.diary_resolve(actor=diary_world.worker, entry=problem, resolution="再次"),
        lambda: diary_actions.diary_convert(actor=diary_world.worker, entry=problem, target=ConversionTarget.REQUEST, target_id=3),
    ):
        with pytest.raises(TransitionError) as exc:
            change()
        assert "当前为“已解决”" in " ".join(exc.value.messages)

    other = record(diary_world, kind=DiaryKind.PROBLEM, category=DiaryCategory.DISPUTE)
    req = order(diary_world.a)
    converted = diary_actions.diary_convert(actor=diary_world.cadre, entry=other, target=ConversionTarget.REQUEST, target_id=req.pk)
    assert (converted.status, converted.converted_to, converted.converted_id) == (DiaryStatus.CONVERTED, "request", req.pk)
    assert converted.converted_at is not None
    with pytest.raises(TransitionError):
        diary_actions.diary_convert(actor=diary_world.cadre, entry=other, target=ConversionTarget.REQUEST, target_id=req.pk)
    event = AuditEvent.objects.get(verb="diary.convert")
    assert event.changes["status"] == ["open", "converted"] and event.changes["target_id"] == req.pk


def test_convert_refuses_a_made_up_or_foreign_number(diary_world):
    """Issue 14: a number that is no request or whistle of the entry's community is a field
    error, and nothing is recorded."""
    problem = record(diary_world, kind=DiaryKind.PROBLEM, category=DiaryCategory.SAFETY)
    foreign = order(diary_world.b)
    for target, target_id in ((ConversionTarget.REQUEST, foreign.pk), (ConversionTarget.REQUEST, foreign.pk + 1000),
                              (ConversionTarget.WHISTLE, 42), (ConversionTarget.REQUEST, 2**70)):
        with pytest.raises(ValidationError) as exc:
            diary_actions.diary_convert(actor=diary_world.worker, entry=problem, target=target, target_id=target_id)
        assert "不存在，或不属于该网格所在的社区" in exc.value.message_dict["target_id"][0]
    problem.refresh_from_db()
    assert problem.status == DiaryStatus.OPEN and problem.converted_id is None
    assert not AuditEvent.objects.filter(verb="diary.convert").exists()


def test_a_visit_cannot_be_resolved_or_converted(diary_world):
    visit = record(diary_world)
    with pytest.raises(TransitionError) as exc:
        diary_actions.diary_resolve(actor=diary_world.worker, entry=visit, resolution="x")
    assert "当前为“已记录”" in " ".join(exc.value.messages)


def test_resolve_and_convert_check_input_and_roles(diary_world):
    problem = record(diary_world, kind=DiaryKind.PROBLEM, category=DiaryCategory.SAFETY)
    with pytest.raises(ValidationError) as exc:
        diary_actions.diary_resolve(actor=diary_world.worker, entry=problem, resolution=" ")
    assert "resolution" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        diary_actions.diary_convert(actor=diary_world.worker, entry=problem, target="email", target_id="x")
    assert set(exc.value.message_dict) == {"target", "target_id"}
    with pytest.raises(Http404):
        diary_actions.diary_resolve(actor=user_with(Role.COMMUNITY, diary_world.b.area), entry=problem, resolution="x")
    with pytest.raises(PermissionDeniedError):
        diary_actions.diary_resolve(actor=user_with(Role.MEMBER, diary_world.a.area), entry=problem, resolution="x")
    problem.refresh_from_db()
    assert problem.status == DiaryStatus.OPEN

