"""Excel export of a dashboard chart's numbers (openpyxl): the chart's table on the first
sheet with Chinese headers, and a second sheet naming the area, the period and when the
figures were computed.  Percentages are plain numbers (95.5 means 95.5%), as in the
column headers."""
from io import BytesIO

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from dangjian import xlsx

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BAD_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def _sheet_title(text: str) -> str:
    return (text.translate(_BAD_SHEET_CHARS) or "Sheet")[:31]


def chart_workbook(chart: dict, *, area, period_label: str, computed_at) -> bytes:
    """The ``.xlsx`` bytes of one chart table (``{"title", "columns", "rows"}``)."""
    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_title(chart["title"])
    xlsx.append(ws, chart["columns"], font=xlsx.HEADER_FONT, fill=xlsx.HEADER_FILL,
                alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))
    for row in chart["rows"]:
        xlsx.append(ws, ["" if v is None else v for v in row])
    for i, column in enumerate(chart["columns"], start=1):
        longest = max([len(str(column))] + [len(str(r[i - 1])) for r in chart["rows"] if r[i - 1] is not None])
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(10, longest * 2 + 2))
    ws.freeze_panes = "A2"

    about = wb.create_sheet(_("说明"))
    xlsx.append(about, [_("图表"), chart["title"]])
    xlsx.append(about, [_("区域"), area.name])
    xlsx.append(about, [_("周期"), period_label])
    computed = date_format(timezone.localtime(computed_at), "Y年n月j日 H:i") if computed_at else _("尚未计算")
    xlsx.append(about, [_("数据计算时间"), computed])
    xlsx.append(about, [_("导出时间"), date_format(timezone.localtime(), "Y年n月j日 H:i")])
    xlsx.append(about, [_("说明"), _("百分比列为百分数（如 95.5 即 95.5%）；空白表示无数据。")])
    for cell in about["A"]:
        cell.font = Font(bold=True)
    about.column_dimensions["A"].width = 16
    about.column_dimensions["B"].width = 50

    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def export_filename(area, chart: dict, period_key: str) -> str:
    return f"{area.name}-{chart['title']}-{period_key}.xlsx"
