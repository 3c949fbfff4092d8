"""The Excel export of the annual statistical tables: one sheet per table (its figures as
numbers, its labels as text — never formulas, ``dangjian.xlsx``) and a sheet 指标说明 with
every table's definition, the area and the as-of date."""
import io

import openpyxl
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian import xlsx

NOTES_TITLE = "指标说明"


def filename(area, year) -> str:
    return _("%(area)s%(year)d年党内统计.xlsx") % {"area": area.name, "year": year}


def _headers(result) -> list[str]:
    if result.key in ("org_kind", "org_category"):
        return [_("项目"), _("党组织数"), _("其中已配备书记")]
    if result.key == "flow":
        return [_("项目"), _("人数")]
    if result.table.female_column:
        return [_("项目"), _("人数"), _("其中女性")]
    return [_("项目"), _("人数")]


def _values(result, figure, label) -> list:
    if result.key in ("org_kind", "org_category"):
        return [label, figure.value, figure.extra]
    if result.table.female_column:
        return [label, figure.value, figure.female]
    return [label, figure.value]


def sheet_title(result) -> str:
    return str(result.table.title)[:31]


def build_workbook(area, year, as_of, results) -> bytes:
    wb = openpyxl.Workbook(write_only=True)
    heading = _("%(area)s %(year)d年（截至%(date)s）") % {
        "area": area.name, "year": year, "date": f"{as_of.year}年{as_of.month}月{as_of.day}日"}
    for result in results:
        ws = wb.create_sheet(sheet_title(result))
        ws.column_dimensions["A"].width = 30
        ws.column_dimensions["B"].width = 12
        ws.column_dimensions["C"].width = 16
        ws.append(xlsx.note_row(ws, f"{result.table.title} · {heading}"))
        ws.append(xlsx.header_cells(ws, _headers(result)))
        for figure in result.rows:
            xlsx.append(ws, _values(result, figure, figure.label))
        if result.total is not None:
            xlsx.append(ws, _values(result, result.total, _("合计")))
    notes = wb.create_sheet(_(NOTES_TITLE))
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 110
    notes.append(xlsx.note_row(notes, _("%(head)s；生成时间：%(at)s") % {
        "head": heading, "at": timezone.localtime().strftime("%Y-%m-%d %H:%M")}))
    xlsx.append(notes, [_("统计截止日"), as_of.isoformat()])
    xlsx.append(notes, [_("统计范围"), _(
        "组织关系在本区域（含下级区域）党组织的现有党员（不含已转出的），入党日期不晚于统计截止日；"
        "年龄、党龄按统计截止日计算。数据取自党员名册、发展党员档案和组织关系转接记录，不需另行填报。"
        "往年各表由当前名册推算：截止日后入党的不计，截止日后转正的计为预备党员，其后转出或转接的按当前组织关系计。")])
    notes.append([])
    xlsx.append(notes, [_("表"), _("指标说明")], font=xlsx.HEADER_FONT, fill=xlsx.HEADER_FILL)
    for result in results:
        xlsx.append(notes, [sheet_title(result), str(result.table.definition)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
