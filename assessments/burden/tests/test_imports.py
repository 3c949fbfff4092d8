"""The typed side of the imports: the cells of a committed import are counted once, as
``import``; a refused import counts nothing."""
import io

import openpyxl
import pytest
from django.urls import reverse

from assessments.burden.models import EntryTally
from dangjian.testing.clients import logged_in
from organizations.dues.tests.test_spreadsheet import SheetWorld
from organizations.grants.choices import Role
from organizations.imports.importers import import_workbook
from organizations.tests.factories import user_with

pytestmark = pytest.mark.django_db

AREA_HEADERS = ["上级编码", "编码", "名称", "层级", "地址", "户数", "楼栋用途"]


def area_file(rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(AREA_HEADERS)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_an_area_import_counts_its_non_blank_cells_once_committed(city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    rows = [
        [city.a.compound.code, "A-B7", "甲7号楼", "楼栋", "", 20, "住宅楼"],   # 6 cells
        [city.a.compound.code, "A-B8", "甲8号楼", "楼栋", "幸福路8号", None, ""],  # 5 cells
    ]
    result = import_workbook("areas", area_file(rows), actor=cadre)
    assert result.ok, result.errors
    tally = EntryTally.objects.get()
    assert (tally.area_id, tally.channel, tally.source, tally.count) == (city.a.area.pk, "import", "import:areas", 11)


def test_a_refused_import_counts_nothing(city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    rows = [[city.b.compound.code, "B-B7", "乙7号楼", "楼栋", "", 20, "住宅楼"]]  # another community: refused
    result = import_workbook("areas", area_file(rows), actor=cadre)
    assert not result.ok
    assert not EntryTally.objects.exists()


class TestDuesSheetImport(SheetWorld):
    def test_the_dues_sheet_counts_the_cells_typed_into_it(self):
        wb = self.export()
        ws = wb.active
        header, rows = self.rows(ws)
        paid, paid_on, reason = (header.index(h) + 1 for h in ("实交金额（元）", "交纳日期", "免交原因"))
        ws.cell(row=rows["甲支部党员0"], column=paid, value=14)
        ws.cell(row=rows["甲支部党员0"], column=paid_on, value=self.month)
        ws.cell(row=rows["甲支部党员2"], column=reason, value="长期住院，经支委会同意免交")
        response = self.upload(wb)
        assert response.status_code == 302, response.content.decode()[:2000]
        got = {(t.channel, t.source): t.count for t in EntryTally.objects.filter(area=self.w.a.area)}
        # three cells typed (the pre-filled id, name, month and amount due are the portal's);
        # the upload form itself: one file
        assert got == {("import", "import:dues"): 3, ("form", "organizations:dues_import"): 1}
        page = logged_in(self.cadre).get(reverse("burden:community", args=[self.w.a.area.pk]))
        assert "党费收缴表导入" in page.content.decode()
