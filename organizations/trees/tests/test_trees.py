"""The bulk tree path numbers nodes exactly like mptt's rebuild, and subtree figures are set-based."""
import pytest

from dangjian.testing import assert_max_queries
from dangjian.trees import assign_tree_fields
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.areas.selectors import area_children, area_summary
from organizations.members.models import CentralHousehold
from organizations.tests.budgets import BUDGETS
from organizations.tests.factories import MemberFactory, build_city, build_community

pytestmark = pytest.mark.django_db


def test_assign_tree_fields_matches_rebuild():
    nodes = []

    def node(name, level, parent=None):
        a = Area(name=name, code=name, level=level)
        a._bulk_parent = parent
        nodes.append(a)
        return a

    city = node("市", AreaLevel.CITY)
    d1 = node("区1", AreaLevel.DISTRICT, city)
    s1 = node("街1", AreaLevel.STREET, d1)
    node("街2", AreaLevel.STREET, d1)
    node("社1", AreaLevel.COMMUNITY, s1)
    node("区2", AreaLevel.DISTRICT, city)
    other = node("另市", AreaLevel.CITY)
    node("另区", AreaLevel.DISTRICT, other)
    next_tree = assign_tree_fields(nodes, first_tree_id=1)
    assert next_tree == 3
    with Area.objects.disable_mptt_updates():
        for n in nodes:  # list order: parents are saved before their children
            n.parent_id = n._bulk_parent.pk if n._bulk_parent else None
            Area.objects.bulk_create([n])
    computed = {a.code: (a.tree_id, a.lft, a.rght, a.depth) for a in nodes}
    Area.objects.rebuild()
    rebuilt = {a.code: (a.tree_id, a.lft, a.rght, a.depth) for a in Area.objects.all()}
    assert computed == rebuilt
    assert computed["市"][1:3] == (1, 12)


def test_area_summary_counts_and_constant_queries():
    c = build_city()
    CentralHousehold.objects.create(member=c.a.members[0], building=c.a.building, linked_households=8)
    with assert_max_queries(BUDGETS["organizations.areas.selectors.area_summary"]):
        summary = area_summary(c.city)
    assert summary["by_level"][AreaLevel.COMMUNITY] == 2
    assert summary["members"]["total"] == 4
    assert summary["orgs"]["compound_branches"] == 2
    assert summary["orgs"]["building_groups"] == 2
    assert summary["central_households"] == 1
    assert summary["households"] == 48
    # more data, same number of queries
    for i in range(5):
        build_community(c.street, c.street_org, f"丙{i}", members=3)
    with assert_max_queries(BUDGETS["organizations.areas.selectors.area_summary"]):
        summary = area_summary(c.city)
    assert summary["members"]["total"] == 4 + 15
    assert summary["by_level"][AreaLevel.COMMUNITY] == 7


def test_children_counts_in_one_query():
    c = build_city()
    MemberFactory(organization=c.b.branch, residence=c.b.building)
    with assert_max_queries(BUDGETS["organizations.areas.selectors.area_children"]):
        rows = {a.name: (a.member_count, a.org_count, a.child_count) for a in area_children(c.street)}
    assert rows == {"甲社区": (2, 3, 1), "乙社区": (3, 3, 1)}


def test_area_summary_is_the_four_separate_aggregates_for_every_area():
    """The one-statement summary gives, for every area of a world, what four separate
    aggregates (areas by level, organizations, members, central households) give."""
    from django.db.models import Count, Q, Sum

    from organizations.areas.selectors import MEMBER_FIGURES, ORG_FIGURES
    from organizations.members.models import Member
    from organizations.orgs.models import PartyOrg

    c = build_city()
    CentralHousehold.objects.create(member=c.a.members[0], building=c.a.building, linked_households=8)
    build_community(c.street, c.street_org, "丙", members=3)
    for area in Area.objects.all():
        rows = Area.objects.within(area).exclude(pk=area.pk).order_by().values("level").annotate(n=Count("pk"), h=Sum("households"))
        by_level = {r["level"]: r["n"] for r in rows}
        households = next((r["h"] or 0 for r in rows if r["level"] == AreaLevel.BUILDING), 0)
        if area.level >= AreaLevel.BUILDING:
            households = area.households
        orgs = PartyOrg.objects.anchored_within(area).aggregate(**{k: Count("pk", filter=q or Q()) for k, q in ORG_FIGURES.items()})
        members = Member.objects.residing_within(area).current().aggregate(**{k: Count("pk", filter=q or Q()) for k, q in MEMBER_FIGURES.items()})
        summary = area_summary(area)
        assert (summary["by_level"], summary["households"], summary["orgs"], summary["members"]) == (by_level, households, orgs, members), area
        assert summary["central_households"] == CentralHousehold.objects.filter(building__in=Area.objects.within(area)).count()
