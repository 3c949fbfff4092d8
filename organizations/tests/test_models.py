"""Level rules, tree validation and constraints of the two trees."""
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg
from organizations.tests.factories import AreaFactory, MemberFactory, PartyOrgFactory, build_city

pytestmark = pytest.mark.django_db


def test_child_must_be_deeper_than_parent(city):
    street_under_community = Area(name="错层街道", code="X1", level=AreaLevel.STREET, parent=city.a.area)
    with pytest.raises(ValidationError) as exc:
        street_under_community.full_clean()
    assert "层级更低" in str(exc.value.message_dict["level"])
    same_level = Area(name="同级社区", code="X2", level=AreaLevel.COMMUNITY, parent=city.a.area)
    with pytest.raises(ValidationError):
        same_level.full_clean()


def test_levels_may_be_skipped_downwards(city):
    # A standalone commercial building (楼宇) may sit directly under a community.
    tower = Area(name="国贸大厦", code="X3", level=AreaLevel.BUILDING, parent=city.a.area, building_use="commercial")
    tower.full_clean()


def test_entrance_only_under_building(city):
    with pytest.raises(ValidationError) as exc:
        Area(name="1单元", code="X4", level=AreaLevel.ENTRANCE, parent=city.a.compound).full_clean()
    assert "单元只能建在楼栋之下" in str(exc.value)
    Area(name="1单元", code="X5", level=AreaLevel.ENTRANCE, parent=city.a.building).full_clean()


def test_root_must_be_city_or_district():
    with pytest.raises(ValidationError) as exc:
        Area(name="孤立社区", code="X6", level=AreaLevel.COMMUNITY).full_clean()
    assert "parent" in exc.value.message_dict
    Area(name="某区", code="X7", level=AreaLevel.DISTRICT).full_clean()


def test_area_cannot_move_under_its_own_descendant(city):
    street = Area.objects.get(pk=city.street.pk)
    street.parent = city.a.compound
    with pytest.raises(ValidationError):
        street.full_clean()


def test_name_unique_among_siblings_not_globally(city):
    with pytest.raises(IntegrityError), transaction.atomic():
        AreaFactory(name=city.a.compound.name, level=AreaLevel.COMPOUND, parent=city.a.area)
    # the same name under another community is fine
    AreaFactory(name=city.a.compound.name, level=AreaLevel.COMPOUND, parent=city.b.area)


def test_code_unique(city):
    with pytest.raises(IntegrityError), transaction.atomic():
        AreaFactory(code=city.a.area.code, level=AreaLevel.COMPOUND, parent=city.b.area)


def test_building_use_only_on_buildings(city):
    with pytest.raises(ValidationError):
        Area(name="某小区", code="X8", level=AreaLevel.COMPOUND, parent=city.a.area, building_use="residential").full_clean()


def test_tree_columns_and_descendants(city):
    a = Area.objects.get(pk=city.a.area.pk)
    assert set(a.get_descendants()) == {city.a.compound, city.a.building}
    assert list(Area.objects.within(a).order_by("lft").values_list("pk", flat=True)) == [
        city.a.area.pk, city.a.compound.pk, city.a.building.pk
    ]


def test_org_kind_cannot_sit_above_its_parent(city):
    committee_under_branch = PartyOrg(
        name="错误党委", code="OX1", kind=OrgKind.COMMITTEE, category=OrgCategory.COMMUNITY,
        area=city.a.area, parent=city.a.branch,
    )
    with pytest.raises(ValidationError) as exc:
        committee_under_branch.full_clean()
    assert "不能隶属于" in str(exc.value)
    nothing_under_group = PartyOrg(
        name="错误支部", code="OX2", kind=OrgKind.BRANCH, category=OrgCategory.COMPOUND,
        area=city.a.building, parent=city.a.group,
    )
    with pytest.raises(ValidationError) as exc:
        nothing_under_group.full_clean()
    assert "党小组之下" in str(exc.value)


def test_group_needs_a_branch_parent(city):
    with pytest.raises(ValidationError):
        PartyOrg(name="孤立小组", code="OX3", kind=OrgKind.GROUP, category=OrgCategory.BUILDING_GROUP,
                 area=city.a.building).full_clean()


def test_term_end_and_party_age():
    import datetime

    org = PartyOrgFactory.build(term_started_on=datetime.date(2024, 2, 29), term_years=3)
    assert org.term_ends_on == datetime.date(2027, 2, 28)
    member = MemberFactory.build(full_member_on=datetime.date(2000, 1, 1))
    assert member.party_age >= 26


def test_member_id_number_unique_by_hash(city):
    existing = city.a.members[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberFactory(organization=city.b.branch, id_number=existing.id_number)


def test_build_city_two_independent_communities():
    c = build_city(members_per_community=3)
    assert c.a.area.tree_id == c.b.area.tree_id
    assert not (c.a.area.lft <= c.b.area.lft <= c.a.area.rght)
    assert len(c.a.members) == 3
