"""The Excel export read back with openpyxl: sheet 1 the table with the computed date (numbers
as numbers, text never a formula), sheet 2 "指标说明" with each column's definition, source and
who fills it."""
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments.figures import catalogue
from assessments.figures.subjects import subjects_within
from assessments.reports import actions
from assessments.reports.tests import support as s
from assessments.scoring.tests import test_data as data
from dangjian.testing.clients import logged_in

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_table_and_the_definitions(city):
    data.plant_period(city)
    w = s.make_world(city)
    field = s.area_field(w)
    city.a.area.name = "=HYPERLINK(\"http://x\",\"甲\")"
    city.a.area.save()
    report = s.community_report(w, period=data.PERIOD, fields=[field])
    actions.field_values_save(actor=w.a_cadre, subject=city.a.area, values={actions.entry_name(field.pk, data.PERIOD[:4]): "820.5"})
    response = logged_in(w.district).get(reverse("reports:export", args=[report.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    table, notes = wb.worksheets
    assert notes.title == "指标说明"
    rows = list(table.iter_rows(values_only=True))
    assert rows[0][0] == "季度社区党建工作表" and "计算时间" in rows[1][0]
    header = rows[2]
    assert header == ("填报对象", "党员人数（人）", "组织生活合规率（%）", "微心愿完成率（%）", "社区党群服务中心面积（平方米）")
    body = {r[0]: r[1:] for r in rows[3:5]}
    subjects = subjects_within(areas=[city.a.area, city.b.area])
    for i, code in enumerate(s.FIGURES):
        figure = catalogue.get(code)
        values = catalogue.compute(figure, subjects, report.period)
        assert body[city.a.area.name][i] == catalogue.as_number(values[city.a.area.pk], figure)
        assert body["乙社区"][i] == catalogue.as_number(values[city.b.area.pk], figure)
    assert body[city.a.area.name][3] == 820.5 and body["乙社区"][3] is None
    assert isinstance(body[city.a.area.name][0], int) and body[city.a.area.name][2] == 66.7
    assert table.cell(row=4, column=1).data_type == "s"  # the formula-like name stays text
    notes_rows = list(notes.iter_rows(values_only=True))
    assert notes_rows[0] == ("列", "定义", "数据来源", "单位", "填报")
    by_column = {r[0]: r for r in notes_rows[1:]}
    assert by_column["党员人数"][1] == catalogue.get("members.count").definition
    assert by_column["党员人数"][4] == "平台自动计算，无需填报"
    assert by_column["社区党群服务中心面积"][1] == field.definition and "社区" in by_column["社区党群服务中心面积"][4]


def test_only_the_definer_exports(city):
    w = s.make_world(city)
    report = s.community_report(w, fields=[s.area_field(w)])
    assert logged_in(w.a_cadre).get(reverse("reports:export", args=[report.pk])).status_code == 403
    other = s.make_world()
    assert logged_in(other.district).get(reverse("reports:export", args=[report.pk])).status_code == 404
