"""``seed_grids`` on a small factory world: 8–10 grids a community, teams, a year of diary,
realistic gaps, idempotence, constant reads, and the demo grid account."""
import random
from collections import Counter
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grids.coverage import selectors
from grids.diary import selectors as diary_selectors
from grids.diary.choices import DiaryKind, DiaryStatus
from grids.diary.models import DiaryEntry
from grids.grids.demo import _Compound, flush_grids, plan_community, seed_grids
from grids.grids.models import Grid, GridArea
from grids.teams.choices import TeamRole
from grids.teams.models import GridTeamMember
from organizations.areas.choices import AreaLevel
from organizations.grants.choices import Role
from organizations.grants.models import Grant
from organizations.members.choices import OrgRole
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.tests.factories import AreaFactory, MemberFactory, PartyOrgFactory, UserFactory, grant

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)


def community_with(street, street_org, label, compounds, buildings):
    """A community with ``compounds`` compounds of ``buildings`` buildings, a committee with
    a secretary, a branch per compound with a secretary, and two residents per building."""
    area = AreaFactory(name=f"{label}社区", level=AreaLevel.COMMUNITY, parent=street)
    committee = PartyOrgFactory(name=f"{label}社区党委", kind=OrgKind.COMMITTEE, category=OrgCategory.COMMUNITY,
                                area=area, parent=street_org)
    for c in range(compounds):
        compound = AreaFactory(name=f"{label}{c + 1}号小区", level=AreaLevel.COMPOUND, parent=area)
        branch = PartyOrgFactory(name=f"{label}{c + 1}号小区党支部", kind=OrgKind.BRANCH, category=OrgCategory.COMPOUND,
                                 area=compound, parent=committee)
        for b in range(buildings):
            building = AreaFactory(name=f"{b + 1}号楼", level=AreaLevel.BUILDING, parent=compound, households=30)
            for i in range(2):
                member = MemberFactory(organization=branch, residence=building,
                                       org_role=OrgRole.SECRETARY if (b, i) == (0, 0) else OrgRole.MEMBER)
                if (b, i) == (0, 0):
                    branch.secretary = member
                    branch.save(update_fields=["secretary"])
                    if c == 0:
                        committee.secretary = member
                        committee.save(update_fields=["secretary"])
    return area


def build_world(city, shapes, label="测"):
    return [
        community_with(city.street, city.street_org, f"{label}{i}", compounds, buildings)
        for i, (compounds, buildings) in enumerate(shapes)
    ]


SHAPES = [(9, 1), (3, 4), (13, 1)]  # one compound one grid; split buildings; group compounds


def test_each_community_gets_eight_to_ten_grids(city):
    communities = build_world(city, SHAPES)
    counts = seed_grids(rng=random.Random(7), community_ids=[c.pk for c in communities], today=TODAY)
    per = Counter(Grid.objects.filter(community__in=communities).values_list("community_id", flat=True))
    assert all(8 <= per[c.pk] <= 10 for c in communities), per
    assert counts["grids"] == sum(per.values())
    # every grid covers something, within its own community
    for place in GridArea.objects.select_related("grid__community", "area"):
        community = place.grid.community
        assert community.tree_id == place.area.tree_id and community.lft < place.area.lft < community.rght
    assert not Grid.objects.filter(coverage__isnull=True).exists()


def test_grid_shapes_follow_the_compounds(city):
    one_each, split, grouped = build_world(city, SHAPES)
    seed_grids(rng=random.Random(1), community_ids=[one_each.pk, split.pk, grouped.pk], today=TODAY)
    # 9 compounds: one compound one grid (a compound may be left out as a gap)
    for grid in Grid.objects.filter(community=one_each).prefetch_related("coverage__area"):
        levels = {p.area.level for p in grid.coverage.all()}
        assert levels == {AreaLevel.COMPOUND} and len(grid.coverage.all()) == 1
        assert grid.name.endswith("网格")
    # 3 compounds of 4 buildings: buildings split among grids
    split_places = GridArea.objects.filter(grid__community=split).select_related("area")
    assert {p.area.level for p in split_places} == {AreaLevel.BUILDING}
    # 13 compounds: grouped, some grid covers more than one compound
    assert max(Counter(GridArea.objects.filter(grid__community=grouped).values_list("grid_id", flat=True)).values()) > 1


def test_teams_and_branches(city):
    communities = build_world(city, SHAPES)
    seed_grids(rng=random.Random(3), community_ids=[c.pk for c in communities], today=TODAY)
    for grid in Grid.objects.filter(community__in=communities).select_related("party_branch", "community"):
        team = list(grid.team.all())
        roles = Counter(t.role for t in team)
        assert roles[TeamRole.CHIEF] == 1
        chief = next(t for t in team if t.role == TeamRole.CHIEF)
        assert chief.member.organization.parent.area_id == grid.community_id  # the community secretary
        if grid.party_branch and grid.party_branch.secretary_id:
            assert any(t.role == TeamRole.LEADER and t.member_id == grid.party_branch.secretary_id for t in team)
        assert 1 <= roles[TeamRole.VOLUNTEER] <= 3
        assert all(t.display_name for t in team if t.role == TeamRole.VOLUNTEER)
        assert all(t.started_on <= TODAY and t.ended_on is None for t in team)
        assert roles[TeamRole.WORKER] <= 3
    assert GridTeamMember.objects.filter(role=TeamRole.WORKER).count() >= 2 * Grid.objects.count() * 0.8
    with_branch = Grid.objects.filter(party_branch__isnull=False).count()
    assert 0.5 * Grid.objects.count() < with_branch < Grid.objects.count()  # linked, with some gaps


def test_a_year_of_diary_mostly_visits_and_resolved_problems(city):
    communities = build_world(city, SHAPES)
    seed_grids(rng=random.Random(5), community_ids=[c.pk for c in communities], today=TODAY)
    entries = list(DiaryEntry.objects.all())
    grids = Grid.objects.count()
    assert 12 * grids <= len(entries) <= 36 * grids
    assert all(TODAY - timedelta(days=366) < e.occurred_on <= TODAY for e in entries)
    problems = [e for e in entries if e.kind == DiaryKind.PROBLEM]
    assert 0.12 < len(problems) / len(entries) < 0.28
    resolved = sum(1 for e in problems if e.status == DiaryStatus.RESOLVED)
    assert resolved / len(problems) > 0.7 and all(e.status in (DiaryStatus.RESOLVED, DiaryStatus.OPEN) for e in problems)
    assert all(e.resolution for e in problems if e.status == DiaryStatus.RESOLVED)
    assert all(e.status == DiaryStatus.RECORDED for e in entries if e.kind == DiaryKind.VISIT)
    # the building of an entry is one of its grid's buildings
    for entry in DiaryEntry.objects.filter(building__isnull=False).select_related("building")[:200]:
        assert diary_selectors.grid_building_choices(entry.grid).filter(pk=entry.building_id).exists()


def test_coverage_shows_the_realistic_gaps(city):
    communities = build_world(city, [(9, 1)] * 4)
    seed_grids(rng=random.Random(11), community_ids=[c.pk for c in communities], today=TODAY)
    figures = selectors.coverage(city.street)
    assert figures["compounds"] == 36 + 2  # plus 甲小区 and 乙小区 of build_city
    assert figures["compounds_gridded"] >= 33
    assert figures["grids_without_branch"] >= 0 and figures["grids"] >= 32


def test_seeding_twice_adds_nothing(city):
    communities = build_world(city, SHAPES[:2])
    ids = [c.pk for c in communities]
    seed_grids(rng=random.Random(2), community_ids=ids, today=TODAY)
    before = (Grid.objects.count(), GridTeamMember.objects.count(), DiaryEntry.objects.count())
    counts = seed_grids(rng=random.Random(2), community_ids=ids, today=TODAY)
    assert counts.get("grids", 0) == 0
    assert (Grid.objects.count(), GridTeamMember.objects.count(), DiaryEntry.objects.count()) == before


def reads(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return sum(1 for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("SELECT"))


def test_reads_do_not_grow_with_the_number_of_communities(city):
    small = build_world(city, [(3, 2)] * 2, label="小")
    large = build_world(city, [(3, 2)] * 6, label="大")
    few = reads(lambda: seed_grids(rng=random.Random(4), community_ids=[c.pk for c in small], today=TODAY))
    many = reads(lambda: seed_grids(rng=random.Random(4), community_ids=[c.pk for c in large], today=TODAY))
    assert few == many


def test_the_demo_grid_account_joins_its_grid_with_grants(city):
    communities = build_world(city, SHAPES[:1])
    UserFactory(username="admin", is_superuser=True, is_staff=True)
    account = UserFactory(username="grid")
    compound = communities[0].get_children().order_by("lft").first()
    grant(account, Role.GRID, compound)
    counts = seed_grids(rng=random.Random(9), community_ids=[communities[0].pk], today=TODAY)
    assignment = GridTeamMember.objects.get(user=account)
    assert counts["grid_user"] == 1 and assignment.role == TeamRole.WORKER
    places = set(assignment.grid.coverage.values_list("area_id", flat=True))
    assert set(assignment.grants.values_list("area_id", flat=True)) == places
    assert Grant.objects.filter(user=account, role=Role.GRID, is_active=True).count() == 1 + len(places)


def test_flush_removes_grids_diary_and_their_grants(city):
    communities = build_world(city, SHAPES[:1])
    UserFactory(username="admin", is_superuser=True)
    account = UserFactory(username="grid")
    grant(account, Role.GRID, communities[0].get_children().first())
    seed_grids(rng=random.Random(9), community_ids=[communities[0].pk], today=TODAY)
    counts = flush_grids([city.city.tree_id])
    assert counts["grids"] > 0 and counts["diary"] > 0
    assert not Grid.objects.exists() and not DiaryEntry.objects.exists()
    assert Grant.objects.filter(user=account).count() == 1  # only the account's own grant is left


def test_plan_is_limited_by_the_buildings_there_are():
    rng = random.Random(0)
    compounds = [_Compound(pk=i, name=f"小区{i}", buildings=[(i * 10 + b, 20) for b in range(2)]) for i in range(2)]
    plans, left_out = plan_community(rng, "测试社区", compounds)
    covered = sum(len(c.buildings) for c in compounds if c not in left_out)
    assert len(plans) == covered  # fewer than eight buildings: one grid per building
    assert sorted(pk for p in plans for pk in p.places) == sorted(b for c in compounds if c not in left_out for b, _h in c.buildings)
