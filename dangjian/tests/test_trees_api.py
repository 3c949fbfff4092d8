"""The tree API (dangjian/trees.py): the predicates it writes and what they select."""
import pytest
from django.db.models import F, OuterRef, Q

from dangjian import trees
from dangjian.trees import NOTHING, Locator, Span
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.members.models import Member


def fresh(*nodes):
    for node in nodes:
        node.refresh_from_db()  # mptt shifted the columns as later nodes were added
    return nodes


# ------------------------------------------------------------------ the exact predicates
def test_subtree_q_is_the_index_friendly_range():
    node = Span(3, 10, 20)
    assert trees.subtree_q(node) == Q(tree_id=3, lft__gte=10, lft__lte=20)
    assert trees.subtree_q(node, "community") == Q(community__tree_id=3, community__lft__gte=10, community__lft__lte=20)
    assert trees.subtree_q(node, "area__") == trees.subtree_q(node, "area")  # a trailing __ is the same prefix
    assert trees.subtree_q(node, include_self=False) == Q(tree_id=3, lft__gt=10, lft__lt=20)
    assert trees.subtree_q(node, "area", check_tree=False) == Q(area__lft__gte=10, area__lft__lte=20)


def test_ranges_q_ors_the_ranges_and_is_nothing_without_any():
    a, b = Span(1, 1, 8), Span(2, 3, 4)
    assert trees.ranges_q([a, b], "org") == trees.subtree_q(a, "org") | trees.subtree_q(b, "org")
    assert trees.ranges_q([a], include_self=False) == trees.subtree_q(a, include_self=False)
    assert trees.ranges_q([]) is NOTHING
    assert trees.ranges_q(iter(())) is NOTHING


def test_ancestors_q_and_positions():
    node = Span(3, 10, 20)
    assert trees.ancestors_q(node, "area") == Q(area__tree_id=3, area__lft__lte=10, area__rght__gte=20)
    assert trees.ancestors_q(node, include_self=False) == Q(tree_id=3, lft__lt=10, rght__gt=20)
    # a position is the zero-width span at the start: "the nodes whose interval holds it"
    assert trees.position(node) == Span(3, 10, 10)
    assert trees.ancestors_q(trees.position(node)) == Q(tree_id=3, lft__lte=10, rght__gte=10)


def test_outer_and_ref_are_expressions_over_the_row():
    assert trees.subtree_q(trees.outer(), "residence") == Q(
        residence__tree_id=OuterRef("tree_id"), residence__lft__gte=OuterRef("lft"), residence__lft__lte=OuterRef("rght")
    )
    assert trees.ancestors_q(trees.outer("residence", at_position=True), "community") == Q(
        community__tree_id=OuterRef("residence__tree_id"), community__lft__lte=OuterRef("residence__lft"),
        community__rght__gte=OuterRef("residence__lft"),
    )
    assert trees.ref("area") == Span(F("area__tree_id"), F("area__lft"), F("area__rght"))


def test_fields_and_order():
    assert trees.range_fields() == ("tree_id", "lft", "rght")
    assert trees.range_fields("parent") == ("parent__tree_id", "parent__lft", "parent__rght")
    assert trees.position_fields("area") == ("area__tree_id", "area__lft")
    assert trees.tree_field("residence") == "residence__tree_id"
    assert trees.tree_order("community") == ("community__tree_id", "community__lft")
    assert trees.tree_order() == ("tree_id", "lft")
    assert trees.preorder("area") == ("area__lft",)
    assert trees.in_trees_q({4}, "org") == Q(org__tree_id__in=[4])
    assert trees.tree_q(Span(4, 1, 2), "org") == Q(org__tree_id=4)


# ------------------------------------------------------------------------- in memory
def test_span_reads_nodes_rows_and_spans():
    row = {"area__tree_id": 2, "area__lft": 5, "area__rght": 9}
    assert trees.span(row, "area") == Span(2, 5, 9)
    assert trees.position(row, "area") == Span(2, 5, 5)
    assert trees.span(Span(1, 2, 3)) == Span(1, 2, 3)


def test_contains():
    outer, inner, other_tree = Span(1, 1, 10), Span(1, 4, 5), Span(2, 4, 5)
    assert trees.contains(outer, inner) and outer.contains(inner)
    assert trees.contains(outer, outer) and not trees.contains(outer, outer, include_self=False)
    assert trees.contains(outer, inner, include_self=False)
    assert not trees.contains(inner, outer)
    assert not trees.contains(outer, other_tree)
    assert outer.contains(trees.position(inner))


def test_outermost_drops_nested_and_repeated_nodes():
    top, nested, elsewhere = Span(1, 1, 10), Span(1, 2, 3), Span(2, 1, 2)
    assert trees.outermost([nested, top, elsewhere, top]) == [top, elsewhere]
    assert trees.outermost([nested]) == [nested]
    assert trees.outermost([]) == []


def test_locator_finds_the_span_holding_a_node():
    loc = Locator([(Span(1, 2, 5), "a"), (Span(1, 6, 9), "b"), (Span(2, 1, 4), "c")])
    assert loc.find(Span(1, 3, 4)) == "a"
    assert loc.find(Span(1, 6, 6)) == "b"
    assert loc.find(Span(1, 9, 9)) == "b"
    assert loc.find(Span(2, 2, 3)) == "c"
    assert loc.find(Span(1, 1, 10)) is None  # the root of tree 1: above both
    assert loc.find(Span(1, 10, 10)) is None
    assert loc.find(Span(3, 1, 2), "none") == "none"


def test_span_key_is_tree_order():
    assert sorted([Span(2, 1, 2), Span(1, 5, 6), Span(1, 2, 9)], key=lambda s: s.key) == [
        Span(1, 2, 9), Span(1, 5, 6), Span(2, 1, 2)]


# ----------------------------------------------------------------------- on the database
@pytest.mark.django_db
def test_subtree_and_ancestors_select_the_right_nodes(city):
    street, a, b, building = fresh(city.street, city.a.area, city.b.area, city.a.building)
    assert set(Area.objects.filter(trees.subtree_q(a))) == set(a.get_descendants(include_self=True))
    assert set(Area.objects.filter(trees.subtree_q(a, include_self=False))) == set(a.get_descendants())
    assert set(Area.objects.filter(trees.ancestors_q(building))) == set(building.get_ancestors(include_self=True))
    assert set(Area.objects.filter(trees.ancestors_q(building, include_self=False))) == set(building.get_ancestors())
    assert set(Area.objects.filter(trees.ancestors_q(trees.position(building)))) == set(
        building.get_ancestors(include_self=True))
    assert set(Area.objects.filter(trees.ranges_q([a, b]))) == set(a.get_descendants(include_self=True)) | set(
        b.get_descendants(include_self=True))
    members = set(Member.objects.filter(trees.subtree_q(a, "residence")))
    assert members and members == set(Member.objects.filter(residence__in=a.get_descendants(include_self=True)))
    assert list(Area.objects.filter(trees.subtree_q(street)).order_by(*trees.tree_order())) == list(
        street.get_descendants(include_self=True))


@pytest.mark.django_db
def test_containing_is_the_ancestor_of_a_level(city):
    a, building = fresh(city.a.area, city.a.building)
    assert trees.containing(Area.objects, building, level=AreaLevel.COMMUNITY).get() == a
    assert trees.containing(Area.objects, a, level=AreaLevel.COMMUNITY).get() == a
    assert not trees.containing(Area.objects, a, level=AreaLevel.COMMUNITY, include_self=False).exists()
    assert trees.containing(Area.objects, building, level=AreaLevel.DISTRICT).get() == city.district


@pytest.mark.django_db
def test_correlated_subtree_counts(city):
    from django.db.models import Count, IntegerField, Subquery

    per_area = Subquery(
        Member.objects.filter(trees.subtree_q(trees.outer(), "residence")).order_by()
        .values(trees.tree_field("residence")).annotate(n=Count("pk")).values("n"),
        output_field=IntegerField(),
    )
    a, street = fresh(city.a.area, city.street)
    counts = dict(Area.objects.filter(pk__in=[a.pk, street.pk]).annotate(n=per_area).values_list("pk", "n"))
    assert counts[a.pk] == Member.objects.filter(trees.subtree_q(a, "residence")).count() > 0
    assert counts[street.pk] == Member.objects.filter(trees.subtree_q(street, "residence")).count() > counts[a.pk]


@pytest.mark.django_db
def test_with_spans_reads_the_columns_in_one_query(city, django_assert_num_queries):
    a, building = fresh(city.a.area, city.a.building)
    with django_assert_num_queries(1):
        rows = list(trees.with_spans(Area.objects.filter(pk__in=[a.pk, building.pk]).order_by("pk"), "pk", "name"))
    assert rows == sorted([(a.pk, a.name, trees.span(a)), (building.pk, building.name, trees.span(building))])
    [(pk, pos)] = trees.with_spans(Area.objects.filter(pk=building.pk), "pk", at_position=True, chunk_size=10)
    assert (pk, pos) == (building.pk, trees.position(building))
    assert trees.span(Area.objects.filter(pk=a.pk).values(*trees.range_fields()).get()) == trees.span(a)
