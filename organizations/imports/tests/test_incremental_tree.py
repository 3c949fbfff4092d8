"""Area imports touch only the part of the tree they change (issue 12, finding 5: after a
50,000-row area import, a one-row import took 52–64 s, rebuilding the whole tree row by row).

New nodes are numbered in memory and the gaps they need are opened set-based
(``dangjian.trees.make_room``): a one-row import runs the same number of queries whatever
the size of the tree (50 or 1,200 areas), and the numbering equals a full rebuild's."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.testing import assert_max_queries
from organizations.areas.models import Area
from organizations.imports import importers
from organizations.imports.importers import import_workbook
from organizations.imports.tests.test_import import area_file, assert_tree_invariants
from organizations.tests.budgets import BUDGETS
from organizations.tests.factories import build_city

pytestmark = pytest.mark.django_db


def grow(compound, n, prefix):
    """``n`` buildings with an entrance each under ``compound``, through the importer."""
    rows = []
    for i in range(n // 2):
        rows.append([compound.code, f"{prefix}{i}", f"{prefix}楼{i}", "楼栋", "", 1, ""])
        rows.append([f"{prefix}{i}", f"{prefix}{i}-1", "1单元", "单元", "", 1, ""])
    result = import_workbook("areas", area_file(rows), actor=None)
    assert result.ok, result.errors[:3]


def one_row_import_queries(city, code):
    # under the first compound: every node to its right (the second community, the grown
    # buildings) has to move, the worst case for a nested set
    f = area_file([[city.a.compound.code, code, f"新楼{code}", "楼栋", "", 1, ""]])
    with CaptureQueriesContext(connection) as ctx:
        result = import_workbook("areas", f, actor=None)
    assert result.ok, result.errors
    return len(ctx.captured_queries), ctx.captured_queries


def test_a_one_row_import_runs_the_same_queries_for_50_and_1200_areas():
    city = build_city(members_per_community=0)
    grow(city.b.compound, 50, "S")
    small, _ = one_row_import_queries(city, "N1")
    grow(city.b.compound, 1150, "L")  # past the 1,000-row batches of a django-mptt rebuild
    assert Area.objects.count() > 1200
    large, queries = one_row_import_queries(city, "N2")
    assert large == small, [q["sql"][:200] for q in queries]
    updates = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("UPDATE") and "area" in q["sql"]]
    assert len(updates) == 1  # one statement shifts the nodes on the right; no row-by-row rebuild
    with assert_max_queries(BUDGETS["organizations.imports.importers.import_workbook[areas, one row]"]):
        import_workbook("areas", area_file([[city.a.compound.code, "N3", "新楼N3", "楼栋", "", 1, ""]]), actor=None)
    assert_tree_invariants()


def test_many_parents_mixed_with_new_trees_and_nested_rows_number_like_a_rebuild(monkeypatch):
    city = build_city(members_per_community=0)
    grow(city.a.compound, 20, "GA")
    grow(city.b.compound, 20, "GB")
    parents = list(Area.objects.filter(code__regex=r"^G[AB]\d+$").order_by("pk").values_list("code", flat=True))
    assert len(parents) == 20
    rows = []
    for i, parent in enumerate(parents):  # an entrance under every existing building: many gaps in one tree
        rows.append([parent, f"{parent}-X", "新单元", "单元", "", 1, ""])
        if i % 3 == 0:
            rows.append([parent, f"{parent}-Y", "又一单元", "单元", "", 1, ""])
    rows += list(reversed([  # children before their parents
        [city.a.area.code, "Q1", "新小区", "小区", "", None, ""],
        ["Q1", "Q1-B", "新小区1号楼", "楼栋", "", 2, ""],
        ["Q1-B", "Q1-B-1", "1单元", "单元", "", 1, ""],
        ["", "T", "新市", "市", "", None, ""],
        ["T", "T-D", "新区", "区", "", None, ""],
    ]))
    monkeypatch.setattr(importers, "_chunks", _small_chunks(importers._chunks))
    from dangjian import trees

    real = trees.make_room
    monkeypatch.setattr(trees, "make_room", lambda *a, **k: real(*a, **{**k, "chunk": 3}))  # several UPDATEs
    result = import_workbook("areas", area_file(rows), actor=None)
    assert result.ok, result.errors[:3]
    assert_tree_invariants()
    first = Area.objects.get(code=parents[0])
    assert [a.code for a in first.get_children()] == [f"{parents[0]}-1", f"{parents[0]}-X", f"{parents[0]}-Y"]
    assert [a.code for a in Area.objects.get(code="Q1").get_descendants()] == ["Q1-B", "Q1-B-1"]
    assert Area.objects.get(code="T").get_descendant_count() == 1


def _small_chunks(real):
    def chunks(items, size=importers.LOOKUP_CHUNK):
        return real(items, min(size, 7))
    return chunks
