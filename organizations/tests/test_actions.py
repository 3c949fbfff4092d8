"""Writes go through actions: scope checks, validation, audit, serialized tree writes."""
import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from dangjian import errors as dangjian_errors
from dangjian.models import AuditEvent
from dangjian.testing import race, requires_postgres
from organizations.areas import actions
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.grants.choices import Role
from organizations.members import actions as members_actions
from organizations.members.models import Member, PersonalDataAccess
from organizations.orgs import actions as orgs_actions
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.tests.factories import UserFactory, build_city, user_with

pytestmark = pytest.mark.django_db


def test_cadre_creates_inside_own_subtree_and_is_audited(city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    area = actions.area_create(actor=cadre, parent=city.a.compound, name="2号楼", code="NEW1", level=AreaLevel.BUILDING)
    assert area.parent == city.a.compound
    event = AuditEvent.objects.get(verb="area.create", target_id=str(area.pk))
    assert event.actor == cadre


def test_out_of_scope_parent_is_404_and_writes_nothing(city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    before = Area.objects.count()
    with pytest.raises(Http404):
        actions.area_create(actor=cadre, parent=city.b.compound, name="2号楼", code="NEW2", level=AreaLevel.BUILDING)
    assert Area.objects.count() == before
    assert not AuditEvent.objects.exists()


def test_read_only_role_is_refused(city):
    grid = user_with(Role.GRID, city.a.area)
    with pytest.raises(dangjian_errors.PermissionDeniedError):
        actions.area_create(actor=grid, parent=city.a.compound, name="2号楼", code="NEW3", level=AreaLevel.BUILDING)


def test_level_rule_enforced_by_action(city):
    cadre = user_with(Role.STREET, city.street)
    with pytest.raises(ValidationError) as exc:
        actions.area_create(actor=cadre, parent=city.a.area, name="某街道", code="NEW4", level=AreaLevel.STREET)
    assert "level" in exc.value.message_dict


def test_only_global_admin_creates_roots(city):
    district_user = user_with(Role.DISTRICT, city.city)
    with pytest.raises(dangjian_errors.PermissionDeniedError):
        actions.area_create(actor=district_user, parent=None, name="新市", code="NEW5", level=AreaLevel.CITY)
    root = UserFactory(username="root", is_superuser=True)
    assert actions.area_create(actor=root, parent=None, name="新市", code="NEW5", level=AreaLevel.CITY).is_root_node()


def test_move_area_keeps_tree_consistent(city):
    admin = UserFactory(username="root2", is_superuser=True)
    actions.area_update(actor=admin, area=city.a.compound, parent=city.b.area)
    b = Area.objects.get(pk=city.b.area.pk)
    moved = Area.objects.get(pk=city.a.compound.pk)
    building = Area.objects.get(pk=city.a.building.pk)
    assert b.lft < moved.lft < building.lft < building.rght < moved.rght < b.rght


def test_member_update_masks_personal_data_in_audit(city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    member = city.a.members[0]
    members_actions.member_update(actor=cadre, member=member, phone="13800138000")
    event = AuditEvent.objects.get(verb="member.update")
    assert event.changes["phone"] == ["***", "***"]
    assert "13800138000" not in str(event.changes)
    assert Member.objects.get(pk=member.pk).phone == "13800138000"


def test_member_cannot_be_moved_into_other_subtree(city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    with pytest.raises(Http404):
        members_actions.member_update(actor=cadre, member=city.a.members[0], organization=city.b.branch)


def test_reveal_logs_and_refuses(city):
    member = city.a.members[0]
    cadre = user_with(Role.COMMUNITY, city.a.area)
    data = members_actions.member_reveal_personal_data(actor=cadre, member=member)
    assert data["id_number"] == member.id_number
    assert PersonalDataAccess.objects.filter(user=cadre, member=member).count() == 1
    grid = user_with(Role.GRID, city.a.area)
    with pytest.raises(dangjian_errors.PermissionDeniedError):
        members_actions.member_reveal_personal_data(actor=grid, member=member)
    other = user_with(Role.COMMUNITY, city.b.area)
    with pytest.raises(Http404):
        members_actions.member_reveal_personal_data(actor=other, member=member)
    assert PersonalDataAccess.objects.count() == 1


def test_org_create_defaults_term_and_checks_parent_scope(city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    org = orgs_actions.org_create(actor=cadre, parent=city.a.committee, area=city.a.compound, name="第二党支部", code="ON1",
                             kind=OrgKind.BRANCH, category=OrgCategory.COMPOUND)
    assert org.term_years == 3
    with pytest.raises(Http404):
        orgs_actions.org_create(actor=cadre, parent=city.b.committee, area=city.b.compound, name="越界支部", code="ON2",
                           kind=OrgKind.BRANCH, category=OrgCategory.COMPOUND)


@requires_postgres("concurrent tree writes are serialized by an advisory lock")
@pytest.mark.django_db(transaction=True)
def test_concurrent_tree_inserts_are_serialized():
    c = build_city()
    admin = UserFactory(username="root3", is_superuser=True)

    def insert(i):
        parent = c.a.compound if i % 2 else c.b.compound
        return actions.area_create(actor=admin, parent=parent, name=f"{i}号楼", code=f"RACE{i}", level=AreaLevel.BUILDING)

    errors = race(insert, range(6)).errors
    assert errors == []
    from organizations.trees.check import check_tree

    assert check_tree(Area) == []
    assert Area.objects.filter(code__startswith="RACE").count() == 6
