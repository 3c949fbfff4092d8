"""The test world of 账号管理: ``build_city`` (street 兴东 with communities 甲 and 乙) and a
second street 新华 of the same district with community 丙; a district cadre over the city,
a street cadre over 兴东."""
from dataclasses import dataclass

from organizations.areas.choices import AreaLevel
from organizations.grants.choices import Role
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.tests.factories import AreaFactory, City, Community, PartyOrgFactory, build_city, build_community, user_with

PASSWORD = "Staff-pass-2024"


@dataclass
class World:
    c: City
    other_street: object
    other: Community  # community 丙 in the other street
    district: object  # a district cadre (district grant at the city)
    street: object  # a street cadre of 兴东


def build_world() -> World:
    c = build_city()
    other_street = AreaFactory(name="新华街道", level=AreaLevel.STREET, parent=c.district)
    other_org = PartyOrgFactory(name="新华街道党工委", kind=OrgKind.WORKING_COMMITTEE, category=OrgCategory.STREET,
                                area=other_street, parent=c.city_org)
    other = build_community(other_street, other_org, "丙")
    district = user_with(Role.DISTRICT, c.city, "district-cadre")
    street = user_with(Role.STREET, c.street, "street-cadre")
    for user in (district, street):
        user.set_password(PASSWORD)
        user.save()
    return World(c, other_street, other, district, street)
