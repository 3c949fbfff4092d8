"""The scoped-queryset base (dangjian/scoping.py): declared paths, roles, Through, global,
anonymous, a richer rule on top of the declared one, and granted()."""
import pytest
from django.contrib.auth.models import AnonymousUser

from dangjian import trees
from dangjian.scoping import InArea, InOrg, Range, Scope, ScopedQuerySet, Through, get_scope
from dangjian.trees import NOTHING, Span
from organizations.areas.models import Area
from organizations.grants.choices import Role
from organizations.members.models import Member
from organizations.orgs.models import PartyOrg
from organizations.tests.factories import MemberFactory, UserFactory, user_with

STREET_GRANT = Range(1, 1, 10, role=Role.STREET, node_id=5)
GRID_GRANT = Range(1, 20, 30, role=Role.GRID, node_id=6)
ORG_GRANT = Range(7, 2, 3, role=Role.COMMUNITY, node_id=8)
SCOPE = Scope(user_id=1, area_ranges=(STREET_GRANT, GRID_GRANT), org_ranges=(ORG_GRANT,))


# ------------------------------------------------------------------- the rules, as Q
def test_a_declared_path_is_the_granted_ranges_through_it():
    assert InArea("community").q(None, SCOPE, None) == trees.ranges_q([STREET_GRANT, GRID_GRANT], "community")
    assert InOrg("org").q(None, SCOPE, None) == trees.subtree_q(Span(7, 2, 3), "org")
    assert InArea().q(None, SCOPE, None) == trees.ranges_q([STREET_GRANT, GRID_GRANT])


def test_a_role_limited_path_takes_only_those_grants():
    assert InArea("community", {Role.STREET}).q(None, SCOPE, None) == trees.subtree_q(STREET_GRANT, "community")
    assert InArea("community", {Role.DISTRICT}).q(None, SCOPE, None) is NOTHING
    assert InOrg("org", {Role.GRID}).q(None, SCOPE, None) is NOTHING


def test_scope_q_ors_the_declarations():
    class Declared(ScopedQuerySet):
        scope_paths = (InArea("area"), InOrg("org", {Role.COMMUNITY}))

    q = Declared(model=PartyOrg).scope_q(SCOPE, None)
    assert q == trees.ranges_q([STREET_GRANT, GRID_GRANT], "area") | trees.subtree_q(ORG_GRANT, "org")
    assert ScopedQuerySet(model=PartyOrg).scope_q(SCOPE, None) is NOTHING  # nothing declared: nothing visible


# --------------------------------------------------------------------- on the database
@pytest.mark.django_db
def test_declared_paths_select_the_granted_subtrees(city):
    user = user_with(Role.COMMUNITY, city.a.area)
    orgs = set(PartyOrg.objects.visible_to(user))  # InOrg(), InArea("area")
    assert orgs == {city.a.committee, city.a.branch, city.a.group}
    user = user_with(Role.COMMUNITY, city.b.committee)
    assert set(PartyOrg.objects.visible_to(user)) == {city.b.committee, city.b.branch, city.b.group}


@pytest.mark.django_db
def test_role_limited_paths_and_the_richer_rule_on_top(city):
    # a member grant is no roster role: the roster shows only the user's own record (scope_q adds it)
    user = user_with(Role.MEMBER, city.a.area)
    own = city.a.members[0]
    own.user = user
    own.save()
    assert list(Member.objects.visible_to(user)) == [own]
    roster = user_with(Role.STREET, city.street)
    assert set(Member.objects.visible_to(roster)) == set(city.a.members) | set(city.b.members)


@pytest.mark.django_db
def test_global_sees_every_row_without_a_filter(city):
    admin = UserFactory(is_superuser=True)
    qs = Area.objects.visible_to(admin)
    assert set(qs) == set(Area.objects.all())
    assert "WHERE" not in str(Member.objects.visible_to(admin).query)
    assert set(Member.objects.granted(admin, InArea("residence", {Role.DISTRICT}))) == set(Member.objects.all())


@pytest.mark.django_db
def test_anonymous_sees_nothing_and_costs_no_query(city, django_assert_num_queries):
    anonymous = AnonymousUser()
    with django_assert_num_queries(0):
        assert list(Area.objects.visible_to(anonymous)) == []
        assert list(PartyOrg.objects.visible_to(anonymous)) == []
        assert list(Member.objects.granted(anonymous, InArea("residence"))) == []
        assert list(Member.objects.visible_to(None)) == []


@pytest.mark.django_db
def test_through_follows_the_related_models_scope(city):
    user = user_with(Role.COMMUNITY, city.a.committee)
    outsider = MemberFactory(organization=city.street_org, residence=city.a.building)
    through = set(Member.objects.granted(user, Through("organization")))
    assert through == set(Member.objects.filter(organization__in=PartyOrg.objects.visible_to(user)))
    assert set(city.a.members) <= through and outsider not in through
    [(lookup, subquery)] = Through("organization").q(Member.objects.all(), get_scope(user), user).children
    assert lookup == "organization__in" and list(subquery) == list(PartyOrg.objects.visible_to(user).values("pk"))


@pytest.mark.django_db
def test_granted_narrows_to_roles(city):
    community = user_with(Role.COMMUNITY, city.a.area)
    assert not Area.objects.granted(community, InArea("", {Role.DISTRICT})).exists()
    city.a.area.refresh_from_db()
    assert set(Area.objects.granted(community, InArea("", {Role.COMMUNITY}))) == set(
        city.a.area.get_descendants(include_self=True))
