"""Scope: what a user's grants cover, computed once per request."""
import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.scoping import forget_scope, get_scope
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.grants.choices import MANAGE_ROLES, Role
from organizations.grants.models import Grant
from organizations.members.models import Member
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg
from organizations.tests.factories import AreaFactory, PartyOrgFactory, UserFactory, grant, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(city):
    """build_city plus a sibling district (with a street and a community) under the same city."""
    city.other_district = AreaFactory(name="振兴区", level=AreaLevel.DISTRICT, parent=city.city)
    city.other_street = AreaFactory(name="站前街道", level=AreaLevel.STREET, parent=city.other_district)
    city.other_community = AreaFactory(name="站前社区", level=AreaLevel.COMMUNITY, parent=city.other_street)
    city.other_org = PartyOrgFactory(
        name="站前社区党委", kind=OrgKind.COMMITTEE, category=OrgCategory.COMMUNITY, area=city.other_community,
        parent=city.city_org,
    )
    for node in (city.city, city.district, city.street, city.a.area, city.a.building):
        node.refresh_from_db()  # mptt shifted lft/rght when the sibling subtree was added
    return city


def fresh(user):
    return type(user).objects.get(pk=user.pk)


def test_district_grant_covers_its_descendants_and_not_its_siblings(world):
    scope = get_scope(user_with(Role.DISTRICT, world.district))
    for node in (world.district, world.street, world.a.area, world.a.compound, world.a.building, world.b.building):
        node.refresh_from_db()
        assert scope.covers_area(node), node
    for node in (world.city, world.other_district, world.other_street, world.other_community):
        node.refresh_from_db()
        assert not scope.covers_area(node), node
    [area_range] = scope.area_ranges
    assert (area_range.role, area_range.node_id) == (Role.DISTRICT, world.district.pk)
    assert scope.org_ranges == ()


def test_district_grant_sees_exactly_its_subtree(world):
    user = user_with(Role.DISTRICT, world.district)
    world.district.refresh_from_db()
    expected = set(world.district.get_descendants(include_self=True))
    assert set(Area.objects.visible_to(user)) == expected
    assert world.other_community not in expected
    orgs = set(PartyOrg.objects.visible_to(user))
    assert world.other_org not in orgs
    assert {world.city_org, world.street_org, world.a.group, world.b.group} <= orgs  # anchored in the district


def test_area_grant_covers_orgs_anchored_in_its_subtree(world):
    scope = get_scope(user_with(Role.COMMUNITY, world.a.area))
    for org in (world.a.committee, world.a.branch, world.a.group):
        org.refresh_from_db()
        assert scope.covers_org(org)
    for org in (world.b.committee, world.street_org, world.other_org):
        org.refresh_from_db()
        assert not scope.covers_org(org)


def test_org_grant_covers_the_org_subtree(world):
    user = user_with(Role.COMMUNITY, world.a.committee)
    scope = get_scope(user)
    assert scope.area_ranges == ()
    for org in (world.a.committee, world.a.branch, world.a.group):
        org.refresh_from_db()
        assert scope.covers_org(org)
    for org in (world.b.committee, world.b.branch, world.street_org):
        org.refresh_from_db()
        assert not scope.covers_org(org)
    assert set(PartyOrg.objects.visible_to(user)) == {world.a.committee, world.a.branch, world.a.group}
    # An organization grant shows the areas its organizations are anchored to, nothing more.
    assert set(Area.objects.visible_to(user)) == {world.a.area, world.a.compound, world.a.building}
    assert set(Member.objects.visible_to(user)) == set(world.a.members)


def test_roles_limit_what_a_grant_covers(world):
    user = user_with(Role.GRID, world.a.area)
    scope = get_scope(user)
    world.a.building.refresh_from_db()
    assert scope.covers_area(world.a.building)
    assert not scope.covers_area(world.a.building, MANAGE_ROLES)
    assert scope.has_role(Role.GRID) and not scope.has_role(*MANAGE_ROLES)
    # A plain member grant gives no roster: only the member's own record.
    member_user = user_with(Role.MEMBER, world.a.area)
    assert not Member.objects.visible_to(member_user).exists()
    Member.objects.filter(pk=world.a.members[0].pk).update(user=member_user)
    assert list(Member.objects.visible_to(fresh(member_user))) == [world.a.members[0]]


def test_superuser_scope_is_global(world):
    admin = UserFactory(username="admin-global", is_superuser=True)
    scope = get_scope(admin)
    assert scope.is_global and not scope.is_empty
    assert scope.covers_area(world.other_community) and scope.covers_org(world.other_org)
    assert scope.has_role(Role.DEPARTMENT)
    assert Area.objects.visible_to(admin).count() == Area.objects.count()
    assert Member.objects.visible_to(admin).count() == Member.objects.count()


def test_inactive_grants_and_anonymous_users_see_nothing(world):
    user = UserFactory(username="retired")
    Grant.objects.create(user=user, role=Role.COMMUNITY, area=world.a.area, is_active=False)
    scope = get_scope(user)
    assert scope.is_empty and not scope.covers_area(world.a.area)
    assert not Area.objects.visible_to(user).exists()
    anonymous = AnonymousUser()
    assert get_scope(anonymous).is_empty
    assert not Area.objects.visible_to(anonymous).exists()
    assert not PartyOrg.objects.visible_to(anonymous).exists()


def test_several_grants_add_up(world):
    user = user_with(Role.COMMUNITY, world.a.area)
    grant(user, Role.GRID, world.other_community)
    scope = get_scope(user)
    world.other_community.refresh_from_db()
    world.b.area.refresh_from_db()
    assert scope.covers_area(world.other_community) and not scope.covers_area(world.b.area)
    assert scope.covers_area(world.other_community, {Role.GRID})
    assert not scope.covers_area(world.other_community, MANAGE_ROLES)
    assert {world.a.area, world.other_community} <= set(Area.objects.visible_to(user))


def test_scope_costs_one_query_and_nothing_on_reuse(world):
    user = fresh(user_with(Role.COMMUNITY, world.a.area))
    grant(user, Role.GRID, world.b.area)
    grant(user, Role.COMMUNITY, world.a.committee)
    user = fresh(user)
    with CaptureQueriesContext(connection) as ctx:
        first = get_scope(user)
    assert len(ctx.captured_queries) == 1
    with CaptureQueriesContext(connection) as ctx:
        again = get_scope(user)
        list(Area.objects.visible_to(user))  # the scoped query itself, no grant look-up
    assert again is first
    assert len(ctx.captured_queries) == 1
    forget_scope(user)
    with CaptureQueriesContext(connection) as ctx:
        get_scope(user)
    assert len(ctx.captured_queries) == 1


def test_anonymous_scope_needs_no_query():
    with CaptureQueriesContext(connection) as ctx:
        scope = get_scope(AnonymousUser())
        get_scope(None)
    assert scope.is_empty
    assert len(ctx.captured_queries) == 0


def test_scope_from_the_listed_grants_is_the_scope_get_scope_reads(world):
    """A page that lists the user's active grants (with their area and organization) builds
    the very scope get_scope would read, without reading the grants again."""
    from dangjian.scoping import scope_from_grants

    user = UserFactory()
    grant(user, Role.STREET, world.street)
    grant(user, Role.MEMBER, world.a.area)
    grant(user, Role.COMMUNITY, world.other_org)
    Grant.objects.create(user=user, role=Role.DISTRICT, area=world.other_district, is_active=False)
    expected = get_scope(fresh(user))
    listed = list(Grant.objects.filter(user=user, is_active=True).select_related("area", "org"))
    again = fresh(user)
    with CaptureQueriesContext(connection) as ctx:
        built = scope_from_grants(again, listed)
        assert get_scope(again) is built
    assert len(ctx.captured_queries) == 0
    assert built.roles == expected.roles and built.is_global == expected.is_global
    assert sorted(built.area_ranges, key=repr) == sorted(expected.area_ranges, key=repr)
    assert sorted(built.org_ranges, key=repr) == sorted(expected.org_ranges, key=repr)
