"""The tree consistency checker finds corrupted numbering and data, and --repair renumbers."""
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F

from dangjian.testing import assert_max_queries
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg
from organizations.tests.budgets import BUDGETS
from organizations.tests.factories import PartyOrgFactory, build_city, build_community
from organizations.trees.check import check_all_trees, check_tree
from organizations.trees.tasks import check_trees as check_trees_task

pytestmark = pytest.mark.django_db


def run_check(*args):
    out = StringIO()
    call_command("check_trees", *args, stdout=out)
    return out.getvalue()


def test_factory_built_trees_are_consistent():
    c = build_city()
    assert check_all_trees() == []
    output = run_check()
    assert "两棵树均一致" in output
    assert f"区域 {Area.objects.count()} 个" in output
    assert check_trees_task() == 0
    assert c.city.name


def test_query_count_does_not_grow_with_the_tree():
    c = build_city()
    with assert_max_queries(BUDGETS["organizations.trees.check.check_all_trees"]) as small:
        assert check_all_trees() == []
    for i in range(6):
        build_community(c.street, c.street_org, f"丙{i}")
    with assert_max_queries(len(small.captured_queries)):
        assert check_all_trees() == []


def test_rght_corruption_is_detected_and_names_the_node():
    c = build_city()
    Area.objects.filter(pk=c.a.compound.pk).update(rght=F("rght") + 2)
    problems = check_tree(Area)
    assert problems
    assert any("甲小区" in p for p in problems)
    assert check_trees_task() == len(problems)


def test_lft_not_below_rght_is_detected():
    c = build_city()
    b = c.b.building
    Area.objects.filter(pk=b.pk).update(lft=b.rght, rght=b.lft)
    problems = check_tree(Area)
    assert any("乙1号楼" in p and "不小于右值" in p for p in problems)


def test_shared_lft_is_detected():
    c = build_city()
    Area.objects.filter(pk=c.b.building.pk).update(lft=c.a.building.lft, rght=c.a.building.rght)
    problems = check_tree(Area)
    assert any("同时使用" in p and "甲1号楼" in p and "乙1号楼" in p for p in problems)


def test_depth_corruption_is_detected():
    c = build_city()
    PartyOrg.objects.filter(pk=c.a.branch.pk).update(depth=7)
    problems = check_tree(PartyOrg)
    assert any("甲小区党支部" in p and "深度为 7" in p for p in problems)
    # its child now also disagrees with it
    assert any("甲1号楼党小组" in p and "深度" in p for p in problems)
    assert check_tree(Area) == []


def test_root_depth_and_lft_are_checked():
    c = build_city()
    Area.objects.filter(pk=c.city.pk).update(depth=1)
    problems = check_tree(Area)
    assert any(c.city.name in p and "根节点的深度应为 0" in p for p in problems)


def test_level_not_deeper_than_parent_is_detected():
    c = build_city()
    Area.objects.filter(pk=c.a.compound.pk).update(level=AreaLevel.STREET)
    problems = check_tree(Area)
    assert any("甲小区" in p and "层级“街道”不低于" in p for p in problems)


def test_root_level_is_checked():
    Area.objects.create(name="孤立社区", code="X1", level=AreaLevel.COMMUNITY)
    problems = check_tree(Area)
    assert any("孤立社区" in p and "不能作为顶级区域" in p for p in problems)


def test_node_moved_into_another_tree_is_detected():
    c = build_city()
    other = build_city()
    # the compound's parent link now points into the other city while its numbers stay
    Area.objects.filter(pk=c.a.compound.pk).update(parent=other.b.area)
    problems = check_tree(Area)
    assert any("甲小区" in p and "树编号" in p for p in problems)


def test_duplicate_sibling_names_and_missing_anchor_are_detected():
    c = build_city()
    PartyOrgFactory(name="同名党委", kind=OrgKind.COMMITTEE, category=OrgCategory.REGIONAL, area=c.city)
    PartyOrgFactory(name="同名党委", kind=OrgKind.COMMITTEE, category=OrgCategory.REGIONAL, area=c.city)
    branch = c.b.branch
    PartyOrg.objects.filter(pk=branch.pk).update(area_id=987654321)
    try:
        problems = check_tree(PartyOrg)
        assert any("2 个同名的顶级党组织“同名党委”" in p for p in problems)
        assert any("乙小区党支部" in p and "所在区域（ID 987654321）不存在" in p for p in problems)
    finally:  # the deferred foreign key must hold again when the test transaction closes
        PartyOrg.objects.filter(pk=branch.pk).update(area_id=branch.area_id)


def test_command_exits_with_error_and_repair_renumbers():
    c = build_city()
    Area.objects.filter(pk=c.a.area.pk).update(lft=F("lft") + 100, rght=F("rght") + 100, depth=5)
    PartyOrg.objects.filter(pk=c.b.group.pk).update(rght=F("rght") + 1)
    with pytest.raises(CommandError) as exc:
        run_check()
    assert "个问题" in str(exc.value)
    output = run_check("--repair")
    assert "已重建" in output
    assert "两棵树均一致" in output
    assert check_all_trees() == []
    # numbering is right again: the subtree of the community holds its compound and building
    area = Area.objects.get(pk=c.a.area.pk)
    assert set(Area.objects.within(area).values_list("name", flat=True)) == {"甲社区", "甲小区", "甲1号楼"}
    assert area.depth == 3


def test_repair_cannot_fix_a_data_problem_and_says_so():
    c = build_city()
    Area.objects.filter(pk=c.b.area.pk).update(level=AreaLevel.BUILDING)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_trees", "--repair", stdout=out)
    assert "乙社区" in out.getvalue()
