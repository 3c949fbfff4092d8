"""The Excel export of a report (``dangjian.xlsx``): sheet 1 the table with the date it was
computed, sheet 2 "指标说明" stating each column's definition, its source and who fills it.
Numbers are numbers (a ratio as a percentage), text is text, never a formula.  Three
queries whatever the number of subjects: the subjects, the columns, the cells."""
from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from assessments.figures.choices import FigureLevel, Measure
from assessments.reports import rules, selectors
from assessments.reports.choices import FieldType
from assessments.reports.models import ReportCell
from dangjian import xlsx


def _unit(column) -> str:
    if column.is_field:
        return column.field.unit
    figure = column.figure
    if figure is None:
        return ""
    return "%" if figure.measure == Measure.RATIO else figure.unit


def _header(column) -> str:
    unit = _unit(column)
    return f"{column.title}（{unit}）" if unit else column.title


def export(report) -> bytes:
    org = selectors.is_org_report(report)
    columns = selectors.columns_of(report)
    nodes = selectors.subject_nodes(report)
    if not org:
        nodes = nodes.select_related("parent")
    nodes = list(nodes)
    cells = {(c.subject_id, c.column_id): c for c in ReportCell.objects.filter(report=report).select_related("filled_by")}
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("报表"))
    computed = timezone.localtime(report.computed_at).strftime("%Y-%m-%d %H:%M") if report.computed_at else _("尚未计算")
    xlsx.append(ws, [report.name])
    xlsx.append(ws, [_("统计期：%(p)s；统计范围：%(w)s；计算时间：%(t)s") % {
        "p": report.period.label, "w": report.within.name, "t": computed}])
    ws.append(xlsx.header_cells(ws, [_("填报对象"), *(_header(c) for c in columns)]))
    for node in nodes:
        label = node.name
        if not org and getattr(node, "parent", None) is not None and report.subject_level == FigureLevel.COMPOUND:
            label = f"{node.name}（{node.parent.name}）"
        row = [label]
        for column in columns:
            cell = cells.get((node.pk, column.pk))
            row.append(_value(column, cell))
        xlsx.append(ws, row)
    xlsx.append(ws, [])
    ws.append(xlsx.note_row(ws, _("指标列由平台根据业务记录自动计算（计算时间见上），填报列为各单位填报的数据；口径见“指标说明”。")))
    notes = wb.create_sheet(_("指标说明"))
    notes.append(xlsx.header_cells(notes, [_("列"), _("定义"), _("数据来源"), _("单位"), _("填报")]))
    for column in columns:
        if column.is_field:
            f = column.field
            xlsx.append(notes, [column.title, f.definition, _("填报字段（%(type)s，%(area)s定义）") % {
                "type": FieldType(f.value_type).label, "area": f.area.name}, f.unit,
                _("由%(level)s填报，每期一次") % {"level": FigureLevel(f.fill_level).label}])
        else:
            figure = column.figure
            xlsx.append(notes, [column.title, figure.definition if figure else "", figure.source_text if figure else "",
                                _unit(column), _("平台自动计算，无需填报")])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _value(column, cell):
    if cell is None:
        return None
    if column.is_field:
        if not cell.filled:
            return None
        if column.field.value_type in (FieldType.INTEGER, FieldType.DECIMAL) and cell.number is not None:
            number = cell.number
            return int(number) if number == number.to_integral_value() else float(number)
        return cell.text or rules.shown(column.field, cell.number, "")
    if cell.number is None:
        return cell.text or None
    number = cell.number
    return int(number) if number == number.to_integral_value() and column.figure and column.figure.measure != Measure.RATIO else float(number)
