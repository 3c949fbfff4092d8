"""A small world for the statistical tables: the test city of ``build_city`` (one street,
communities 甲 and 乙) and a second street with its own community, helpers to read a table
from the page's context."""
from datetime import date

from django.utils import timezone

from organizations.areas.choices import AreaLevel
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.tests.factories import AreaFactory, MemberFactory, PartyOrgFactory, build_community


def last_year() -> int:
    return timezone.localdate().year - 1


def year_end(year: int) -> date:
    return date(year, 12, 31)


def other_street(city):
    street = AreaFactory(name="别的街道", level=AreaLevel.STREET, parent=city.district)
    org = PartyOrgFactory(name="别的街道党工委", kind=OrgKind.WORKING_COMMITTEE, category=OrgCategory.STREET, area=street,
                          parent=city.city_org)
    return street, build_community(street, org, "丙")


def member(community, **fields):
    return MemberFactory(organization=community.branch, residence=community.building, **fields)


def by_key(results) -> dict:
    return {r.key: r for r in results}


def figures(result) -> dict:
    return {row.key: row for row in result.rows}
