"""The transfers' test world: ``build_city`` (communities 甲 ``w.a`` and 乙 ``w.b`` under one
street) with a community cadre of each, and helpers starting transfers through the actions."""
from dataclasses import dataclass

from organizations.grants.choices import Role
from organizations.tests.factories import City, MemberFactory, UserFactory, build_city, grant
from organizations.transfers import actions

PASSWORD = "pass-123456"


@dataclass
class World:
    city: City
    cadre_a: object
    cadre_b: object
    member: object


def make_world(prefix="t-") -> World:
    city = build_city()
    cadre_a = UserFactory(username=f"{prefix}cadre-a", password=PASSWORD)
    grant(cadre_a, Role.COMMUNITY, city.a.area)
    cadre_b = UserFactory(username=f"{prefix}cadre-b", password=PASSWORD)
    grant(cadre_b, Role.COMMUNITY, city.b.area)
    return World(city, cadre_a, cadre_b, city.a.members[0])


def start(w: World, member=None, **kwargs):
    """A transfer of ``member`` (default ``w.member``) from 甲's branch to 乙's, by 甲's cadre."""
    return actions.transfer_start(actor=w.cadre_a, member=member or w.member, to_org=w.city.b.branch,
                                  reason=kwargs.pop("reason", "搬迁"), **kwargs)


def new_member(community, **kwargs):
    return MemberFactory(organization=community.branch, residence=community.building, **kwargs)
