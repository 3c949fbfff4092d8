"""Factories for the organizations app.  Trees are built through the ORM (mptt keeps
lft/rght right on save); ``build_city`` makes a small two-community world for scoping tests."""
import itertools
from dataclasses import dataclass, field
from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from dangjian.privacy import id_number_check_digit
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.grants.choices import Role
from organizations.grants.models import Grant
from organizations.members.choices import MemberStatus
from organizations.members.models import CentralHousehold, Member
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg
from organizations.units.models import ResidentUnit

_serial = itertools.count(1)


def valid_id_number(seq: int, birth: str = "19800101") -> str:
    first17 = f"210602{birth}{seq % 1000:03d}"
    return first17 + id_number_check_digit(first17)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or "pass-123456")
        if create:
            self.save(update_fields=["password"])


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    name = factory.Sequence(lambda n: f"区域{n}")
    code = factory.Sequence(lambda n: f"A{n:06d}")
    level = AreaLevel.CITY
    parent = None


class PartyOrgFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartyOrg

    name = factory.Sequence(lambda n: f"党组织{n}")
    code = factory.Sequence(lambda n: f"O{n:06d}")
    kind = OrgKind.BRANCH
    category = OrgCategory.COMPOUND
    area = factory.SubFactory(AreaFactory)
    parent = None


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member
        skip_postgeneration_save = True  # ``registered`` writes its column itself

    name = factory.Sequence(lambda n: f"党员{n}")
    gender = "M"
    status = MemberStatus.FULL
    organization = factory.SubFactory(PartyOrgFactory)
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    id_number = factory.Sequence(lambda n: valid_id_number(n))

    @factory.post_generation
    def registered(obj, create, extracted, **kwargs):
        """When the member was registered in the portal (``created_at``, set on save): two
        years ago unless given, as a roster that existed before the tests' history."""
        when = extracted or timezone.now() - timedelta(days=730)
        if create:
            Member.objects.filter(pk=obj.pk).update(created_at=when)
        obj.created_at = when


class CentralHouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CentralHousehold

    member = factory.SubFactory(MemberFactory)
    linked_households = 10


class ResidentUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResidentUnit

    name = factory.Sequence(lambda n: f"驻区单位{n}")
    kind = "organ"


def grant(user, role, node):
    kwargs = {"area": node} if isinstance(node, Area) else {"org": node}
    return Grant.objects.create(user=user, role=role, **kwargs)


@dataclass
class Community:
    area: Area
    compound: Area
    building: Area
    committee: PartyOrg
    branch: PartyOrg
    group: PartyOrg
    members: list = field(default_factory=list)


@dataclass
class City:
    city: Area
    district: Area
    street: Area
    city_org: PartyOrg
    street_org: PartyOrg
    a: Community
    b: Community


def build_community(street, street_org, label: str, members: int = 2) -> Community:
    n = next(_serial)
    area = AreaFactory(name=f"{label}社区", level=AreaLevel.COMMUNITY, parent=street, code=f"C{n:05d}")
    compound = AreaFactory(name=f"{label}小区", level=AreaLevel.COMPOUND, parent=area, code=f"P{n:05d}")
    building = AreaFactory(
        name=f"{label}1号楼", level=AreaLevel.BUILDING, parent=compound, code=f"B{n:05d}", households=24
    )
    committee = PartyOrgFactory(
        name=f"{label}社区党委", kind=OrgKind.COMMITTEE, category=OrgCategory.COMMUNITY, area=area, parent=street_org
    )
    branch = PartyOrgFactory(
        name=f"{label}小区党支部", kind=OrgKind.BRANCH, category=OrgCategory.COMPOUND, area=compound, parent=committee
    )
    group = PartyOrgFactory(
        name=f"{label}1号楼党小组", kind=OrgKind.GROUP, category=OrgCategory.BUILDING_GROUP, area=building, parent=branch
    )
    people = [
        MemberFactory(name=f"{label}党员{i}", organization=branch, residence=building) for i in range(members)
    ]
    return Community(area, compound, building, committee, branch, group, people)


def build_city(members_per_community: int = 2) -> City:
    n = next(_serial)
    city = AreaFactory(name=f"测试市{n}", level=AreaLevel.CITY, code=f"CITY{n:04d}")
    district = AreaFactory(name="元宝区", level=AreaLevel.DISTRICT, parent=city, code=f"D{n:05d}")
    street = AreaFactory(name="兴东街道", level=AreaLevel.STREET, parent=district, code=f"S{n:05d}")
    city_org = PartyOrgFactory(
        name=f"测试市{n}区委", kind=OrgKind.COMMITTEE, category=OrgCategory.REGIONAL, area=district
    )
    street_org = PartyOrgFactory(
        name="兴东街道党工委", kind=OrgKind.WORKING_COMMITTEE, category=OrgCategory.STREET, area=street, parent=city_org
    )
    a = build_community(street, street_org, "甲", members_per_community)
    b = build_community(street, street_org, "乙", members_per_community)
    return City(city, district, street, city_org, street_org, a, b)


def user_with(role, node, username=None):
    user = UserFactory(username=username or f"{role}-{next(_serial)}")
    grant(user, role, node)
    return user


ROLE = Role
