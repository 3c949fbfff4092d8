"""The test world of the grids contracts (``*/tests/test_contracts.py``): ``build_city``
with a grid over each community's compound; community 甲 (``w.a``) is the cadre's,
community 乙 (``w.b``) is not."""
import itertools

import pytest

from grids.teams.choices import TeamRole
from grids.tests.factories import DiaryEntryFactory, TeamMemberFactory, add_compound, central_household, grid_over
from organizations.areas.choices import AreaLevel
from organizations.grants.choices import Role
from organizations.tests.factories import AreaFactory, MemberFactory, build_community, grant, user_with

_labels = itertools.count(1)

#: roles that may not read grids, teams, coverage or the diary (403)
NON_READERS = (Role.MEMBER, Role.DEPARTMENT)


class GridWorld:
    """``self.w`` (build_city), ``self.grid_a`` / ``self.grid_b`` over the compounds of 甲 /
    乙, and a community cadre of 甲 as the user in scope; a party member or a department of
    甲 as the role that may not read grids."""

    @pytest.fixture(autouse=True)
    def _world(self, city):
        self.w = city
        self.cadre = user_with(Role.COMMUNITY, city.a.area)
        self.grid_a = grid_over(city.a.area, city.a.compound, branch=city.a.branch, name="甲小区网格")
        self.grid_b = grid_over(city.b.area, city.b.compound, branch=city.b.branch, name="乙小区网格")

    @pytest.fixture
    def user_in_scope(self):
        return self.cadre

    @pytest.fixture(params=NON_READERS)
    def user_without_permission(self, request):
        return user_with(request.param, self.w.a.area)


def new_grid(community):
    """A grid of ``community`` (a factories.Community) over a new compound with a building and a branch."""
    compound, _buildings, branch = add_compound(community, buildings=1, groups=1)
    return grid_over(community.area, compound, branch=branch)


def new_team_member(grid, community):
    return TeamMemberFactory(grid=grid, role=TeamRole.WORKER, member=MemberFactory(organization=community.branch))


def new_entry(grid, building):
    return DiaryEntryFactory(grid=grid, building=building)


def new_compound(community):
    return add_compound(community, buildings=1, groups=0)[0]


def grow_place(compound, community):
    """Rows a coverage figure of ``compound`` counts: a building (without a party group)
    with a central household."""
    building = AreaFactory(level=AreaLevel.BUILDING, parent=compound, households=10)
    central_household(community, building, 3)
    return building


def new_community(world, cadre=None):
    """A community of its own under the street, with a grid over its compound; granted to
    ``cadre`` (a 社区 role) when given."""
    community = build_community(world.street, world.street_org, f"丙{next(_labels)}")
    grid_over(community.area, community.compound, branch=community.branch)
    if cadre is not None:
        grant(cadre, Role.COMMUNITY, community.area)
    return community.area
