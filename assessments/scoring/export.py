"""Excel export of a ranking table (the rows the user sees on ``/scores/``, all pages).

Written with openpyxl's write-only mode from ``.iterator()`` over one joined query, so the
number of queries and the memory do not grow with the number of subjects.  Scores carry no
personal data.
"""
from io import BytesIO

import openpyxl
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.scoring import periods
from dangjian import xlsx
from dangjian.xlsx import content_disposition

CHUNK = 2000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def headers() -> list[str]:
    return [_("考核对象"), _("所在区域"), _("上级区域"), _("得分"), _("满分"), _("得分率（%）"), _("星级"), _("同级排名"), _("同级总数")]


def write_ranking(dest, rows, *, rubric, period_key, parent=None) -> int:
    """Write the ranking rows to ``dest``; returns the number of subjects written."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(_("排名"))
    for letter, width in zip("ABCDEFGHI", (28, 20, 20, 10, 10, 12, 8, 10, 10), strict=True):
        ws.column_dimensions[letter].width = width
    title = f"{rubric.name}（第{rubric.version}版） · {periods.parse(period_key).label}"
    if parent is not None:
        title += f" · {parent.name}"
    xlsx.append(ws, [title])
    ws.append(xlsx.header_cells(ws, headers()))
    count = 0
    for score in rows.iterator(chunk_size=CHUNK):
        subject = score.org.name if score.org_id else score.area.name
        percent = round(float(score.total) * 100 / float(score.max_total), 1) if score.max_total else 0
        xlsx.append(ws, [
            subject, score.area.name, score.parent_area.name if score.parent_area_id else "",
            float(score.total), float(score.max_total), percent, score.stars, score.rank, score.rank_of,
        ])
        count += 1
    wb.save(dest)
    return count


def ranking_response(rows, *, rubric, period_key, parent=None) -> HttpResponse:
    buffer = BytesIO()
    write_ranking(buffer, rows, rubric=rubric, period_key=period_key, parent=parent)
    today = timezone.localdate()
    name = f"{rubric.name}-{period_key}-{today:%Y%m%d}.xlsx"
    ascii_name = f"scores-{rubric.code}-{period_key}-{today:%Y%m%d}.xlsx"
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition(name, ascii_name)
    return response
