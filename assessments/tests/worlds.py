"""The test worlds of the assessments contracts (``assessments/*/tests/test_contracts.py``):
``build_city`` with the default rules and rubrics; community 甲 (``w.a``) is the cadre's,
community 乙 (``w.b``) is not."""
import itertools

import pytest

from organizations.areas.choices import AreaLevel
from organizations.grants.choices import Role
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.tests.factories import AreaFactory, PartyOrgFactory, user_with

#: roles that may not read the roster, compliance or dashboards of their area (403)
NON_OVERSEERS = (Role.MEMBER, Role.DEPARTMENT)

_serial = itertools.count(1)


def serial() -> int:
    return next(_serial)


class CityWorld:
    """``self.w`` (build_city) and a community cadre of 甲 as the user in scope."""

    @pytest.fixture(autouse=True)
    def _world(self, city):
        self.w = city
        self.cadre = user_with(Role.COMMUNITY, city.a.area)

    @pytest.fixture
    def user_in_scope(self):
        return self.cadre


class OverseerWorld(CityWorld):
    """A party member or a department of 甲 as the role that may not open the endpoint."""

    @pytest.fixture(params=NON_OVERSEERS)
    def user_without_permission(self, request):
        return user_with(request.param, self.w.a.area)


def new_compound(community):
    """A compound of its own under ``community`` (a factories.Community)."""
    return AreaFactory(level=AreaLevel.COMPOUND, parent=community.area, name=f"{community.area.name}新小区{serial()}")


def new_branch(community, area=None):
    """A compound branch under the community's committee, anchored at ``area`` (default: its compound)."""
    return PartyOrgFactory(
        kind=OrgKind.BRANCH, category=OrgCategory.COMPOUND, area=area or community.compound, parent=community.committee,
        name=f"{community.area.name}新支部{serial()}",
    )
