"""The branch's monthly dues sheet (党费收缴表) in Excel: the export, and the import of the same
sheet filled in (实交金额 and 交纳日期, or 免交原因, per member).

The import follows the house pattern of ``organizations.imports``: the upload's name, size
and type are checked, then the archive (``dangjian.spreadsheets.check_archive``) and every
worksheet's row count (streaming), then the sheet is parsed in a child process under a
memory cap (``run_isolated``; a branch's sheet is a few dozen rows, so in the request);
every row is validated against the ledger and each error reported with its line number;
nothing is written unless every row is valid (``actions.dues_month_import``, one
transaction).  Formula cells are refused, never evaluated; exported text is never a formula
(``dangjian.xlsx``)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from io import BytesIO

import openpyxl
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dangjian import burden, xlsx
from dangjian.errors import message_of
from dangjian.spreadsheets import FormulaText
from organizations.dues import actions, selectors
from organizations.dues.choices import MonthStatus, PaymentKind
from organizations.imports import tables
from organizations.imports.importers import ImportFileError

SHEET_TITLE = "党费收缴表"
MAX_ROWS = 2000
COLUMNS = (
    ("member_id", "党员编号"),
    ("name", "姓名"),
    ("category", "党员类别"),
    ("base", "税后月收入（元）"),
    ("month", "所属月份"),
    ("due", "应交金额（元）"),
    ("paid", "实交金额（元）"),
    ("paid_on", "交纳日期"),
    ("reason", "免交原因"),
    ("status", "当前状态"),
)
FILLED = ("paid", "paid_on", "reason")


def filename(org, month: date) -> str:
    return f"{org.name}-{month:%Y-%m}-党费收缴表.xlsx"


# --------------------------------------------------------------------------- export
def build_sheet(org, month: date, rows) -> bytes:
    """The sheet of ``rows`` (``selectors.month_rows``): one line a member, the month's
    payment filled in when recorded."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(_(SHEET_TITLE))
    ws.column_dimensions["B"].width = 12
    ws.column_dimensions["I"].width = 24
    xlsx.append(ws, xlsx.note_row(ws, _("%(org)s %(y)d年%(m)d月党费收缴表：请填写“实交金额”“交纳日期”，或“免交原因”；其余列请勿修改。") % {
        "org": org.name, "y": month.year, "m": month.month}))
    xlsx.append(ws, xlsx.header_cells(ws, [_(label) for _key, label in COLUMNS]))
    labels = dict(MonthStatus.choices)
    for row in rows:
        m, base, payment = row["member"], row["base"], row["payment"]
        xlsx.append(ws, [
            m.pk, m.name,
            base.get_category_display() if base else "",
            base.base if base else None,
            f"{month:%Y-%m}",
            (payment.amount_due if payment else base.monthly_amount) if (payment or base) else None,
            payment.amount_paid if payment and payment.kind != PaymentKind.EXEMPT else None,
            xlsx.date_cell(ws, payment.paid_on) if payment and payment.paid_on else None,
            payment.exempt_reason if payment else "",
            str(labels[row["status"]]),
        ])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- parsing
TABLE = tables.Table(title=SHEET_TITLE, columns=COLUMNS, anchor="member_id", required=("member_id", "name", "month", *FILLED),
                     max_rows=MAX_ROWS, name="收缴表", labels_hint="“党员编号”“姓名”",
                     too_many="工作表超过 %(limit)d 行，请只导入一个支部一个月的收缴表。")


# -------------------------------------------------------------------------- validating
@dataclass
class ImportOutcome:
    errors: list = field(default_factory=list)  # [{"row": n, "errors": [...]}]
    written: int = 0
    skipped: int = 0
    month: date | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _month(v):
    if isinstance(v, datetime | date):
        return date(v.year, v.month, 1)
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})月?", _text(v))
    if m and 1 <= int(m.group(2)) <= 12:
        return date(int(m.group(1)), int(m.group(2)), 1)
    return None


def _day(v):
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", _text(v))
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    return None


def _amount(v):
    if isinstance(v, float):
        v = repr(v)  # the text Excel stored, never float arithmetic
    try:
        amount = Decimal(_text(v))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def import_month(*, actor, org, upload, today: date) -> ImportOutcome:
    """Validate every row of the uploaded sheet, then write them all or nothing."""
    outcome = ImportOutcome()
    try:
        rows = tables.read(TABLE, upload)
    except ImportFileError as exc:
        outcome.errors.append({"row": None, "errors": [str(exc)]})
        return outcome
    members = selectors.dues_members_for(actor).filter(organization=org).only("pk", "name", "organization_id", "status", "joined_on")
    members = {m.pk: m for m in members}
    months = {_month(r.get("month")) for _n, r in rows} - {None}
    month = next(iter(months)) if len(months) == 1 else None
    if month is None:
        outcome.errors.append({"row": None, "errors": [_("“所属月份”应是同一个月（如 2026-11），一次导入一个月。")]})
        return outcome
    outcome.month = month
    book = selectors.BaseBook(list(members), until=month)
    recorded = {p.member_id: p for p in selectors.payments_for(actor).filter(member_id__in=list(members), month=month)}
    entries, paid_on, seen = {}, {}, {}
    cells = 0  # the typed (FILLED) non-blank cells of the rows written: the burden meter's import cells
    for number, r in rows:
        errs = []
        if any(isinstance(v, FormulaText) for v in r.values()):
            outcome.errors.append({"row": number, "errors": [_("单元格中有公式，请填写数值或文字，不要使用公式。")]})
            continue
        raw_id = _text(r.get("member_id"))
        member = members.get(int(raw_id)) if raw_id.isdigit() else None
        if member is None:
            outcome.errors.append({"row": number, "errors": [_("党员编号“%(v)s”不是本支部的党员。") % {"v": raw_id[:20]}]})
            continue
        if _text(r.get("name")) != member.name:
            errs.append(_("姓名与党员编号不符（编号 %(id)d 是“%(name)s”）。") % {"id": member.pk, "name": member.name})
        if member.pk in seen:
            errs.append(_("与第 %(row)d 行是同一名党员。") % {"row": seen[member.pk]})
        seen[member.pk] = number
        if _month(r.get("month")) != month:
            errs.append(_("所属月份不正确。"))
        paid_raw, reason = r.get("paid"), _text(r.get("reason"))
        has_paid = _text(paid_raw) != ""
        amount = _amount(paid_raw) if has_paid else None
        day = _day(r.get("paid_on")) if _text(r.get("paid_on")) else None
        if not has_paid and not reason:
            outcome.skipped += 1
            if errs:
                outcome.errors.append({"row": number, "errors": errs})
            continue
        if has_paid and reason:
            errs.append(_("“实交金额”和“免交原因”只能填一项。"))
        if has_paid and (amount is None or amount <= 0 or amount.as_tuple().exponent < -2):
            errs.append(_("实交金额“%(v)s”不是有效金额（大于 0，最多两位小数）。") % {"v": _text(paid_raw)[:20]})
        if has_paid and day is None:
            errs.append(_("请填写有效的交纳日期（如 2026-11-20）。"))
        if day is not None and day > today:
            errs.append(_("交纳日期不能晚于今天。"))
        if len(reason) > 200:
            errs.append(_("免交原因不能超过 200 个字。"))
        if book.for_month(member.pk, month) is None:
            errs.append(_("%(name)s 尚未申报该月适用的党费基数，请先申报。") % {"name": member.name})
        existing = recorded.get(member.pk)
        if existing is not None and not errs:
            same = (existing.kind == PaymentKind.EXEMPT and reason == existing.exempt_reason) or (
                existing.kind != PaymentKind.EXEMPT and has_paid and amount == existing.amount_paid)
            if same:
                outcome.skipped += 1
                continue
            errs.append(_("该月党费已登记（%(kind)s %(amount)s 元），不能重复登记；如需更正请先删除原记录。") % {
                "kind": existing.get_kind_display(), "amount": existing.amount_paid})
        if errs:
            outcome.errors.append({"row": number, "errors": errs})
            continue
        entries[member.pk] = [actions.MonthEntry(month, amount if has_paid else None, reason)]
        cells += sum(1 for key in FILLED if _text(r.get(key)))  # the export pre-fills the others
        if day is not None:
            paid_on[member.pk] = day
    if outcome.errors or not entries:
        if not outcome.errors:
            outcome.errors.append({"row": None, "errors": [_("文件中没有需要登记的党费（实交金额、免交原因都为空，或已登记）。")]})
        return outcome
    try:
        written = actions.dues_month_import(actor=actor, org=org, entries_by_member=entries, paid_on_by_member=paid_on)
    except ValidationError as exc:
        outcome.errors.append({"row": None, "errors": [message_of(exc)]})
        return outcome
    outcome.written = len(written)
    # the burden meter: the typed cells, once the import committed (dues_month_import's transaction)
    burden.typed(user=actor, count=cells, channel=burden.Channel.IMPORT, source="import:dues")
    return outcome
