"""Formula injection (issue 12, finding 4): every Excel export writes text as text.

Names and notes that begin like a formula (``=1+2``, ``=HYPERLINK(...)``, ``+``, ``-``,
``@``, tab) are planted in the data behind each export; the workbook is read back with
openpyxl: every such cell has the string data type ``s`` and exactly the planted text, and
no cell of any export is a formula.  One test, parametrised over every exporter."""
from datetime import date
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.utils import timezone

from dangjian import xlsx

pytestmark = pytest.mark.django_db

SUM = "=1+2"
LINK = '=HYPERLINK("http://x","y")'
OTHERS = ("+1+2", "-3+4", "@SUM(A1)", "\t=1+2", "#N/A")
EVIL = (SUM, LINK, *OTHERS)


def _areas(city):
    from organizations.imports import exporters

    city.a.building.name, city.a.building.address = SUM, LINK
    city.a.building.save()
    city.b.building.name, city.b.building.address = OTHERS[0], OTHERS[1]
    city.b.building.save()
    city.b.compound.address = OTHERS[2]
    city.b.compound.save()
    out = BytesIO()
    exporters.write_areas(out, actor=None)
    return out.getvalue()


def _members(city):
    from organizations.imports import exporters
    from organizations.tests.factories import MemberFactory

    MemberFactory(name=SUM, employer=LINK, organization=city.a.branch)
    MemberFactory(name=OTHERS[2], employer=OTHERS[3], organization=city.b.branch)
    out = BytesIO()
    exporters.write_members(out, actor=None)
    return out.getvalue()


def _ranking(city):
    from assessments.scoring import engine, periods
    from assessments.scoring.export import write_ranking
    from assessments.scoring.models import Rubric, Score, ScoringRun
    from assessments.scoring.tests import test_data as data

    data.plant_period(city)
    rubric = Rubric.objects.get(code="wuhao-community", version=1)
    p = periods.parse(data.PERIOD)
    run = ScoringRun.objects.create(rubric=rubric, period_key=data.PERIOD, period_kind=p.kind,
                                    period_start=p.start, period_end=p.end)
    engine.score_run(run.pk)
    city.a.area.name, city.b.area.name = SUM, LINK
    city.a.area.save()
    city.b.area.save()
    city.street.name = OTHERS[1]
    city.street.save()
    out = BytesIO()
    rows = Score.objects.filter(rubric=rubric, period_key=data.PERIOD).select_related("org", "area", "parent_area")
    assert write_ranking(out, rows, rubric=rubric, period_key=data.PERIOD) >= 2
    return out.getvalue()


def _dashboard(city):
    from assessments.dashboard.export import chart_workbook

    city.a.area.name = LINK
    chart = {"title": "下级区域", "columns": ["区域", SUM, "党员数"],
             "rows": [[SUM, OTHERS[0], 3], [OTHERS[2], None, 4.5]]}
    return chart_workbook(chart, area=city.a.area, period_label=OTHERS[1], computed_at=timezone.now())


def _feedback_sheet(city):
    from services.checkins import export
    from services.checkins.tests.test_actions import make_in_service
    from services.ledger.models import ServiceRecord, ServiceSource

    member = make_in_service(city.a, name=SUM, employer=LINK)
    ServiceRecord.objects.create(member=member, source=ServiceSource.ACTIVITY, source_id=1, hours=Decimal("2"),
                                 occurred_on=date(2026, 5, 5), note=OTHERS[0])
    return export.workbook_bytes(export.member_workbook(member, 2026, 2))


def _template(city):
    from organizations.imports.importers import build_template

    return build_template("areas")  # constant text only: still no formula cell


EXPORTERS = {
    "areas": (_areas, {SUM, LINK, *OTHERS[:3]}),
    "members": (_members, {SUM, LINK, OTHERS[2], OTHERS[3]}),
    "scoring-ranking": (_ranking, {SUM, LINK}),
    "dashboard-chart": (_dashboard, {SUM, LINK, OTHERS[0], OTHERS[1], OTHERS[2]}),
    "checkins-feedback": (_feedback_sheet, {SUM, LINK, OTHERS[0]}),
    "import-template": (_template, set()),
}


def _cells(content: bytes):
    wb = openpyxl.load_workbook(BytesIO(content))  # data_only=False: a formula would read back as "=…", type "f"
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


@pytest.mark.parametrize("name", EXPORTERS)
def test_every_export_writes_formula_like_text_as_text(city, name):
    build, planted = EXPORTERS[name]
    cells = list(_cells(build(city)))
    assert cells
    formulas = [(c.coordinate, c.value) for c in cells if c.data_type == "f"]
    assert formulas == []
    found = {}
    for c in cells:
        if c.value in EVIL:
            found[c.value] = c
            assert c.data_type == "s", (c.coordinate, c.value, c.data_type)
    assert set(found) >= planted, planted - set(found)
    for text, c in found.items():
        if text[0] in "=+-@\t":
            assert c.quotePrefix, (c.coordinate, text)  # Excel keeps it text when the cell is edited


def test_the_helper_keeps_numbers_dates_and_plain_text():
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("t")
    xlsx.append(ws, ["张三", 12, 3.5, date(2026, 1, 2), None, True, "a\x01b", SUM])
    out = BytesIO()
    wb.save(out)
    row = next(openpyxl.load_workbook(out).active.iter_rows())
    assert [c.value for c in row[:4]] == ["张三", 12, 3.5, openpyxl.load_workbook(out).active["D1"].value]
    assert row[1].data_type == "n" and row[3].is_date and row[4].value is None and row[5].value is True
    assert row[6].value == "ab"  # a control character XML cannot hold is dropped, not a failed export
    assert (row[7].value, row[7].data_type, row[0].quotePrefix) == (SUM, "s", False)


def test_no_export_module_writes_cells_around_the_helper():
    """Modules that build workbooks go through dangjian.xlsx: no ``ws.cell(..., value=…)``
    and no ``ws.append`` of raw values outside it."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.glob("*/**/*.py"):
        rel = path.relative_to(root).as_posix()
        if rel.startswith((".venv/", "dangjian/xlsx.py")) or "/tests/" in rel or "/migrations/" in rel:
            continue
        text = path.read_text(encoding="utf-8")
        if "openpyxl" not in text:
            continue
        for node in ast.walk(ast.parse(text)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr == "cell" and (any(k.arg == "value" for k in node.keywords) or len(node.args) > 2):
                offenders.append(f"{rel}:{node.lineno} .cell(value=…)")
            if node.func.attr == "append" and node.args and isinstance(node.args[0], ast.List | ast.ListComp):
                target = node.func.value
                if isinstance(target, ast.Name) and (target.id.endswith("ws") or target.id in {"about", "first"}):
                    if any(not isinstance(e, ast.Call) for e in getattr(node.args[0], "elts", [node.args[0]])):
                        offenders.append(f"{rel}:{node.lineno} {target.id}.append([...])")
    assert offenders == []
