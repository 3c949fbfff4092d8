"""Coverage figures, drill-down rows and gap lists on a factory-built tree with gaps;
constant query counts at two data sizes."""
import pytest

from dangjian.testing import count_queries
from grids.coverage import selectors
from grids.tests.budgets import BUDGETS
from grids.tests.factories import add_compound, central_household, coverage_world, grid_over

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(city):
    return coverage_world(city)


def test_community_figures_count_gaps_exactly(world):
    f = selectors.coverage(world.a.area)
    assert (f["compounds"], f["compounds_gridded"], f["compounds_with_branch"]) == (3, 2, 2)
    assert (f["grids"], f["grids_with_branch"]) == (3, 2)
    assert (f["buildings"], f["buildings_with_group"]) == (7, 2)
    # 24 + 2×10 + 3×10 + 5 households; linked: 甲1号楼 35 capped at 24, plus 4
    assert (f["households"], f["households_covered"]) == (79, 28)
    assert f["compounds_gridded_rate"] == 66.7
    assert f["grids_with_branch_rate"] == 66.7
    assert f["buildings_with_group_rate"] == 28.6
    assert f["households_covered_rate"] == 35.4
    assert (f["compounds_without_grid"], f["compounds_without_branch"]) == (1, 1)
    assert (f["grids_without_branch"], f["buildings_without_group"]) == (1, 5)


def test_street_figures_add_both_communities(world):
    f = selectors.coverage(world.street)
    assert (f["compounds"], f["compounds_gridded"], f["compounds_with_branch"]) == (4, 3, 3)
    assert (f["grids"], f["grids_with_branch"]) == (4, 3)
    assert (f["buildings"], f["buildings_with_group"]) == (8, 3)
    assert (f["households"], f["households_covered"]) == (103, 38)
    assert f["compounds_gridded_rate"] == 75.0


def test_below_a_community_grids_are_those_covering_a_place_inside(world):
    f = selectors.coverage(world.p2)
    assert (f["compounds"], f["compounds_gridded"], f["grids"], f["grids_with_branch"]) == (1, 1, 1, 0)
    assert (f["buildings"], f["households"], f["households_covered"]) == (2, 20, 4)
    assert selectors.coverage(world.p3)["grids"] == 0
    building = selectors.coverage(world.a.building)
    assert (building["compounds"], building["buildings"], building["grids"]) == (0, 1, 1)
    assert building["compounds_gridded_rate"] is None  # nothing to divide by: shown as “—”


def test_an_empty_area_has_no_rates(city):
    from organizations.areas.choices import AreaLevel
    from organizations.tests.factories import AreaFactory

    empty = AreaFactory(level=AreaLevel.COMMUNITY, parent=city.street)
    f = selectors.coverage(empty)
    assert f["compounds"] == f["grids"] == f["households"] == 0
    assert all(f[k] is None for k in ("compounds_gridded_rate", "grids_with_branch_rate", "households_covered_rate"))


def test_children_rows_match_each_childs_own_figures(world):
    rows = selectors.coverage_children(world.a.area)
    assert {r.area.pk for r in rows} == {world.a.compound.pk, world.p2.pk, world.p3.pk, world.tower.pk}
    assert [r.area.code for r in rows] == sorted(r.area.code for r in rows)
    by_pk = {r.area.pk: r.figures for r in rows}
    for child in (world.a.compound, world.p2, world.p3, world.tower):
        own = selectors.coverage(child)
        for key in ("compounds", "compounds_gridded", "compounds_with_branch", "grids", "grids_with_branch",
                    "buildings", "buildings_with_group", "households", "households_covered"):
            assert by_pk[child.pk][key] == own[key], (child.name, key)
    assert by_pk[world.p3.pk]["compounds_without_grid"] == 1
    assert by_pk[world.tower.pk]["grids"] == 1 and by_pk[world.tower.pk]["grids_with_branch"] == 1


def test_children_of_a_street_count_grids_by_community(world):
    rows = {r.area.pk: r.figures for r in selectors.coverage_children(world.street)}
    assert rows[world.a.area.pk]["grids"] == 3 and rows[world.a.area.pk]["grids_with_branch"] == 2
    assert rows[world.b.area.pk]["grids"] == 1 and rows[world.b.area.pk]["compounds_gridded"] == 1
    assert rows[world.b.area.pk]["households_covered"] == 10


def test_a_grid_spanning_two_compounds_counts_in_both(world):
    from grids.grids.models import GridArea

    GridArea.objects.create(grid=world.g2, area=world.b3s[0])  # g2 now also covers a building of 三期
    rows = {r.area.pk: r.figures for r in selectors.coverage_children(world.a.area)}
    assert rows[world.p2.pk]["grids"] == 1
    assert rows[world.p3.pk]["grids"] == 1
    assert selectors.coverage(world.a.area)["grids"] == 3  # still three distinct grids in the community


def test_gap_lists_name_the_places_to_act_on(world):
    f = selectors.coverage(world.a.area)
    gaps = selectors.gap_lists(world.a.area, f)
    assert [c.pk for c in gaps["compounds_without_grid"]["rows"]] == [world.p3.pk]
    assert [g.pk for g in gaps["grids_without_branch"]["rows"]] == [world.g2.pk]
    assert [c.pk for c in gaps["compounds_without_branch"]["rows"]] == [world.p3.pk]
    assert {b.pk for b in gaps["buildings_without_group"]["rows"]} == {world.b22.pk, world.tower.pk, *[b.pk for b in world.b3s]}
    assert gaps["buildings_without_group"]["count"] == 5 and not gaps["buildings_without_group"]["more"]
    limited = selectors.gap_lists(world.a.area, f, limit=2)
    assert len(limited["buildings_without_group"]["rows"]) == 2 and limited["buildings_without_group"]["more"]


def test_grid_figures_per_grid(world):
    per = selectors.grid_figures(world.a.area)
    assert per[world.g1.pk]["buildings"] == 1 and per[world.g1.pk]["households_covered"] == 24
    assert per[world.g2.pk]["households"] == 10 and per[world.g2.pk]["households_covered"] == 4
    assert per[world.g3.pk]["buildings_with_group"] == 0
    assert world.gb.pk not in per


def grow(world, n):
    """n more compounds in community A, each with 2 buildings, a branch, a group, a grid on
    its first building and a central household — more rows of every kind the figures read."""
    for _ in range(n):
        compound, buildings, branch = add_compound(world.a, buildings=2, groups=1)
        grid_over(world.a.area, buildings[0], branch=branch)
        central_household(world.a, buildings[1], 3)


@pytest.mark.parametrize("fn", [selectors.coverage, selectors.coverage_children])
def test_coverage_runs_a_constant_number_of_queries(world, fn):
    for area in (world.city, world.a.area):
        small = count_queries(lambda a=area: fn(a))
        grow(world, 6)
        large = count_queries(lambda a=area: fn(a))
        assert small == large, (area, small, large)
    assert count_queries(lambda: selectors.coverage(world.city)) == BUDGETS["grids.coverage.selectors.coverage"]
    assert count_queries(lambda: selectors.coverage_children(world.a.area)) == BUDGETS["grids.coverage.selectors.coverage_children"]


def test_buildings_of_a_covered_compound_count_its_grid(world):
    rows = {r.area.pk: r.figures for r in selectors.coverage_children(world.a.compound)}
    assert rows[world.a.building.pk]["grids"] == 1 and rows[world.a.building.pk]["grids_with_branch"] == 1
    rows = {r.area.pk: r.figures for r in selectors.coverage_children(world.p2)}
    assert (rows[world.b21.pk]["grids"], rows[world.b22.pk]["grids"]) == (1, 0)
    assert count_queries(lambda: selectors.coverage_children(world.p2)) == BUDGETS["grids.coverage.selectors.coverage_children"]


def _every_area(world):
    from organizations.areas.models import Area

    return list(Area.objects.filter(tree_id=world.city.tree_id).order_by("lft"))


def test_the_page_report_gives_the_same_figures_children_and_gaps_everywhere(world):
    """``coverage_report`` (the coverage page) agrees with ``coverage``, ``coverage_children``
    and ``gap_lists`` on every area of the tree, from the city down to each building."""
    from grids.grids.models import GridArea

    GridArea.objects.create(grid=world.g2, area=world.b3s[0])  # a grid spanning two compounds
    for area in _every_area(world):
        report = selectors.coverage_report(area)
        figures = selectors.coverage(area)
        assert report.figures == figures, area.name
        expected = [(r.area.pk, r.figures) for r in selectors.coverage_children(area)]
        assert [(r.area.pk, r.figures) for r in report.children] == expected, area.name
        assert [a.pk for a in report.ancestors] == [a.pk for a in area.get_ancestors()], area.name
        gaps = selectors.gap_lists(area, figures)
        for kind, gap in gaps.items():
            assert [row.pk for row in report.gaps[kind]["rows"]] == [row.pk for row in gap["rows"]], (area.name, kind)
            assert (report.gaps[kind]["count"], report.gaps[kind]["more"]) == (gap["count"], gap["more"])


def test_the_page_report_cuts_gap_lists_and_names_parents(world):
    report = selectors.coverage_report(world.a.area, gap_limit=2)
    buildings = report.gaps["buildings_without_group"]
    assert len(buildings["rows"]) == 2 and buildings["count"] == 5 and buildings["more"]
    assert all(row.parent.name for row in buildings["rows"])


def test_the_page_report_runs_three_queries_whatever_the_size(world):
    for area in (world.city, world.street, world.a.area, world.p2):
        small = count_queries(lambda a=area: selectors.coverage_report(a))
        grow(world, 6)
        large = count_queries(lambda a=area: selectors.coverage_report(a))
        assert small == large <= BUDGETS["grids.coverage.selectors.coverage_report"], (area.name, small, large)
