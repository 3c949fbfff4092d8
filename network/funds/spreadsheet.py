"""A year's allocations (经费下拨表) in Excel: the export, and the import of the same sheet.

The import reads the sheet back through ``organizations.imports.tables`` (the upload checked,
parsed in an isolated child process) as the dues sheet does; formula cells are refused,
never evaluated; every row is validated and each error reported with its line number;
recipients are named by code and name (an organization's or a community's) within the
importer's subtree; nothing is written unless every row is valid (one transaction).  An
existing allocation (same year, purpose and recipient) is corrected, never below what has
been spent from it."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from io import BytesIO

import openpyxl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangjian import burden, xlsx
from dangjian.errors import message_of
from dangjian.spreadsheets import FormulaText
from network.funds import actions, permissions, selectors
from network.funds.choices import FundPurpose
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.imports import tables
from organizations.imports.importers import ImportFileError
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


TABLE = tables.Table(title=SHEET_TITLE, columns=COLUMNS, anchor="code", required=REQUIRED,
                     max_rows=MAX_ROWS, name="下拨表", labels_hint="“经费用途”“受拨编码”")


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
        rows = tables.read(TABLE, upload)
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


