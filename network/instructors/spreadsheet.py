"""The coverage table of 两新 organizations as an Excel sheet (``dangjian.xlsx``)."""
from io import BytesIO

import openpyxl

from dangjian import xlsx

COLUMNS = ("区域", "两新组织总数", "已建党组织", "已建党组织占比(%)", "仅有指导员", "仅有指导员占比(%)",
           "均未覆盖", "均未覆盖占比(%)", "党的工作覆盖率(%)")


def _line(label, f):
    def share(v):
        return float(v) if v is not None else None  # a number cell; the text shows one decimal
    return [label, f["total"], f["with_org"], share(f["with_org_share"]), f["instructor_only"],
            share(f["instructor_only_share"]), f["neither"], share(f["neither_share"]), share(f["covered_share"])]


def filename(area) -> str:
    return f"{area.name}-两新组织覆盖情况.xlsx"


def build_sheet(table) -> bytes:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("两新组织覆盖情况")
    xlsx.append(ws, xlsx.note_row(ws, f"{table['area'].name} 两新组织覆盖情况（非公企业、社会组织）"))
    xlsx.append(ws, xlsx.header_cells(ws, COLUMNS))
    for row in table["rows"]:
        xlsx.append(ws, _line(row["area"].name, row))
    xlsx.append(ws, _line("合计", table["total"]))
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
