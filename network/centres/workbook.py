"""The coverage table as an Excel workbook (``dangjian.xlsx``: text cells as text)."""
import io

import openpyxl

from dangjian import xlsx
from network.centres.choices import LEVELS, CentreLevel

HEADERS = (
    "区域", *[str(CentreLevel(level).label) for level in LEVELS], "中心（站）合计",
    "街道数", "有街道中心的街道", "无街道中心的街道", "社区数", "有社区站的社区", "无社区站的社区",
    "有面积标准的中心（站）", "面积达标的中心（站）", "面积达标率（%）",
)


def _row(name, f):
    share = f.meets_share
    return [
        name, *f.centres_by_level, f.active,
        f.streets, f.streets_served, f.streets_without, f.communities, f.communities_served, f.communities_without,
        f.judged, f.meets, float(share) if share is not None else None,
    ]


def coverage_workbook(report, today) -> bytes:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("阵地覆盖")
    xlsx.append(ws, xlsx.note_row(ws, f"{report.area.name} 党群服务中心（站）覆盖情况（在用的中心、站），{today:%Y-%m-%d} 导出"))
    xlsx.append(ws, xlsx.header_cells(ws, HEADERS))
    for child in report.children:
        xlsx.append(ws, _row(child.area.name, child.figures))
    xlsx.append(ws, _row(f"{report.area.name}（合计）", report.total))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def filename(area, today) -> str:
    return f"{area.name}-党群服务中心覆盖-{today:%Y%m%d}.xlsx"
