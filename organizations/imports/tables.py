"""A sheet the portal exported, read back for an import (党费收缴表, 经费下拨表, …): the
upload is checked (name, size, type, archive, row counts), then parsed in an isolated child
process (``dangjian.spreadsheets.run_isolated``); formula cells come back as ``FormulaText``
(refused by the validators, never evaluated); the header row is found by its labels within
the first five rows; blank rows are skipped.  Raises ``ImportFileError`` with a message that
names the sheet.  Validating and writing the rows stays with each feature."""
from __future__ import annotations

import re
from dataclasses import dataclass
from io import BytesIO

import openpyxl
from django.conf import settings
from django.utils.translation import gettext as _

from dangjian import spreadsheets
from dangjian.spreadsheets import FormulaText
from organizations.imports.importers import ImportFileError, check_upload_file, check_upload_meta

HEADER_WITHIN = 5  # rows: the header row is one of the first five


@dataclass(frozen=True)
class Table:
    """One exported sheet's shape (plain strings, translated when a message is shown: the
    table travels to the parsing child by pickle)."""

    title: str                   # the worksheet's title (the first worksheet when none has it)
    columns: tuple               # ((key, label), …) in the export's order
    anchor: str                  # the key whose label marks the header row
    required: tuple              # the keys a file must have
    max_rows: int
    name: str                    # the sheet's name in messages: "收缴表"
    labels_hint: str             # the first labels, quoted: "“党员编号”“姓名”"
    too_many: str = "工作表超过 %(limit)d 行。"

    @property
    def headers(self) -> dict:
        return {label: key for key, label in self.columns}


def _value(cell):
    if cell.data_type == "f":
        return FormulaText(str(getattr(cell.value, "text", cell.value) or "")[:200])
    value = cell.value
    return value[:500] if isinstance(value, str) else value


def _key(text) -> str:
    return re.sub(r"\s", "", str(text or ""))


def parse(table: Table, data: bytes) -> list[tuple[int, dict]]:
    """``[(Excel row number, {column key: value})]`` of the sheet's data rows (no database:
    runs in the isolated child)."""
    try:
        wb = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=False)
    except MemoryError:
        raise
    except Exception as exc:
        raise ImportFileError(_("无法读取文件：文件已损坏或不是 Excel（.xlsx）文件。")) from exc
    no_header = _("文件中找不到列名行（%(labels)s……），请使用导出的%(name)s。") % {
        "labels": table.labels_hint, "name": _(table.name)}
    headers = table.headers
    try:
        titles = (table.title, _(table.title))
        ws = next((w for w in wb.worksheets if w.title in titles), None) or (wb.worksheets or [None])[0]
        if ws is None:
            raise ImportFileError(_("文件中没有工作表。"))
        ws.reset_dimensions()
        colmap, out = None, []
        for number, cells in enumerate(ws.iter_rows(max_col=len(table.columns) + 5), start=1):
            if number > table.max_rows:
                raise ImportFileError(_(table.too_many) % {"limit": table.max_rows})
            values = [_value(c) for c in cells]
            if colmap is None:
                found = {headers[_key(v)]: i for i, v in enumerate(values) if _key(v) in headers}
                if table.anchor in found:
                    missing = [label for key, label in table.columns if key in table.required and key not in found]
                    if missing:
                        raise ImportFileError(_("文件缺少必需的列：%(cols)s。请使用导出的%(name)s，不要修改列名。") % {
                            "cols": "、".join(missing), "name": _(table.name)})
                    colmap = found
                elif number >= HEADER_WITHIN:
                    raise ImportFileError(no_header)
                continue
            row = {key: (values[i] if i < len(values) else None) for key, i in colmap.items()}
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in row.values()):
                continue
            out.append((number, row))
    finally:
        wb.close()
    if colmap is None:
        raise ImportFileError(no_header)
    if not out:
        raise ImportFileError(_("文件中没有数据行。"))
    return out


def read(table: Table, upload) -> list[tuple[int, dict]]:
    """Check ``upload`` and parse it as ``table`` in a child process that exits afterwards."""
    check_upload_meta(name=upload.name, size=upload.size, content_type=getattr(upload, "content_type", ""))
    check_upload_file(upload)
    try:
        spreadsheets.check_rows(upload, table.max_rows)
        upload.seek(0)
        data = upload.read()
        if not getattr(settings, "IMPORT_PARSE_ISOLATED", True):
            return parse(table, data)
        return spreadsheets.run_isolated(parse, table, data)
    except spreadsheets.SpreadsheetError as exc:
        raise ImportFileError(str(exc)) from None
    except spreadsheets.IsolatedFailure:
        raise ImportFileError(_("文件解析超时或超出内存上限，不能导入。")) from None
