"""``roster_count`` (the member list's count) gives exactly ``members_for(user).filter(...).count()``
for every kind of scope, in one query whatever the number of members."""
import pytest
from django.db.models import Q

from dangjian.testing import count_queries
from organizations.grants.choices import Role
from organizations.members import selectors
from organizations.members.choices import MemberStatus
from organizations.members.models import Member
from organizations.tests.budgets import BUDGETS
from organizations.tests.factories import MemberFactory, UserFactory, grant, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed(city):
    """Members that only one half of the scope catches: residing in A with their branch in B,
    residing in B with their branch in A, without a residence, and a member account in B."""
    a, b = city.a, city.b
    cross_ab = MemberFactory(organization=b.branch, residence=a.building, status=MemberStatus.PROBATIONARY)
    cross_ba = MemberFactory(organization=a.branch, residence=b.building)
    homeless_a = MemberFactory(organization=a.branch, residence=None)
    account = UserFactory()
    own = MemberFactory(organization=b.branch, residence=b.building, user=account)
    grant(account, Role.MEMBER, a.area)
    return {"cross_ab": cross_ab, "cross_ba": cross_ba, "homeless_a": homeless_a, "account": account, "own": own}


def scopes(city, mixed):
    superuser = UserFactory(is_superuser=True)
    org_granted = UserFactory()
    grant(org_granted, Role.COMMUNITY, city.a.committee)
    return {
        "district at the city": user_with(Role.DISTRICT, city.city),
        "community A": user_with(Role.COMMUNITY, city.a.area),
        "grid at A's compound": user_with(Role.GRID, city.a.compound),
        "community by organization A": org_granted,
        "member (own record only)": mixed["account"],
        "department (no roster role)": user_with(Role.DEPARTMENT, city.a.area),
        "superuser": superuser,
    }


FILTERS = {
    "none": None,
    "probationary": Q(status=MemberStatus.PROBATIONARY),
    "name": Q(name__icontains="甲"),
    "nothing": Q(pk__in=[]),
}


def test_roster_count_equals_the_scoped_count_for_every_scope_and_filter(city, mixed):
    for label, user in scopes(city, mixed).items():
        for name, wanted in FILTERS.items():
            expected = Member.objects.visible_to(user).filter(wanted if wanted is not None else Q()).count()
            assert selectors.roster_count(user, wanted) == expected, (label, name)


def test_roster_count_counts_each_member_once(city, mixed):
    district = user_with(Role.DISTRICT, city.city)
    # residence and organization both in scope for most members: still one each
    assert selectors.roster_count(district) == Member.objects.count()
    community_a = user_with(Role.COMMUNITY, city.a.area)
    expected = {m.pk for m in city.a.members} | {mixed["cross_ab"].pk, mixed["cross_ba"].pk, mixed["homeless_a"].pk}
    assert selectors.roster_count(community_a) == len(expected)


def test_roster_count_is_one_query_whatever_the_size(city, mixed):
    user = user_with(Role.COMMUNITY, city.a.area)
    user.refresh_from_db()
    selectors.roster_count(user)  # the scope is cached on the user
    small = count_queries(lambda: selectors.roster_count(user))
    for _ in range(30):
        MemberFactory(organization=city.a.branch, residence=city.a.building)
    assert count_queries(lambda: selectors.roster_count(user)) == small == BUDGETS["organizations.members.selectors.roster_count"]
