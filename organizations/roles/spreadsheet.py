"""The Excel export of 换届 reminders."""
from io import BytesIO

import openpyxl
from django.utils.translation import gettext as _

from dangjian import xlsx

COLUMNS = ("党组织", "组织类别", "所在区域", "书记", "本届任期开始", "任期（年）", "任期届满", "状态")


def build_reminders(rows, today) -> bytes:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(_("换届提醒"))
    ws.column_dimensions["A"].width = 28
    xlsx.append(ws, xlsx.note_row(ws, _("换届提醒（%(d)s 导出）：任期届满前六个月起提醒，已届满的列为“已到期”。") % {
        "d": today.isoformat()}))
    xlsx.append(ws, xlsx.header_cells(ws, [_(c) for c in COLUMNS]))
    for org in rows:
        xlsx.append(ws, [
            org.name, org.get_kind_display(), org.area.name, org.secretary.name if org.secretary_id else "",
            xlsx.date_cell(ws, org.term_started_on), org.term_years, xlsx.date_cell(ws, org.term_end),
            _("已到期") if org.term_end < today else _("即将到期"),
        ])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
