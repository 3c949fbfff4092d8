"""The whole-tree index folds per-node figures up to ancestors of chosen levels."""
from dangjian.testing import assert_max_queries
from organizations.areas.choices import AreaLevel
from organizations.tests.budgets import BUDGETS
from organizations.tests.factories import build_city
from organizations.trees.index import AreaIndex, OrgIndex, TreeIndex


def small_tree():
    index = TreeIndex()
    index.add(1, None, 1)  # city
    index.add(2, 1, 3)  # street (no district level: gaps are allowed)
    index.add(3, 2, 4)  # community
    index.add(4, 3, 6)  # building
    index.add(5, 2, 4)  # second community, no buildings
    return index


def test_chain_and_ancestor_at_level():
    index = small_tree()
    assert index.chain(4) == (4, 3, 2, 1)
    assert index.ancestor_at(4, 4) == 3
    assert index.ancestor_at(4, 3) == 2
    assert index.ancestor_at(3, 4) == 3  # a node of the level is its own ancestor
    assert index.ancestor_at(4, 2) is None  # no district on the path
    assert index.ancestor_at(99, 4) is None  # unknown node
    assert index.chain(99) == ()


def test_fold_sums_onto_ancestors_of_chosen_levels():
    index = small_tree()
    folded = index.fold({4: 3, 3: 2, 5: 1, 99: 10}, levels=(AreaLevel.STREET, AreaLevel.COMMUNITY))
    assert folded == {3: 5, 2: 6, 5: 1}
    assert index.fold({4: 3})[1] == 3  # every level when none chosen


def test_fold_many_keeps_figures_apart():
    index = small_tree()
    folded = index.fold_many({4: {"a": 1, "b": 2}, 5: {"a": 4, "b": 0}}, levels=(3,))
    assert folded == {2: {"a": 5, "b": 2}}


def test_area_index_loads_in_one_query_and_matches_tree(db):
    c = build_city()
    building = c.a.building
    with assert_max_queries(BUDGETS["organizations.trees.index.AreaIndex.load"]):
        index = AreaIndex.load()
    assert index.ancestor_at(building.pk, AreaLevel.COMMUNITY) == c.a.area.pk
    assert index.ancestor_at(building.pk, AreaLevel.DISTRICT) == c.district.pk
    assert index.ancestor_at(c.b.area.pk, AreaLevel.STREET) == c.street.pk
    shallow = AreaIndex.load(max_level=AreaLevel.COMMUNITY)
    assert building.pk not in shallow and c.a.area.pk in shallow


def test_org_index_records_anchor_areas(db):
    c = build_city()
    with assert_max_queries(BUDGETS["organizations.trees.index.OrgIndex.load"]):
        index = OrgIndex.load()
    assert index.chain(c.a.branch.pk)[-1] == c.city_org.pk
    assert index.area[c.street_org.pk] == c.street.pk
