"""Quarterly feedback sheet (社区向单位反馈在职党员表现) as Excel (.xlsx, openpyxl).

``member_workbook(member, year, quarter)``
    One sheet for one in-service member and one quarter.
``employer_workbook(org, members, year, quarter)``
    One workbook for an employer's party organization, one sheet per member.

A sheet: the header (member's name, employer, residence community, party organization,
quarter, report status), the member's reports, each service record of the quarter (date,
source in Chinese, hours, note), the quarter's total, the year to date (1 January to the
end of the quarter) against ``SERVICE_HOURS_TARGET``, and a row for the community's comment,
seal and signature.  Names appear (the sheet goes to the employer's party organization);
ID numbers and phone numbers never do.

The data of any number of members is read with a fixed number of queries
(``sheet_data``).  Who may download, and the audit record of each download, are the
views' business (``services.checkins.views``).
"""
from __future__ import annotations

import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import openpyxl
from django.db.models import Sum
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from dangjian import trees, xlsx
from dangjian.xlsx import HEADER_FILL, HEADER_FONT
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from services.checkins.models import MemberReport
from services.checkins.rules import hours_target, progress_percent, quarter_bounds
from services.checkins.selectors import ReportStatus
from services.ledger.models import ServiceRecord, ServiceSource

TITLE_FONT = Font(bold=True, size=14)
LABEL_FONT = Font(bold=True)
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
HOURS_FORMAT = "0.0"
WIDTHS = (22, 18, 16, 40)
SHEET_TITLE_MAX = 31
BAD_TITLE_CHARS = re.compile(r"[\[\]:*?/\\]")


@dataclass
class SheetData:
    member: object
    community_name: str = ""
    reports: list = field(default_factory=list)
    records: list = field(default_factory=list)
    year_to_date: Decimal = Decimal("0")

    @property
    def quarter_total(self) -> Decimal:
        return sum((r.hours for r in self.records), Decimal("0"))


def quarter_label(year: int, quarter: int) -> str:
    return _("%(year)d年第%(quarter)d季度") % {"year": year, "quarter": quarter}


def employer_name(member) -> str:
    if member.employer_org_id:
        return member.employer_org.name
    return member.employer or ""


def _residence_communities(members) -> dict:
    """``{member_id: community name}`` in one query (communities of the residences' trees)."""
    places = {m.pk: m.residence for m in members if m.residence_id}
    tree_set = {trees.span(a).tree for a in places.values()}
    communities = trees.Locator((s, name) for name, s in trees.with_spans(
        Area.objects.filter(trees.in_trees_q(tree_set), level=AreaLevel.COMMUNITY), "name"
    )) if tree_set else trees.Locator(())
    out = {}
    for member_id, area in places.items():
        name = communities.find(area)
        if name is not None:
            out[member_id] = name
    return out


def sheet_data(members, year: int, quarter: int) -> list[SheetData]:
    """Everything the sheets of ``members`` (``residence``, ``organization`` and
    ``employer_org`` loaded) need, in four queries whatever their number."""
    members = list(members)
    ids = [m.pk for m in members]
    start, end = quarter_bounds(year, quarter)
    reports, records = defaultdict(list), defaultdict(list)
    for report in MemberReport.objects.filter(member_id__in=ids, reported_on__lte=end).select_related(
            "community").order_by("reported_on", "pk"):
        reports[report.member_id].append(report)
    for rec in ServiceRecord.objects.filter(member_id__in=ids, occurred_on__gte=start, occurred_on__lte=end).order_by(
            "occurred_on", "pk"):
        records[rec.member_id].append(rec)
    ytd = dict(
        ServiceRecord.objects.filter(member_id__in=ids, occurred_on__gte=date(year, 1, 1), occurred_on__lte=end)
        .order_by().values("member_id").annotate(total=Sum("hours")).values_list("member_id", "total")
    ) if ids else {}
    communities = _residence_communities(members)
    return [
        SheetData(member=m, community_name=communities.get(m.pk, ""), reports=reports[m.pk], records=records[m.pk],
                  year_to_date=Decimal(ytd.get(m.pk) or 0))
        for m in members
    ]


def _status_at(data: SheetData, day: date) -> str:
    valid = [r for r in data.reports if r.reported_on <= day]
    if any(r.valid_until >= day for r in valid):
        return str(ReportStatus.VALID.label)
    return str(ReportStatus.EXPIRED.label if valid else ReportStatus.NEVER.label)


def _header(ws, row, labels):
    for col, label in enumerate(labels, start=1):
        cell = xlsx.put(ws, row, col, label)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.border = BOX


def _row(ws, row, values, *, formats=None):
    for col, value in enumerate(values, start=1):
        cell = xlsx.put(ws, row, col, value)
        cell.border = BOX
        if isinstance(value, date):
            cell.number_format = DATE_FORMAT
        if formats and col in formats:
            cell.number_format = formats[col]


def write_sheet(ws, data: SheetData, year: int, quarter: int) -> None:
    member = data.member
    start, end = quarter_bounds(year, quarter)
    sources = {value: str(label) for value, label in ServiceSource.choices}
    target = hours_target()
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width

    xlsx.put(ws, 1, 1, _("在职党员到社区报到服务情况反馈表")).font = TITLE_FONT
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    info = (
        (_("党员姓名"), member.name, _("工作单位"), employer_name(member)),
        (_("居住社区"), data.community_name, _("季度"), quarter_label(year, quarter)),
        (_("所在党组织"), member.organization.name, _("报到状态（季度末）"), _status_at(data, end)),
    )
    for offset, (l1, v1, l2, v2) in enumerate(info, start=2):
        _row(ws, offset, (l1, v1, l2, v2))
        ws.cell(row=offset, column=1).font = LABEL_FONT
        ws.cell(row=offset, column=3).font = LABEL_FONT

    row = 6
    xlsx.put(ws, row, 1, _("一、报到记录")).font = LABEL_FONT
    row += 1
    _header(ws, row, (_("报到社区"), _("报到日期"), _("有效期至"), _("特长与服务意向")))
    for report in data.reports:
        row += 1
        _row(ws, row, (report.community.name, report.reported_on, report.valid_until, report.skills))
    if not data.reports:
        row += 1
        xlsx.put(ws, row, 1, _("（尚未报到）"))

    row += 2
    xlsx.put(ws, row, 1, _("二、本季度服务记录（%(start)s至%(end)s）") % {
        "start": f"{start.month}月{start.day}日", "end": f"{end.month}月{end.day}日"}).font = LABEL_FONT
    row += 1
    _header(ws, row, (_("服务日期"), _("来源"), _("时长（小时）"), _("说明")))
    for rec in data.records:
        row += 1
        _row(ws, row, (rec.occurred_on, sources.get(rec.source, rec.source), rec.hours, rec.note),
             formats={3: HOURS_FORMAT})
    if not data.records:
        row += 1
        xlsx.put(ws, row, 1, _("（本季度无服务记录）"))
    row += 1
    _row(ws, row, (_("本季度合计"), "", data.quarter_total, ""), formats={3: HOURS_FORMAT})
    ws.cell(row=row, column=1).font = LABEL_FONT
    row += 1
    _row(ws, row, (
        _("年度累计（截至季度末）"), "", data.year_to_date,
        _("年度目标 %(target)s 小时，已完成 %(percent)d%%") % {
            "target": f"{target.normalize():f}", "percent": progress_percent(data.year_to_date, target)},
    ), formats={3: HOURS_FORMAT})
    ws.cell(row=row, column=1).font = LABEL_FONT

    row += 2
    xlsx.put(ws, row, 1, _("三、社区党组织评价意见")).font = LABEL_FONT
    row += 1
    ws.merge_cells(start_row=row, start_column=1, end_row=row + 2, end_column=4)
    ws.cell(row=row, column=1).border = BOX
    row += 4
    xlsx.put(ws, row, 1, _("社区党组织（盖章）："))
    xlsx.put(ws, row, 3, _("负责人签字："))
    row += 1
    xlsx.put(ws, row, 3, _("日期：    年  月  日"))


def sheet_title(member, used: set) -> str:
    base = BAD_TITLE_CHARS.sub("", member.name)[:SHEET_TITLE_MAX - 8] or _("党员")
    title = base
    if title in used:
        title = f"{base}-{member.pk}"[:SHEET_TITLE_MAX]
    used.add(title)
    return title


def member_workbook(member, year: int, quarter: int) -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    ws = wb.active
    (data,) = sheet_data([member], year, quarter)
    ws.title = sheet_title(member, set())
    write_sheet(ws, data, year, quarter)
    return wb


def employer_workbook(org, members, year: int, quarter: int) -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    first = wb.active
    used: set = set()
    rows = sheet_data(members, year, quarter)
    if not rows:
        first.title = _("说明")
        xlsx.put(first, 1, 1, _("%(org)s：%(quarter)s没有可反馈的报到党员。") % {
            "org": org.name, "quarter": quarter_label(year, quarter)})
        return wb
    wb.remove(first)
    for data in rows:
        ws = wb.create_sheet(sheet_title(data.member, used))
        write_sheet(ws, data, year, quarter)
    return wb


def workbook_bytes(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def member_filename(member, year, quarter) -> tuple[str, str]:
    name = _("%(name)s-%(year)d年第%(quarter)d季度服务反馈表") % {"name": member.name, "year": year, "quarter": quarter}
    return f"{name}.xlsx", f"member-{member.pk}-{year}Q{quarter}.xlsx"


def employer_filename(org, year, quarter) -> tuple[str, str]:
    name = _("%(name)s-%(year)d年第%(quarter)d季度在职党员反馈表") % {"name": org.name, "year": year, "quarter": quarter}
    return f"{name}.xlsx", f"employer-{org.pk}-{year}Q{quarter}.xlsx"


