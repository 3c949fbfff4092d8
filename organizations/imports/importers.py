"""Excel (.xlsx) import of the territory tree and of the member roster.

One code path serves the browser (an ``ImportJob`` run by the Celery task
``organizations.tasks.run_import``) and the management commands:

1. ``read_sheet`` checks the archive (part sizes and compression ratios, every sheet's row
   count, streaming: ``dangjian.spreadsheets``), then parses the workbook with openpyxl in a
   child process that exits afterwards (memory cap, time limit), finds the header row and
   returns the data rows with their Excel row numbers (a file that is not an .xlsx, is too
   large, unpacks too large or lacks required columns raises ``ImportFileError``: one clear
   error, nothing written).  Formula cells are read as their text and refused per row.
   The web request only runs ``check_upload_meta`` and ``check_upload_file`` (the zip's
   central directory); all parsing happens in the Celery task;
2. ``validate_areas`` / ``validate_members`` check the *whole* file, every row, against the
   database and the importer's scope, with a constant number of queries per chunk of
   codes; every bad row is reported with its Excel row number and its Chinese reasons;
3. only when no row is bad, ``write_areas`` / ``write_members`` write everything in one
   transaction (areas: tree lock, new nodes numbered in memory, gaps opened set-based under
   existing parents — never a rebuild of a whole tree —, bulk insert;
   members: ``bulk_create`` in batches) and record one audit event.

The importer's scope is ``dangjian.scoping.get_scope(actor)``; ``actor=None`` is the
*system* importer of the management commands (no ``--user``): global scope.
Out-of-scope parents, organizations and residences are reported exactly like missing
ones, so an import never reveals what exists outside the importer's subtree.

Column headers are a file-format contract: the canonical Chinese header (the gettext
msgid) is always accepted, as is its translation in the active language.
"""
from __future__ import annotations

import logging
import os
import re
import secrets
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from dangjian import burden, jobs, spreadsheets, trees, xlsx
from dangjian.audit import record
from dangjian.crypto import keyed_hash
from dangjian.privacy import is_valid_id_number, is_valid_mobile
from dangjian.scoping import Scope, get_scope
from dangjian.spreadsheets import FormulaText
from dangjian.trees import lock_tree_writes
from dangjian.xlsx import HEADER_FILL, HEADER_FONT
from organizations.areas.choices import AreaLevel, BuildingUse
from organizations.areas.models import Area
from organizations.grants.choices import MANAGE_ROLES
from organizations.imports.choices import FINISHED_IMPORT_STATUSES, IMPORT_ROLES, ImportKind, ImportStatus
from organizations.imports.models import ImportJob
from organizations.members import places
from organizations.members import selectors as members_selectors
from organizations.members.actions import duplicate_id_number_message
from organizations.members.choices import Education, Ethnicity, Gender, MemberStatus, Occupation, OrgRole
from organizations.members.models import Member
from organizations.orgs.models import PartyOrg

log = logging.getLogger(__name__)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Browsers and operating systems label .xlsx uploads inconsistently; the real check is
# that openpyxl can open the file.  Anything else (text, images, PDF …) is refused.
ACCEPTED_CONTENT_TYPES = frozenset({
    XLSX_CONTENT_TYPE,
    "application/octet-stream",
    "application/zip",
    "application/x-zip-compressed",
    "application/vnd.ms-excel",
    "",
})
MAX_COLUMNS = 64             # columns read per row (the templates have 7 and 13)
MAX_CELL_CHARS = 1000        # longer text is cut (every column's limit is lower)
HEADER_SCAN_ROWS = 10        # the header row may follow a few title or note rows
PROGRESS_EVERY = 200         # rows between two progress updates of the job row
LOOKUP_CHUNK = 500           # codes per IN (...) look-up (SQLite's variable limit)
WRITE_BATCH = 500            # rows per bulk INSERT
DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
SYSTEM_SCOPE = Scope(user_id=None, is_global=True)

Progress = Callable[[int, int, str], None]


class ImportFileError(Exception):
    """The file as a whole cannot be imported (wrong type, too large, no header row)."""


class ImportPermissionError(Exception):
    """The actor holds no role that may import."""


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", 100_000))


def max_sheet_rows() -> int:
    """Rows of the data sheet, blank ones included (the data rows' cap plus room for
    a few blank or note rows)."""
    return int(getattr(settings, "IMPORT_MAX_SHEET_ROWS", max_rows() + 10_000))


# ------------------------------------------------------------------------ columns
@dataclass(frozen=True)
class Column:
    key: str
    header: str                  # canonical Chinese header (gettext msgid)
    help: str                    # explanation for the "填写说明" sheet (msgid)
    required: bool = False       # a value is required in every row
    header_required: bool = False  # the column itself must be present
    choices: Callable[[], list[str]] | None = None
    example: str = ""
    width: int = 16

    @property
    def label(self) -> str:
        return _(self.header)

    @property
    def help_text(self) -> str:
        return _(self.help)

    @property
    def allowed(self) -> str:
        return "、".join(self.choices()) if self.choices else ""


def _labels(choices_cls) -> Callable[[], list[str]]:
    return lambda: [str(label) for _value, label in choices_cls.choices]


def _yes_no() -> list[str]:
    return [_("是"), _("否")]


AREA_COLUMNS = (
    Column("parent_code", gettext_noop("上级编码"), gettext_noop(
        "上级区域的编码：可以是系统中已有、且在您管辖范围内的区域，也可以是本文件中另一行的编码（先后顺序不限）。"
        "留空表示顶级区域（市或区），只有系统管理员可以导入顶级区域。"
    ), header_required=True, example="210602", width=14),
    Column("code", gettext_noop("编码"), gettext_noop(
        "区域编码，全局唯一，最长32个字符，可用行政区划代码或自定义编码；不能与文件中其他行或系统中已有区域重复。"
    ), required=True, header_required=True, example="210602001001", width=16),
    Column("name", gettext_noop("名称"), gettext_noop(
        "区域名称，最长100个字符；同一上级区域下名称不能重复。"
    ), required=True, header_required=True, example="兴东社区", width=20),
    Column("level", gettext_noop("层级"), gettext_noop(
        "只能填写“可填写的值”中的一项，且必须比上级区域层级更低；单元只能建在楼栋之下。"
    ), required=True, header_required=True, choices=_labels(AreaLevel), example="社区", width=10),
    Column("address", gettext_noop("地址"), gettext_noop("可选，最长200个字符。"), example="兴东街道振兴路1号", width=28),
    Column("households", gettext_noop("户数"), gettext_noop(
        "可选，楼栋/单元的住户数，填写不小于0的整数；留空记为0。"
    ), example="24", width=8),
    Column("building_use", gettext_noop("楼栋用途"), gettext_noop(
        "可选，只有楼栋和单元可以填写，只能填写“可填写的值”中的一项。"
    ), choices=_labels(BuildingUse), example="住宅楼", width=12),
)

MEMBER_COLUMNS = (
    Column("name", gettext_noop("姓名"), gettext_noop("必填，最长50个字符。"),
           required=True, header_required=True, example="张三", width=10),
    Column("gender", gettext_noop("性别"), gettext_noop("必填，只能填写“可填写的值”中的一项。"),
           required=True, header_required=True, choices=_labels(Gender), example="男", width=6),
    Column("birth_date", gettext_noop("出生日期"), gettext_noop(
        "可选，Excel日期或文本，如 2020-01-05、2020/1/5、2020年1月5日；须与身份证号中的出生日期一致。"
    ), example="1980-01-01", width=12),
    Column("joined_on", gettext_noop("入党日期"), gettext_noop(
        "可选（政治生日），日期格式同上；不能晚于今天，入党时须年满18周岁。"
    ), example="2005-07-01", width=12),
    Column("full_member_on", gettext_noop("转正日期"), gettext_noop(
        "可选，日期格式同上；不能早于入党日期；预备党员不填。"
    ), example="2006-07-01", width=12),
    Column("status", gettext_noop("党员状态"), gettext_noop("必填，只能填写“可填写的值”中的一项。"),
           required=True, header_required=True, choices=_labels(MemberStatus), example="正式党员", width=10),
    Column("org_code", gettext_noop("所在党组织编码"), gettext_noop(
        "必填，组织关系所在党组织的编码，须在您的管辖范围内。"
    ), required=True, header_required=True, example="O000123", width=16),
    Column("org_role", gettext_noop("组织内职务"), gettext_noop("可选，只能填写“可填写的值”中的一项；留空记为党员。"),
           choices=_labels(OrgRole), example="党员", width=10),
    Column("residence_code", gettext_noop("居住楼栋编码"), gettext_noop(
        "可选，居住的楼栋或单元的区域编码，须在您的管辖范围内。"
    ), example="B00001", width=14),
    Column("in_service", gettext_noop("是否在职党员"), gettext_noop("可选，填写“是”或“否”；留空记为否。"),
           choices=_yes_no, example="否", width=12),
    Column("employer", gettext_noop("工作单位"), gettext_noop("可选，最长120个字符。"), example="", width=20),
    Column("ethnicity", gettext_noop("民族"), gettext_noop(
        "可选，只能填写“可填写的值”中的一项（GB/T 3304 民族名称）；留空为未填写。"
    ), choices=_labels(Ethnicity), example="汉族", width=8),
    Column("education", gettext_noop("学历"), gettext_noop(
        "可选，只能填写“可填写的值”中的一项（党内统计学历口径）；留空为未填写。"
    ), choices=_labels(Education), example="大学本科", width=12),
    Column("occupation", gettext_noop("职业类别"), gettext_noop(
        "可选，只能填写“可填写的值”中的一项（党内统计职业类别）；留空为未填写。"
    ), choices=_labels(Occupation), example="专业技术人员", width=14),
    Column("phone", gettext_noop("手机号"), gettext_noop("可选，11位手机号码。保存时加密。"),
           example="13900000000", width=14),
    Column("id_number", gettext_noop("身份证号"), gettext_noop(
        "可选，18位居民身份证号码（请将单元格设为文本格式，避免末尾数字丢失）；不能与其他党员重复。保存时加密。"
    ), example="", width=20),
)

COLUMNS = {ImportKind.AREAS: AREA_COLUMNS, ImportKind.MEMBERS: MEMBER_COLUMNS}
SHEET_TITLES = {ImportKind.AREAS: gettext_noop("区域树"), ImportKind.MEMBERS: gettext_noop("党员名册")}
HELP_SHEET_TITLE = gettext_noop("填写说明")


def columns_for(kind: str) -> tuple[Column, ...]:
    try:
        return COLUMNS[kind]
    except KeyError:
        raise ImportFileError(_("未知的导入类型。")) from None


# ----------------------------------------------------------------------- template
REQUIRED_FILL = PatternFill("solid", fgColor="9E0C24")


def build_template(kind: str) -> bytes:
    """The downloadable template: a data sheet with the headers, and a "填写说明" sheet."""
    cols = columns_for(kind)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = _(SHEET_TITLES[kind])
    for index, col in enumerate(cols, start=1):
        cell = xlsx.put(ws, 1, index, col.label)
        cell.font = HEADER_FONT
        cell.fill = REQUIRED_FILL if col.required else HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
        letter = cell.column_letter
        ws.column_dimensions[letter].width = col.width
        if col.choices:
            values = ",".join(col.choices())
            dv = DataValidation(type="list", formula1=f'"{values}"', allow_blank=not col.required)
            dv.error = _("请从下拉列表中选择。")
            dv.errorTitle = col.label
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}10000")
        if col.key in ("code", "parent_code", "org_code", "residence_code", "phone", "id_number"):
            for row in range(2, 1002):  # text format keeps leading zeros and the 18 digits
                ws.cell(row=row, column=index).number_format = "@"
    ws.freeze_panes = "A2"

    help_ws = wb.create_sheet(_(HELP_SHEET_TITLE))
    help_ws.column_dimensions["A"].width = 16
    help_ws.column_dimensions["B"].width = 10
    help_ws.column_dimensions["C"].width = 70
    help_ws.column_dimensions["D"].width = 30
    help_ws.column_dimensions["E"].width = 18
    notes = [
        _("填写说明"),
        _("1. 请在第一个工作表填写数据：第一行是列名，请勿修改；从第二行起每行一条记录。"),
        _("2. 整个文件校验通过后才会写入；只要有一行有错，就不会导入任何数据，并列出每个错误所在的行号和原因。"),
        _("3. 深红色表头的列为必填列。"),
    ]
    if kind == ImportKind.MEMBERS:
        notes.append(_("4. 手机号和身份证号属于个人敏感信息，导入后加密保存，页面和导出文件中均脱敏显示。"))
    else:
        notes.append(_("4. 上级编码可以引用本文件中的其他行，先后顺序不限；层级只能逐级向下（楼宇可直接建在社区之下）。"))
    for line in notes:
        xlsx.append(help_ws, [line])
    help_ws["A1"].font = Font(bold=True, size=14)
    help_ws.append([])
    header_row = help_ws.max_row + 1
    xlsx.append(help_ws, [_("列名"), _("是否必填"), _("说明"), _("可填写的值"), _("示例")])
    for cell in help_ws[header_row]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for col in cols:
        xlsx.append(help_ws, [
            col.label,
            _("必填") if col.required else _("可选"),
            col.help_text,
            col.allowed,
            col.example,
        ])
    for row in help_ws.iter_rows(min_row=header_row + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


# --------------------------------------------------------------------- reading files
@dataclass
class Sheet:
    kind: str
    rows: list[tuple[int, dict]]     # (Excel row number, column key → raw cell value)


def _header_key(value) -> str:
    """Normalise a header cell: no spaces or required-markers, no parenthesised note."""
    text = "" if value is None else str(value)
    text = re.sub(r"[（(].*?[)）]", "", text)
    return "".join(ch for ch in text if not ch.isspace() and ch not in "*＊")


def _header_lookup(cols) -> dict[str, str]:
    lookup = {}
    for col in cols:
        lookup[_header_key(col.header)] = col.key
        lookup[_header_key(_(col.header))] = col.key
    return lookup


def size_text(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1048576:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1048576:.1f} MB"


def check_upload_meta(*, name: str, size: int, content_type: str = "") -> None:
    """Refuse by extension, size and declared type before opening anything."""
    if not (name or "").lower().endswith(".xlsx"):
        raise ImportFileError(_("只能导入 Excel 2007 及以上版本的 .xlsx 文件，请使用导入模板。"))
    if size <= 0:
        raise ImportFileError(_("文件是空的。"))
    limit = settings.IMPORT_MAX_BYTES
    if size > limit:
        raise ImportFileError(
            _("文件过大（%(size)s），上限为 %(limit)s，请拆分后分批导入。")
            % {"size": size_text(size), "limit": size_text(limit)}
        )
    if (content_type or "").split(";")[0].strip().lower() not in ACCEPTED_CONTENT_TYPES:
        raise ImportFileError(_("文件类型不是 Excel（.xlsx），请使用导入模板。"))


def check_upload_file(fileobj) -> None:
    """What the web request checks of an upload's content: a zip that looks like an .xlsx,
    whose parts are not a zip bomb (``dangjian.spreadsheets.check_archive``: the central
    directory only, nothing is inflated or parsed).  Everything else is the worker's."""
    try:
        fileobj.seek(0)
        if not zipfile.is_zipfile(fileobj):
            raise ImportFileError(_("无法读取文件：这不是 Excel（.xlsx）文件。"))
        spreadsheets.check_archive(fileobj)
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
    except spreadsheets.SpreadsheetError as exc:
        raise ImportFileError(str(exc)) from None
    except zipfile.BadZipFile:
        raise ImportFileError(_("无法读取文件：文件已损坏或不是 Excel（.xlsx）文件。")) from None
    finally:
        fileobj.seek(0)
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise ImportFileError(_("无法读取文件：文件已损坏或不是 Excel（.xlsx）文件。"))


def _open_workbook(data: bytes):
    try:
        return openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=False)
    except MemoryError:
        raise
    except Exception as exc:  # openpyxl raises many kinds of errors for a broken file
        raise ImportFileError(_("无法读取文件：文件已损坏或不是 Excel（.xlsx）文件。")) from exc


def _data_sheet(wb, kind):
    wanted = {SHEET_TITLES[kind], _(SHEET_TITLES[kind])}
    for ws in wb.worksheets:
        if ws.title in wanted:
            return ws
    if not wb.worksheets:
        raise ImportFileError(_("文件中没有工作表。"))
    return wb.worksheets[0]


def _find_header(rows_iter, cols) -> tuple[int, dict[str, int]]:
    lookup = _header_lookup(cols)
    scanned = []
    for number, values in enumerate(rows_iter, start=1):
        if number > HEADER_SCAN_ROWS:
            break
        scanned.append(values or ())
        found: dict[str, int] = {}
        for index, value in enumerate(values or ()):
            key = lookup.get(_header_key(value))
            if key is None:
                continue
            if key in found:
                raise ImportFileError(
                    _("第 %(row)d 行的列名“%(name)s”出现了两次，请使用导入模板。")
                    % {"row": number, "name": str(value).strip()}
                )
            found[key] = index
        if found:
            missing = [c.label for c in cols if c.header_required and c.key not in found]
            if missing:
                raise ImportFileError(
                    _("文件缺少必需的列：%(cols)s。请使用导入模板，不要修改列名。") % {"cols": "、".join(missing)}
                )
            return number, found
    for kind, other in COLUMNS.items():  # a file meant for the other import page?
        if other is cols:
            continue
        required = {c.key for c in other if c.header_required}
        other_lookup = _header_lookup(other)
        for values in scanned:
            if required <= {other_lookup.get(_header_key(v)) for v in values}:
                raise ImportFileError(
                    _("文件的列与“%(kind)s”导入模板一致，请到导入%(kind)s的页面上传。") % {"kind": ImportKind(kind).label}
                )
    raise ImportFileError(_("文件中找不到列名行（如“%(sample)s”），请使用导入模板。") % {
        "sample": "、".join(c.label for c in cols if c.header_required)
    })


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell_value(cell):
    """A cell's value as the importer reads it: a formula is its literal text, marked
    (``FormulaText``, refused per row), never a computed value; over-long text is cut
    (every column's limit is far below, so the row is still refused for its length)."""
    value = cell.value
    if cell.data_type == "f":
        return FormulaText(str(getattr(value, "text", value) or "")[:MAX_CELL_CHARS])
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        return value[:MAX_CELL_CHARS]
    return value


def _counted_rows(ws, cap: int):
    """The sheet's rows as value tuples (at most ``MAX_COLUMNS`` wide), refusing row
    ``cap + 1``: blank rows count too, however they are written."""
    for number, cells in enumerate(ws.iter_rows(max_col=MAX_COLUMNS), start=1):
        if number > cap:
            raise ImportFileError(_too_many_rows(cap))
        yield tuple(_cell_value(c) for c in cells)


def _too_many_rows(cap: int) -> str:
    return _("工作表超过 %(limit)d 行（空行也计算在内），请删除多余的空行或拆分后分批导入。") % {"limit": cap}


def parse_sheet(data: bytes, kind: str) -> Sheet:
    """Parse the workbook's data sheet (raises ``ImportFileError``).  Runs in the isolated
    child (``read_sheet``): it must not touch the database."""
    cols = columns_for(kind)
    wb = _open_workbook(data)
    try:
        ws = _data_sheet(wb, kind)
        try:
            ws.reset_dimensions()  # some generators write a wrong <dimension>; read every row
            rows_iter = _counted_rows(ws, max_sheet_rows())
            header_row, colmap = _find_header(rows_iter, cols)
            rows: list[tuple[int, dict]] = []
            limit = max_rows()
            for number, values in enumerate(rows_iter, start=header_row + 1):
                data_row = {key: (values[i] if i < len(values) else None) for key, i in colmap.items()}
                if all(_blank(v) for v in data_row.values()):
                    continue
                rows.append((number, data_row))
                if len(rows) > limit:
                    raise ImportFileError(
                        _("文件超过 %(limit)d 行数据，请拆分后分批导入。") % {"limit": limit}
                    )
        except (ImportFileError, MemoryError):
            raise
        except Exception as exc:
            raise ImportFileError(_("无法读取文件：工作表内容已损坏。")) from exc
    finally:
        wb.close()
    if not rows:
        raise ImportFileError(_("文件中没有数据行。"))
    return Sheet(kind=kind, rows=rows)


def read_sheet(fileobj, kind: str) -> Sheet:
    """Check the file (``check_upload_file``, then every worksheet's row count, streaming),
    then parse it in a child process that exits afterwards, under a memory cap and a time
    limit (``dangjian.spreadsheets``).  Raises ``ImportFileError``."""
    columns_for(kind)
    check_upload_file(fileobj)
    try:
        spreadsheets.check_rows(fileobj, max_sheet_rows())
        fileobj.seek(0)
        data = fileobj.read()
        if not getattr(settings, "IMPORT_PARSE_ISOLATED", True):
            return parse_sheet(data, kind)
        return spreadsheets.run_isolated(parse_sheet, data, kind)
    except spreadsheets.SpreadsheetError as exc:
        raise ImportFileError(str(exc)) from None
    except spreadsheets.IsolatedFailure as exc:
        log.warning("import parsing refused: %s", exc)
        if exc.reason == "timeout":
            raise ImportFileError(_("文件解析超时，不能导入；请删除多余的内容或拆分后分批导入。")) from None
        raise ImportFileError(_("文件解析时超出内存上限，不能导入；请删除多余的内容或拆分后分批导入。")) from None
    finally:
        fileobj.seek(0)


# --------------------------------------------------------------------- cell parsing
def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    return str(value).strip()


def _choice_map(choices_cls) -> dict[str, object]:
    """Label → value, for the canonical Chinese labels and the active language's."""
    out = {}
    for lang in (settings.LANGUAGE_CODE, translation.get_language()):
        with translation.override(lang):
            for value, label in choices_cls.choices:
                out[str(label)] = value
    return out


class _Row:
    """One data row being validated: parsed values plus its list of reasons."""

    def __init__(self, number: int, raw: dict):
        self.number = number
        self.raw = raw
        self.errors: list[str] = []

    def error(self, message: str) -> None:
        if message not in self.errors:
            self.errors.append(message)

    def text(self, col: Column, max_length: int | None = None) -> str:
        value = _text(self.raw.get(col.key))
        if not value and col.required:
            self.error(_("%(col)s不能为空") % {"col": col.label})
        if max_length and len(value) > max_length:
            self.error(_("%(col)s不能超过%(n)d个字符") % {"col": col.label, "n": max_length})
        return value

    def choice(self, col: Column, mapping: dict, default=None):
        value = self.text(col)
        if not value:
            return default
        if value not in mapping:
            self.error(
                _("%(col)s“%(value)s”无效，只能填写：%(allowed)s")
                % {"col": col.label, "value": value, "allowed": "、".join(col.choices())}
            )
            return None
        return mapping[value]

    def date(self, col: Column) -> date | None:
        raw = self.raw.get(col.key)
        if _blank(raw):
            if col.required:
                self.error(_("%(col)s不能为空") % {"col": col.label})
            return None
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        text = _text(raw)
        match = DATE_RE.match(text)
        if match:
            try:
                return date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                pass
        self.error(
            _("%(col)s“%(value)s”不是有效日期，请填写如 2020-01-05、2020/1/5 或 2020年1月5日")
            % {"col": col.label, "value": text}
        )
        return None


def _rows(sheet: Sheet, row_class, cols) -> list:
    """The sheet's rows to validate; a formula cell is refused in its row (its literal text
    is kept for the other checks, its value is never computed)."""
    labels = {col.key: col.label for col in cols}
    rows = []
    for number, raw in sheet.rows:
        row = row_class(number, raw)
        for key, value in raw.items():
            if isinstance(value, FormulaText):
                row.error(_("%(col)s是公式（%(formula)s），导入不计算公式；请改为直接填写的数值或文本") % {
                    "col": labels[key], "formula": value[:40]})
        rows.append(row)
    return rows


def _chunks(items, size=LOOKUP_CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _scope_for(actor) -> Scope:
    """The importer's grants; ``None`` is the system importer with global scope."""
    return SYSTEM_SCOPE if actor is None else get_scope(actor)


def _reporter(progress: Progress | None, total: int, phase: str):
    def report(done: int, *, force: bool = False) -> None:
        if progress is not None and (force or done % PROGRESS_EVERY == 0):
            progress(done, total, phase)
    return report


def _flatten(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [m for messages in exc.message_dict.values() for m in messages]
    return list(exc.messages)


def _error_list(rows) -> list[dict]:
    return [{"row": r.number, "errors": list(r.errors)} for r in rows if r.errors]


# --------------------------------------------------------------------------- areas
class _AreaRow(_Row):
    anchor: _AreaRow | None = None
    parent_code = code = name = address = building_use = ""
    level: int | None = None
    households = 0
    parent_db: Area | None = None
    parent_file: _AreaRow | None = None
    is_root = False
    in_cycle = False
    depth_in_file = 0


def _parse_area(row: _AreaRow, cols, levels, uses) -> None:
    c = {col.key: col for col in cols}
    row.parent_code = row.text(c["parent_code"], 32)
    row.code = row.text(c["code"], 32)
    row.name = row.text(c["name"], 100)
    row.level = row.choice(c["level"], levels)
    row.address = row.text(c["address"], 200)
    households = row.raw.get("households")
    if _blank(households):
        row.households = 0
    else:
        text = _text(households)
        if text.isdigit():
            row.households = int(text)
            if row.households > 2_147_483_647:
                row.error(_("户数过大"))
        else:
            row.error(_("户数“%(value)s”必须是不小于0的整数") % {"value": text})
    row.building_use = row.choice(c["building_use"], uses, default="") or ""


def _area_rule_errors(level, building_use, parent, *, name="", code="") -> list[str]:
    """The level rules of ``Area.clean`` for a row, against a saved or a file parent."""
    probe = Area(name=name, code=code, level=level, building_use=building_use)
    if parent is not None:
        probe.parent = parent
    try:
        probe.clean()
    except ValidationError as exc:
        return _flatten(exc)
    return []


def _transient_parent(row: _AreaRow) -> Area:
    # An unsaved stand-in for a parent defined in the file; the negative primary key makes
    # Area.clean treat it as a parent without ever touching the database.
    parent = Area(name=row.name, code=row.code, level=row.level)
    parent.pk = -row.number
    return parent


def validate_areas(sheet: Sheet, *, actor, progress: Progress | None = None) -> tuple[list[_AreaRow], list[dict]]:
    cols = AREA_COLUMNS
    scope = _scope_for(actor)
    levels = _choice_map(AreaLevel)
    uses = _choice_map(BuildingUse)
    rows = _rows(sheet, _AreaRow, cols)
    total = len(rows)
    report = _reporter(progress, total, "validating")
    report(0, force=True)

    by_code: dict[str, _AreaRow] = {}
    for row in rows:
        _parse_area(row, cols, levels, uses)
        if row.code:
            first = by_code.get(row.code)
            if first is None:
                by_code[row.code] = row
            else:
                row.error(_("编码“%(code)s”与第 %(row)d 行重复") % {"code": row.code, "row": first.number})

    # Database look-ups: a constant number of queries per chunk of codes.
    existing_codes = set()
    for chunk in _chunks(by_code):
        existing_codes.update(Area.objects.filter(code__in=chunk).values_list("code", flat=True))
    outside_codes = {r.parent_code for r in rows if r.parent_code and r.parent_code not in by_code}
    parents: dict[str, Area] = {}
    for chunk in _chunks(outside_codes):
        for area in Area.objects.filter(code__in=chunk).only("pk", "code", "name", "level", "tree_id", "lft", "rght"):
            if scope.covers_area(area, MANAGE_ROLES):
                parents[area.code] = area
    sibling_names: set[tuple[int, str]] = set()
    for chunk in _chunks({p.pk for p in parents.values()}):
        sibling_names.update(Area.objects.filter(parent_id__in=chunk).values_list("parent_id", "name"))
    root_names = {r.name for r in rows if not r.parent_code and r.name}
    existing_roots = set()
    for chunk in _chunks(root_names):
        existing_roots.update(Area.objects.filter(parent__isnull=True, name__in=chunk).values_list("name", flat=True))

    # Resolve every parent reference.
    for row in rows:
        if row.code and row.code in existing_codes and by_code.get(row.code) is row:
            row.error(_("编码“%(code)s”已被系统中的其他区域使用") % {"code": row.code})
        if not row.parent_code:
            row.is_root = True
            if not scope.is_global:
                row.error(_("上级编码不能为空：只有系统管理员可以导入顶级区域"))
        elif row.parent_code == row.code:
            row.error(_("上级编码不能与本行编码相同"))
        elif row.parent_code in by_code:
            row.parent_file = by_code[row.parent_code]
        elif row.parent_code in parents:
            row.parent_db = parents[row.parent_code]
        else:
            row.error(_("上级编码不存在或不在您的管辖范围内：%(code)s") % {"code": row.parent_code})

    _mark_cycles(rows)

    siblings_in_file: dict[tuple, _AreaRow] = {}
    for done, row in enumerate(rows, start=1):
        parent = None
        parent_known = row.is_root and scope.is_global
        if row.parent_db is not None:
            parent, parent_known = row.parent_db, True
        elif row.parent_file is not None and not row.in_cycle:
            if row.parent_file.level is not None:
                parent, parent_known = _transient_parent(row.parent_file), True
        if row.level is not None and parent_known:
            for message in _area_rule_errors(row.level, row.building_use, parent, name=row.name, code=row.code):
                row.error(message)
        if row.name:
            if row.parent_db is not None:
                key = ("db", row.parent_db.pk)
                if (row.parent_db.pk, row.name) in sibling_names:
                    row.error(
                        _("上级区域“%(parent)s”下已有名为“%(name)s”的区域")
                        % {"parent": row.parent_db.name, "name": row.name}
                    )
            elif row.parent_file is not None:
                key = ("file", row.parent_file.code)
            elif row.is_root:
                key = ("root",)
                if scope.is_global and row.name in existing_roots:
                    row.error(_("已有名为“%(name)s”的顶级区域") % {"name": row.name})
            else:
                key = None
            if key is not None:
                first = siblings_in_file.setdefault((key, row.name), row)
                if first is not row:
                    row.error(
                        _("同一上级区域下的名称“%(name)s”与第 %(row)d 行重复") % {"name": row.name, "row": first.number}
                    )
        report(done)
    report(total, force=True)
    return rows, _error_list(rows)


def _mark_cycles(rows: list[_AreaRow]) -> None:
    """Rows whose file-parent links loop back on themselves (A→B→A) get an error."""
    state: dict[int, int] = {}   # id(row) → 1 visiting, 2 done
    for start in rows:
        path = []
        node = start
        while node is not None and state.get(id(node)) is None:
            state[id(node)] = 1
            path.append(node)
            node = node.parent_file
        if node is not None and state.get(id(node)) == 1:
            cycle = path[path.index(node):]
            numbers = "、".join(str(r.number) for r in sorted(cycle, key=lambda r: r.number))
            for member in cycle:
                member.in_cycle = True
                member.error(_("上级编码形成循环引用（第 %(rows)s 行）") % {"rows": numbers})
        for member in path:
            state[id(member)] = 2


def write_areas(rows: list[_AreaRow]) -> dict:
    """Insert the validated rows; callers hold a transaction.  Returns the summary."""
    lock_tree_writes(Area)
    clashes = set()
    for chunk in _chunks([r.code for r in rows]):
        clashes.update(Area.objects.filter(code__in=chunk).values_list("code", flat=True))
    if clashes:  # written by someone else since the validation
        for row in rows:
            if row.code in clashes:
                row.error(_("编码“%(code)s”已被系统中的其他区域使用") % {"code": row.code})
        raise _Invalid(_error_list(rows))

    for row in rows:  # depth inside the file's own forest: parents are inserted first
        depth, node = 0, row
        while node.parent_file is not None:
            depth, node = depth + 1, node.parent_file
        row.depth_in_file = depth
        row.anchor = node  # the row at the top of its forest: under an existing area, or a new root

    # The new nodes, numbered in memory: new trees from the next free tree id, and the forests
    # under existing areas grafted as their last children into gaps opened set-based
    # (trees.make_room) — only the nodes to the right of a gap move; the tree is never rebuilt.
    objs: dict[str, Area] = {}
    for row in rows:
        objs[row.code] = Area(
            code=row.code, name=row.name, level=row.level, address=row.address, households=row.households,
            building_use=row.building_use,
        )
    by_code = {row.code: row for row in rows}

    def file_parent(obj):
        row = by_code[obj.code].parent_file
        return objs[row.code] if row is not None else None

    forests: dict[object, list[Area]] = defaultdict(list)   # anchor's parent pk (or the anchor row) → nodes
    for row in rows:
        anchor = row.anchor
        forests[anchor.parent_db.pk if anchor.parent_db is not None else ("root", anchor.code)].append(objs[row.code])
    new_roots = [key for key in forests if isinstance(key, tuple)]
    if new_roots:
        next_tree = (Area.objects.aggregate(max_tree=Max(trees.tree_field()))["max_tree"] or 0) + 1
        for key in new_roots:
            next_tree = trees.assign_tree_fields(forests[key], first_tree_id=next_tree, parent_key=file_parent)
    under: dict[int, tuple[int, trees.Span]] = {}          # existing parent pk → (depth, span) read under the lock
    for chunk in _chunks([key for key in forests if not isinstance(key, tuple)]):
        for pk, depth, place in trees.with_spans(Area.objects.filter(pk__in=chunk), "pk", "depth"):
            under[pk] = (depth, place)
    gaps: dict[int, list[tuple[int, int, int]]] = defaultdict(list)  # tree → (position, width, parent pk)
    for pk, (_depth, place) in under.items():
        gaps[place.tree].append((place.end, 2 * len(forests[pk]), pk))
    for tree, tree_gaps in gaps.items():
        tree_gaps.sort()
        opened_before = 0
        for position, width, pk in tree_gaps:
            depth, place = under[pk]
            trees.graft_tree_fields(forests[pk], under=place, depth=depth + 1, start=position + opened_before,
                                    parent_key=file_parent)
            opened_before += width
        trees.make_room(Area, tree, [(position, width) for position, width, _pk in tree_gaps])

    created: dict[str, int] = {}   # code → pk
    by_depth: dict[int, list[_AreaRow]] = defaultdict(list)
    for row in rows:
        by_depth[row.depth_in_file].append(row)
    for depth in sorted(by_depth):
        batch_objs = []
        for row in by_depth[depth]:
            obj = objs[row.code]
            if row.parent_db is not None:
                obj.parent_id = row.parent_db.pk
            elif row.parent_file is not None:
                obj.parent_id = created[row.parent_file.code]
            batch_objs.append(obj)
        for batch in _chunks(batch_objs, WRITE_BATCH):
            Area.objects.bulk_create(batch)
        missing = [o.code for o in batch_objs if o.pk is None]  # backends that return no ids
        pks = {}
        for chunk in _chunks(missing):
            pks.update(Area.objects.filter(code__in=chunk).values_list("code", "pk"))
        for obj in batch_objs:
            created[obj.code] = obj.pk or pks[obj.code]
    touched = {obj.tree_id for obj in objs.values()}
    counts = defaultdict(int)
    for row in rows:
        counts[row.level] += 1
    return {
        "created": len(rows),
        "trees": len(touched),
        "by_level": [
            {"label": str(level.label), "count": counts[level.value]} for level in AreaLevel if counts[level.value]
        ],
    }


# ------------------------------------------------------------------------- members
class _MemberRow(_Row):
    name = gender = status = org_code = org_role = residence_code = employer = phone = id_number = ""
    ethnicity = education = occupation = ""
    birth_date = joined_on = full_member_on = None
    in_service = False
    organization: PartyOrg | None = None
    residence: Area | None = None
    id_hash = ""


def _parse_member(row: _MemberRow, cols, maps, today: date) -> None:
    c = {col.key: col for col in cols}
    row.name = row.text(c["name"], 50)
    row.gender = row.choice(c["gender"], maps["gender"])
    for key in ("ethnicity", "education", "occupation"):
        setattr(row, key, row.choice(c[key], maps[key], default="") or "")
    row.birth_date = row.date(c["birth_date"])
    row.joined_on = row.date(c["joined_on"])
    row.full_member_on = row.date(c["full_member_on"])
    row.status = row.choice(c["status"], maps["status"])
    row.org_code = row.text(c["org_code"], 32)
    row.org_role = row.choice(c["org_role"], maps["org_role"], default=OrgRole.MEMBER)
    row.residence_code = row.text(c["residence_code"], 32)
    row.in_service = row.choice(c["in_service"], maps["yes_no"], default=False)
    row.employer = row.text(c["employer"], 120)
    phone = "".join(ch for ch in row.text(c["phone"]) if ch not in " -")
    if phone and not is_valid_mobile(phone):
        row.error(_("手机号“%(value)s”不是有效的11位手机号码") % {"value": phone})
    row.phone = phone
    id_number = row.text(c["id_number"]).replace(" ", "").upper()
    if id_number and not is_valid_id_number(id_number):
        row.error(_("身份证号无效（应为18位，且校验位正确）"))
        id_number = ""
    row.id_number = id_number
    row.id_hash = keyed_hash(id_number) if id_number else ""

    for key, value in (("birth_date", row.birth_date), ("joined_on", row.joined_on),
                       ("full_member_on", row.full_member_on)):
        if value is not None and value > today:
            row.error(_("%(col)s不能晚于今天") % {"col": c[key].label})
    if row.birth_date and id_number:
        try:
            id_birth = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
        except ValueError:
            id_birth = None
        if id_birth != row.birth_date:
            row.error(_("出生日期与身份证号中的出生日期不一致"))
    if row.birth_date and row.joined_on:
        try:
            adult_on = row.birth_date.replace(year=row.birth_date.year + 18)
        except ValueError:  # born on 29 February
            adult_on = date(row.birth_date.year + 18, 3, 1)
        if row.joined_on < adult_on:
            row.error(_("入党时未满18周岁，请核对出生日期和入党日期"))
    if row.joined_on and row.full_member_on and row.full_member_on < row.joined_on:
        row.error(_("转正日期不能早于入党日期"))
    if row.status == MemberStatus.PROBATIONARY and row.full_member_on:
        row.error(_("预备党员不应填写转正日期"))


def validate_members(sheet: Sheet, *, actor, progress: Progress | None = None) -> tuple[list[_MemberRow], list[dict]]:
    cols = MEMBER_COLUMNS
    scope = _scope_for(actor)
    maps = {
        "gender": _choice_map(Gender),
        "ethnicity": _choice_map(Ethnicity),
        "education": _choice_map(Education),
        "occupation": _choice_map(Occupation),
        "status": _choice_map(MemberStatus),
        "org_role": _choice_map(OrgRole),
        "yes_no": {},
    }
    for lang in (settings.LANGUAGE_CODE, translation.get_language()):
        with translation.override(lang):
            maps["yes_no"].update({_("是"): True, _("否"): False})
    today = timezone.localdate()
    rows = _rows(sheet, _MemberRow, cols)
    total = len(rows)
    report = _reporter(progress, total, "validating")
    report(0, force=True)

    first_by_hash: dict[str, _MemberRow] = {}
    for row in rows:
        _parse_member(row, cols, maps, today)
        if row.id_hash:
            first = first_by_hash.setdefault(row.id_hash, row)
            if first is not row:
                row.error(_("身份证号与第 %(row)d 行重复") % {"row": first.number})

    registered = {}  # hash → the holder if the importer may see it (the message names it), else None
    for chunk in _chunks(first_by_hash):
        registered.update(members_selectors.id_number_holders(actor, chunk))
    orgs: dict[str, PartyOrg] = {}
    for chunk in _chunks({r.org_code for r in rows if r.org_code}):
        for org in PartyOrg.objects.filter(code__in=chunk).select_related("area"):
            if scope.covers_org(org, MANAGE_ROLES):
                orgs[org.code] = org
    residences: dict[str, Area] = {}
    for chunk in _chunks({r.residence_code for r in rows if r.residence_code}):
        for area in Area.objects.filter(code__in=chunk).only("pk", "code", "name", "level", "tree_id", "lft", "rght"):
            # The same rule as organizations.members.actions.member_create: a residence the actor can see.
            if scope.covers_area(area):
                residences[area.code] = area

    for done, row in enumerate(rows, start=1):
        if row.id_hash and row.id_hash in registered:
            row.error(duplicate_id_number_message(registered[row.id_hash]))
        if row.org_code:
            row.organization = orgs.get(row.org_code)
            if row.organization is None:
                row.error(_("所在党组织编码不存在或不在您的管辖范围内：%(code)s") % {"code": row.org_code})
        if row.residence_code:
            area = residences.get(row.residence_code)
            if area is None:
                row.error(_("居住楼栋编码不存在或不在您的管辖范围内：%(code)s") % {"code": row.residence_code})
            elif area.level not in (AreaLevel.BUILDING, AreaLevel.ENTRANCE):
                row.error(
                    _("居住楼栋编码“%(code)s”是%(level)s，只能填写楼栋或单元的编码")
                    % {"code": row.residence_code, "level": area.get_level_display()}
                )
            else:
                row.residence = area
        report(done)
    report(total, force=True)
    return rows, _error_list(rows)


def write_members(rows: list[_MemberRow], *, actor=None) -> dict:
    """Insert the validated rows in batches; callers hold a transaction."""
    hashes = [r.id_hash for r in rows if r.id_hash]
    clashes = {}
    for chunk in _chunks(hashes):
        clashes.update(members_selectors.id_number_holders(actor, chunk))
    if clashes:  # registered by someone else since the validation
        for row in rows:
            if row.id_hash in clashes:
                row.error(duplicate_id_number_message(clashes[row.id_hash]))
        raise _Invalid(_error_list(rows))
    objs = [
        Member(
            name=r.name, gender=r.gender, ethnicity=r.ethnicity, education=r.education, occupation=r.occupation,
            birth_date=r.birth_date, joined_on=r.joined_on,
            full_member_on=r.full_member_on, status=r.status, organization=r.organization, org_role=r.org_role,
            residence=r.residence, in_service=r.in_service, employer=r.employer, phone=r.phone,
            id_number=r.id_number,
        )
        for r in rows
    ]
    places.fill_chains(objs)
    for batch in _chunks(objs, WRITE_BATCH):
        # KeyedHashField.pre_save fills phone_hash and id_number_hash under bulk_create too.
        Member.objects.bulk_create(batch)
    statuses = defaultdict(int)
    for r in rows:
        statuses[r.status] += 1
    return {
        "created": len(objs),
        "organizations": len({r.organization.pk for r in rows}),
        "by_status": [
            {"label": str(s.label), "count": statuses[s.value]} for s in MemberStatus if statuses[s.value]
        ],
    }


# ------------------------------------------------------------------ the whole import
class _Invalid(Exception):
    def __init__(self, errors):
        super().__init__("invalid rows")
        self.errors = errors


class _AlreadyFinished(Exception):
    pass


@dataclass
class ImportResult:
    kind: str
    total_rows: int = 0
    errors: list = field(default_factory=list)     # [{"row": n or None, "errors": [...]}]
    summary: dict = field(default_factory=dict)
    skipped: bool = False                            # the job had already finished

    @property
    def ok(self) -> bool:
        return not self.errors and not self.skipped


VALIDATORS = {ImportKind.AREAS: validate_areas, ImportKind.MEMBERS: validate_members}


def import_workbook(kind: str, fileobj, *, actor, job: ImportJob | None = None,
                    progress: Progress | None = None, file_name: str = "") -> ImportResult:
    """Validate the whole file; write it in one transaction only when no row is bad.

    ``actor=None`` imports as the system (global scope).  With a ``job``, the job row is
    locked inside the write transaction and marked succeeded in the same transaction, so
    a job is never applied twice.
    """
    result = ImportResult(kind=kind)
    try:
        sheet = read_sheet(fileobj, kind)
    except ImportFileError as exc:
        result.errors = [{"row": None, "errors": [str(exc)]}]
        return result
    result.total_rows = len(sheet.rows)
    rows, errors = VALIDATORS[kind](sheet, actor=actor, progress=progress)
    if errors:
        result.errors = errors
        return result
    if progress is not None:
        progress(result.total_rows, result.total_rows, "writing")
    try:
        with transaction.atomic():
            if job is not None:
                locked = ImportJob.objects.select_for_update().get(pk=job.pk)
                if locked.status in FINISHED_IMPORT_STATUSES:
                    raise _AlreadyFinished
            if kind == ImportKind.AREAS:
                result.summary = write_areas(rows)
            else:
                result.summary = write_members(rows, actor=actor)
            target = job if job is not None else ImportJob(kind=kind, original_name=file_name[:200], is_system=True)
            record(actor, f"import.{kind}", target, {
                "rows": result.total_rows, "created": result.summary["created"], "file": file_name[:200],
            })
            if job is not None:
                ImportJob.objects.filter(pk=job.pk).update(
                    status=ImportStatus.SUCCEEDED, summary=result.summary, errors=[],
                    total_rows=result.total_rows, processed_rows=result.total_rows, finished_at=timezone.now(),
                )
    except _Invalid as exc:
        result.errors = exc.errors
    except _AlreadyFinished:
        result.skipped = True
    else:
        # the burden meter: the cells typed into the file, counted once the import committed
        # (a write of its own after the import's transaction; inside an outer one, undone with it)
        cells = sum(1 for _number, raw in sheet.rows for value in raw.values() if not _blank(value))
        burden.typed(user=actor, count=cells, channel=burden.Channel.IMPORT, source=f"import:{kind}")
    return result


# -------------------------------------------------------------------------- jobs
def _create_job(*, actor, kind: str, upload, system: bool = False) -> ImportJob:
    """A pending job: a user's upload, or (``system=True``, no actor) a command-line import."""
    if kind not in ImportKind.values:
        raise ImportFileError(_("未知的导入类型。"))
    if system:
        if actor is not None:
            raise ValueError("a system import has no submitting user")
    elif actor is None or not get_scope(actor).has_role(*IMPORT_ROLES):
        raise ImportPermissionError(_("您的角色无权导入数据。"))
    job = ImportJob(
        kind=kind, created_by=actor, is_system=system, original_name=os.path.basename(upload.name or "")[:200]
    )
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
    upload.seek(0)
    # A generated storage name: the user's file name never becomes a path.
    job.file.save(f"{kind}-{stamp}-{secrets.token_hex(6)}.xlsx", upload, save=False)
    job.save()
    return job


def import_job_submit(*, actor, kind: str, upload) -> ImportJob:
    """Store an uploaded file as a pending job and queue the task after commit."""
    from organizations.imports.tasks import run_import

    with transaction.atomic():
        job = _create_job(actor=actor, kind=kind, upload=upload)
        # a job of the outbox: recorded with the upload, sent after the commit; a broker that
        # is down leaves it queued and the sweeper sends it when the broker is back
        jobs.enqueue(run_import, dedupe=f"import:{job.pk}", job_id=job.pk)
    return job


def import_path(kind: str, path, *, actor=None) -> ImportResult:
    """The management commands' synchronous import of a file on disk.

    The file becomes an ``ImportJob`` and runs through ``run_import_job`` exactly like a
    browser upload (only without the queue): the ``actor``'s job, or without one a system
    job (``is_system``) with global scope.
    """
    name = os.path.basename(str(path))
    try:
        size = os.path.getsize(path)
    except OSError:
        raise ImportFileError(_("找不到文件：%(path)s") % {"path": path}) from None
    check_upload_meta(name=name, size=size)
    with open(path, "rb") as handle:
        job = _create_job(actor=actor, kind=kind, upload=File(handle, name=name), system=actor is None)
    run_import_job(job.pk)
    job.refresh_from_db()
    result = ImportResult(kind=kind, total_rows=job.total_rows, summary=job.summary)
    if job.status == ImportStatus.ERROR:
        result.errors = [{"row": None, "errors": [
            _("导入时发生意外错误：%(error)s") % {"error": job.summary.get("error", "")}
        ]}]
    elif job.status != ImportStatus.SUCCEEDED:
        result.errors = job.errors or [{"row": None, "errors": [_("导入未完成。")]}]
    return result


def format_errors(errors: list[dict]) -> list[str]:
    """One line per bad row (or file problem), for the command line."""
    lines = []
    for item in errors:
        reasons = "；".join(item["errors"])
        if item.get("row"):
            lines.append(_("第 %(row)d 行：%(reasons)s") % {"row": item["row"], "reasons": reasons})
        else:
            lines.append(reasons)
    return lines


def _job_progress(job_id: int) -> Progress:
    def progress(done: int, total: int, phase: str) -> None:
        ImportJob.objects.filter(pk=job_id, status=ImportStatus.RUNNING).update(
            processed_rows=min(done, total), total_rows=total, summary={"phase": phase},
        )
    return progress


def run_import_job(job_id: int) -> None:
    """Run one job: RUNNING → SUCCEEDED / FAILED / ERROR.  A finished job is left alone."""
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None or job.status in FINISHED_IMPORT_STATUSES:
        return
    if job.created_by is None and not job.is_system:  # never fall back to the system's global scope
        raise ValueError(f"import job {job_id} has no submitter")
    started = ImportJob.objects.filter(pk=job.pk).exclude(status__in=FINISHED_IMPORT_STATUSES).update(
        status=ImportStatus.RUNNING, processed_rows=0, errors=[], summary={"phase": "validating"},
    )
    if not started:
        return
    job.status = ImportStatus.RUNNING
    unfinished = ImportJob.objects.filter(pk=job.pk).exclude(status__in=FINISHED_IMPORT_STATUSES)
    try:
        with job.file.open("rb") as handle:
            data = BytesIO(handle.read())
        result = import_workbook(
            job.kind, data, actor=job.created_by, job=job, progress=_job_progress(job.pk),
            file_name=job.original_name,
        )
    except Exception as exc:
        log.exception("import job %s failed unexpectedly", job.pk)
        unfinished.update(
            status=ImportStatus.ERROR, finished_at=timezone.now(),
            summary={"error": f"{type(exc).__name__}: {exc}"[:500]},
        )
        return
    if result.skipped or result.ok:
        return  # marked succeeded inside the write transaction (or by an earlier run)
    unfinished.update(
        status=ImportStatus.FAILED, errors=result.errors, total_rows=result.total_rows,
        processed_rows=result.total_rows, summary={"invalid_rows": sum(1 for e in result.errors if e["row"])},
        finished_at=timezone.now(),
    )
