"""A year's allocations (经费下拨表) in Excel: the export, and the import of the same sheet.

The import follows ``organizations.dues.spreadsheet``: the upload is checked (name, size,
type, archive, row counts), parsed in an isolated child process; formula cells are refused,
never evaluated; every row is validated and each error reported with its line number;
recipients are named by code and name (an organization's or a community's) within the
importer's subtree; nothing is written unless every row is valid (one transaction).  An
existing allocation (same year, purpose and recipient) is corrected, never below what has
been spent from it."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from io import BytesIO

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangjian import burden, spreadsheets, xlsx
from dangjian.errors import message_of
from dangjian.spreadsheets import FormulaText
from network.funds import actions, permissions, selectors
from network.funds.choices import FundPurpose
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.imports.importers import ImportFileError, check_upload_file, check_upload_meta
from organizations.orgs.models import PartyOrg

SHEET_TITLE = "经费下拨表"
MAX_ROWS = 5000
KIND_ORG, KIND_AREA = "党组织", "社区"
COLUMNS = (
    ("year", "年度"),
    ("purpose", "经费用途"),
    ("kind", "受拨类型"),
    ("code", "受拨编码"),
    ("name", "受拨名称"),
    ("amount", "下拨金额（元）"),
    ("spent", "已支出（元）"),
    ("balance", "余额（元）"),
    ("source", "经费来源"),
    ("note", "备注"),
)
HEADERS = {label: key for key, label in COLUMNS}
REQUIRED = ("purpose", "kind", "code", "name", "amount")
TYPED = ("purpose", "kind", "code", "name", "amount", "source", "note")


def filename(area, year: int) -> str:
    return f"{area.name}-{year}年经费下拨表.xlsx"


def build_sheet(area, year: int, allocations) -> bytes:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(_(SHEET_TITLE))
    for col, width in (("D", 16), ("E", 28), ("I", 20), ("J", 24)):
        ws.column_dimensions[col].width = width
    note = _("%(area)s %(y)d年经费下拨表：受拨类型填“党组织”或“社区”，受拨编码、名称须与系统一致；"
             "“已支出”“余额”两列导入时不读。") % {"area": area.name, "y": year}
    xlsx.append(ws, xlsx.note_row(ws, note))
    xlsx.append(ws, xlsx.header_cells(ws, [_(label) for _key, label in COLUMNS]))
    for a in allocations:
        recipient = a.org if a.org_id else a.area
        xlsx.append(ws, [a.year, a.get_purpose_display(), KIND_ORG if a.org_id else KIND_AREA, recipient.code,
                         recipient.name, a.amount, a.spent, a.amount - a.spent, a.source, a.note])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _value(cell):
    if cell.data_type == "f":
        return FormulaText(str(getattr(cell.value, "text", cell.value) or "")[:200])
    value = cell.value
    return value[:500] if isinstance(value, str) else value


def _key(text) -> str:
    return re.sub(r"\s", "", str(text or ""))


def parse(data: bytes) -> list[tuple[int, dict]]:
    """``[(Excel row number, {column: value})]`` (no database: runs in the isolated child)."""
    try:
        wb = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=False)
    except MemoryError:
        raise
    except Exception as exc:
        raise ImportFileError(_("无法读取文件：文件已损坏或不是 Excel（.xlsx）文件。")) from exc
    try:
        ws = next((w for w in wb.worksheets if w.title in (SHEET_TITLE, _(SHEET_TITLE))), None) or (wb.worksheets or [None])[0]
        if ws is None:
            raise ImportFileError(_("文件中没有工作表。"))
        ws.reset_dimensions()
        colmap, out = None, []
        for number, cells in enumerate(ws.iter_rows(max_col=len(COLUMNS) + 5), start=1):
            if number > MAX_ROWS:
                raise ImportFileError(_("工作表超过 %(limit)d 行。") % {"limit": MAX_ROWS})
            values = [_value(c) for c in cells]
            if colmap is None:
                found = {HEADERS[_key(v)]: i for i, v in enumerate(values) if _key(v) in HEADERS}
                if "code" in found:
                    missing = [label for key, label in COLUMNS if key in REQUIRED and key not in found]
                    if missing:
                        raise ImportFileError(_("文件缺少必需的列：%(cols)s。请使用导出的下拨表，不要修改列名。") % {"cols": "、".join(missing)})
                    colmap = found
                elif number >= 5:
                    break
                continue
            row = {key: (values[i] if i < len(values) else None) for key, i in colmap.items()}
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in row.values()):
                continue
            out.append((number, row))
    finally:
        wb.close()
    if colmap is None:
        raise ImportFileError(_("文件中找不到列名行（“经费用途”“受拨编码”……），请使用导出的下拨表。"))
    if not out:
        raise ImportFileError(_("文件中没有数据行。"))
    return out


def read(upload) -> list[tuple[int, dict]]:
    check_upload_meta(name=upload.name, size=upload.size, content_type=getattr(upload, "content_type", ""))
    check_upload_file(upload)
    try:
        spreadsheets.check_rows(upload, MAX_ROWS)
        upload.seek(0)
        data = upload.read()
        if not getattr(settings, "IMPORT_PARSE_ISOLATED", True):
            return parse(data)
        return spreadsheets.run_isolated(parse, data)
    except spreadsheets.SpreadsheetError as exc:
        raise ImportFileError(str(exc)) from None
    except spreadsheets.IsolatedFailure:
        raise ImportFileError(_("文件解析超时或超出内存上限，不能导入。")) from None


@dataclass
class ImportOutcome:
    errors: list = field(default_factory=list)  # [{"row": n, "errors": [...]}]
    created: int = 0
    updated: int = 0
    skipped: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _amount(v):
    if isinstance(v, float):
        v = repr(v)  # the text Excel stored, never float arithmetic
    try:
        amount = Decimal(_text(v).replace(",", ""))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def import_year(*, actor, year: int, upload) -> ImportOutcome:
    """Validate every row, then write them all or nothing."""
    outcome = ImportOutcome()
    if not permissions.can_allocate(actor):
        outcome.errors.append({"row": None, "errors": [_("只有区、街道党组织可以导入经费下拨。")]})
        return outcome
    try:
        rows = read(upload)
    except ImportFileError as exc:
        outcome.errors.append({"row": None, "errors": [str(exc)]})
        return outcome
    purposes = {str(label): value for value, label in FundPurpose.choices}
    org_codes = {_text(r.get("code")) for _n, r in rows if _text(r.get("kind")) == KIND_ORG}
    area_codes = {_text(r.get("code")) for _n, r in rows if _text(r.get("kind")) == KIND_AREA}
    orgs = {o.code: o for o in PartyOrg.objects.visible_to(actor).filter(code__in=org_codes).select_related("area")}
    areas = {a.code: a for a in Area.objects.visible_to(actor).filter(code__in=area_codes, level=AreaLevel.COMMUNITY)}
    existing = {}
    for a in selectors.allocations_for(actor).filter(year=year).filter(org__code__in=org_codes):
        existing[(a.purpose, "org", a.org_id)] = a
    for a in selectors.allocations_for(actor).filter(year=year).filter(area__code__in=area_codes):
        existing[(a.purpose, "area", a.area_id)] = a
    planned, seen, cells = [], {}, 0
    for number, r in rows:
        if any(isinstance(v, FormulaText) for v in r.values()):
            outcome.errors.append({"row": number, "errors": [_("单元格中有公式，请填写数值或文字，不要使用公式。")]})
            continue
        errs = []
        if _text(r.get("year")) and _text(r.get("year")) != str(year):
            errs.append(_("年度“%(v)s”与导入的年度 %(y)d 不符。") % {"v": _text(r.get("year"))[:10], "y": year})
        purpose = purposes.get(_text(r.get("purpose")))
        if purpose is None:
            errs.append(_("经费用途“%(v)s”无效，应为：%(all)s。") % {"v": _text(r.get("purpose"))[:30],
                                                               "all": "、".join(purposes)})
        kind, code, name = _text(r.get("kind")), _text(r.get("code")), _text(r.get("name"))
        org = area = None
        if kind == KIND_ORG:
            org = orgs.get(code)
            if org is None:
                errs.append(_("受拨编码“%(v)s”不是您管辖范围内的党组织。") % {"v": code[:32]})
        elif kind == KIND_AREA:
            area = areas.get(code)
            if area is None:
                errs.append(_("受拨编码“%(v)s”不是您管辖范围内的社区。") % {"v": code[:32]})
        else:
            errs.append(_("受拨类型应为“党组织”或“社区”。"))
        recipient = org or area
        if recipient is not None and name != recipient.name:
            errs.append(_("受拨名称与编码不符（编码 %(code)s 是“%(name)s”）。") % {"code": code, "name": recipient.name})
        amount = _amount(r.get("amount"))
        if amount is None or amount <= 0 or amount.as_tuple().exponent < -2:
            errs.append(_("下拨金额“%(v)s”不是有效金额（大于 0，最多两位小数）。") % {"v": _text(r.get("amount"))[:20]})
            amount = None
        if recipient is not None and purpose is not None and amount is not None:
            key = (purpose, "org" if org else "area", recipient.pk)
            if key in seen:
                errs.append(_("与第 %(row)d 行是同一对象的同一项经费。") % {"row": seen[key]})
            seen[key] = number
            more = actions.check_allocation(actor, year=year, purpose=purpose, org=org, area=area, amount=amount)
            errs += [str(m) for m in more.values()]
            current = existing.get(key)
            if current is not None and amount < current.spent:
                errs.append(_("这笔经费已支出 %(spent)s 元，下拨金额不能低于已支出金额。") % {"spent": f"{current.spent:,.2f}"})
        if errs:
            outcome.errors.append({"row": number, "errors": errs})
            continue
        planned.append((existing.get(key), dict(year=year, purpose=purpose, org=org, area=area, amount=amount,
                                                 source=_text(r.get("source"))[:120], note=_text(r.get("note"))[:500])))
        cells += sum(1 for k in TYPED if _text(r.get(k)))
    if outcome.errors:
        return outcome
    try:
        with transaction.atomic():
            for current, values in planned:
                if current is not None and all(getattr(current, k) == v for k, v in values.items()):
                    outcome.skipped += 1
                    continue
                actions.allocation_save(actor=actor, allocation=current, **values)
                if current is None:
                    outcome.created += 1
                else:
                    outcome.updated += 1
    except ValidationError as exc:
        return ImportOutcome(errors=[{"row": None, "errors": [message_of(exc)]}])
    burden.typed(user=actor, count=cells, channel=burden.Channel.IMPORT, source="import:funds")
    return outcome


