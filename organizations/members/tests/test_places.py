"""The members' derived place columns (organizations.members.places) follow every write that changes
them: a member's residence or organization, an area's move or level, an organization's
anchor area, roster imports and the demo generator; the tree check reports drift and the
repair fixes it; the roster count built on them equals the scoped count."""
import pytest
from django.core.management import call_command
from django.db.models import Q

from organizations.areas import actions
from organizations.areas.choices import AreaLevel
from organizations.grants.choices import Role
from organizations.members import actions as members_actions
from organizations.members import places, selectors
from organizations.members.models import Member
from organizations.orgs import actions as orgs_actions
from organizations.tests.budgets import BUDGETS
from organizations.tests.factories import AreaFactory, MemberFactory, build_city, user_with
from organizations.trees.check import check_all_trees

pytestmark = pytest.mark.django_db


def stored(member):
    member = Member.objects.get(pk=member.pk)
    return (
        tuple(getattr(member, f) for f in places.RES_FIELDS.values()),
        tuple(getattr(member, f) for f in places.ORG_FIELDS.values()),
    )


def test_a_new_member_carries_the_chains_of_residence_and_organization(city):
    m = MemberFactory(organization=city.b.branch, residence=city.a.building)
    res, org = stored(m)
    assert res == (city.city.pk, city.district.pk, city.street.pk, city.a.area.pk)
    # the branch is anchored in community b (or below it)
    assert org[:3] == (city.city.pk, city.district.pk, city.street.pk) and org[3] == city.b.area.pk
    assert stored(MemberFactory(organization=city.a.branch, residence=None))[0] == (None, None, None, None)


def test_chains_follow_a_members_move_and_skip_queries_when_links_stay(city, django_assert_num_queries):
    admin = user_with(Role.DISTRICT, city.city)
    m = MemberFactory(organization=city.a.branch, residence=city.a.building)
    members_actions.member_update(actor=admin, member=m, residence=city.b.building, organization=city.b.branch)
    res, org = stored(m)
    assert res[3] == city.b.area.pk and org[3] == city.b.area.pk
    m = Member.objects.get(pk=m.pk)
    m.name = "改名"
    with django_assert_num_queries(BUDGETS["organizations.members.models.Member.save (place links unchanged)"]):
        m.save()


def test_moving_a_compound_to_another_community_moves_its_residents(city):
    admin = user_with(Role.DISTRICT, city.city)
    m = MemberFactory(organization=city.b.branch, residence=city.a.building)
    in_compound_org = MemberFactory(organization=city.a.group, residence=city.b.building)
    actions.area_update(actor=admin, area=city.a.compound, parent=city.b.area)
    assert stored(m)[0][3] == city.b.area.pk
    assert stored(in_compound_org)[1][3] == city.b.area.pk  # its group sits at a building of the compound
    assert places.out_of_sync(Member.objects.all()) == 0


def test_moving_a_street_to_another_district_and_changing_an_anchor(city):
    admin = user_with(Role.DISTRICT, city.city)
    other = AreaFactory(name="振兴区", level=AreaLevel.DISTRICT, parent=city.city, code="D-OTHER")
    m = MemberFactory(organization=city.a.branch, residence=city.a.building)
    actions.area_update(actor=admin, area=city.street, parent=other)
    res, org = stored(m)
    assert res[1] == other.pk and org[1] == other.pk and res[2] == city.street.pk
    orgs_actions.org_update(actor=admin, org=city.a.branch, area=city.b.area)
    assert stored(m)[1][3] == city.b.area.pk
    assert places.out_of_sync(Member.objects.all()) == 0


def test_sync_repairs_drift_and_the_tree_check_reports_it(city):
    m = MemberFactory(organization=city.a.branch, residence=city.a.building)
    Member.objects.filter(pk=m.pk).update(res_community=None, org_district=None)
    assert places.out_of_sync(Member.objects.all()) == 2  # one member, both sides wrong
    assert any("层级归属" in p for p in check_all_trees())
    assert places.sync_members(Member.objects.all()) == 2  # the res side and the org side rewritten
    assert places.sync_members(Member.objects.all()) == 0  # nothing left to write
    assert places.out_of_sync(Member.objects.all()) == 0 and not check_all_trees()


def test_check_trees_repair_recomputes_the_columns(city, capsys):
    m = MemberFactory(organization=city.a.branch, residence=city.a.building)
    Member.objects.filter(pk=m.pk).update(res_street=None)
    with pytest.raises(Exception):  # noqa: B017 - the command exits non-zero on problems
        call_command("check_trees")
    call_command("check_trees", "--repair")
    assert stored(m)[0][2] == city.street.pk
    assert "均一致" in capsys.readouterr().out


def test_chains_in_bulk_equal_one_at_a_time():
    c = build_city()
    areas = [c.city, c.district, c.street, c.a.area, c.a.compound, c.a.building, c.b.building]
    bulk = places.chains([a.pk for a in areas])
    for area in areas:
        assert bulk[area.pk] == places.chain_of(area.pk)
    assert bulk[c.a.building.pk] == (c.city.pk, c.district.pk, c.street.pk, c.a.area.pk)
    assert bulk[c.district.pk] == (c.city.pk, c.district.pk, None, None)


def test_roster_count_uses_the_columns_and_agrees_with_the_scoped_count(city):
    outsider = build_city()
    MemberFactory(organization=outsider.a.branch, residence=city.a.building)  # resides in, belongs out
    MemberFactory(organization=city.b.branch, residence=outsider.b.building)  # belongs in, resides out
    both = user_with(Role.STREET, city.street)
    from organizations.tests.factories import grant

    grant(both, Role.COMMUNITY, city.a.area)  # nested in the street: counted once
    grant(both, Role.GRID, outsider.a.compound)  # a compound elsewhere: a subtree of its own
    for user in (both, user_with(Role.DISTRICT, city.district), user_with(Role.COMMUNITY, outsider.a.area),
                 user_with(Role.GRID, city.a.building)):
        for wanted in (None, Q(status="full"), Q(name__icontains="甲")):
            expected = Member.objects.visible_to(user).filter(wanted or Q()).count()
            assert selectors.roster_count(user, wanted) == expected
    assert selectors.roster_count(both) > 0
