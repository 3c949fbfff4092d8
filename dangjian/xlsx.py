"""Excel (.xlsx) output, written once: every export builds its cells here.

``cell(ws, value, **style)`` makes one cell (for ``ws.append``, in write-only or normal
worksheets), ``append(ws, values)`` appends a row of them, ``put(ws, row, column, value)``
writes one cell of a normal worksheet in place.  Text is always written as text:

* openpyxl turns any string starting with ``=`` into a formula (and ``#N/A`` & co. into
  error values); here every ``str`` is written with the explicit string data type, so
  ``=HYPERLINK("http://…","…")`` in a name or a note arrives in Excel as those characters,
  never as a live formula, and reads back (openpyxl, pandas) as the exact same text;
* text beginning with a character a spreadsheet would treat as the start of a formula
  (``= + - @``, tab, carriage return, and their full-width forms) also carries Excel's
  *quote prefix* style (the leading ``'`` of a typed text), so editing the cell in Excel
  keeps it text instead of evaluating it — OWASP's advice for CSV injection, applied without
  changing the text itself;
* characters XML cannot hold (control characters) are dropped instead of failing the export.

Numbers, dates, booleans and ``None`` are written as themselves.  The portal has no CSV
export; one would need the same neutralisation (prefix ``'``) — write it here.
"""
from __future__ import annotations

from urllib.parse import quote

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="C8102E")
NOTE_FONT = Font(italic=True, color="9E0C24")
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
STYLE_ATTRS = ("font", "fill", "border", "alignment", "number_format")


def content_disposition(filename: str, ascii_fallback: str) -> str:
    """``attachment`` with an ASCII fallback and the UTF-8 name encoded per RFC 5987."""
    return f"attachment; filename=\"{ascii_fallback}\"; filename*=UTF-8''{quote(filename)}"


def starts_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_LEADS)


def set_value(cell: Cell, value) -> Cell:
    """Give ``cell`` its value; a ``str`` always as text (see the module docstring)."""
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = text
        cell.data_type = "s"          # never "f" (formula) nor "e" (error), whatever the text
        if starts_like_formula(text):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def _style(cell: Cell, style: dict) -> Cell:
    for name, value in style.items():
        if name not in STYLE_ATTRS:
            raise TypeError(f"unknown cell style {name!r}")
        if value is not None:
            setattr(cell, name, value)
    return cell


def cell(ws, value, **style) -> Cell:
    """One cell for ``ws.append`` (write-only or normal worksheet); ``style``: font, fill,
    border, alignment, number_format."""
    return _style(set_value(WriteOnlyCell(ws), value), style)


def append(ws, values, **style) -> None:
    """Append one row; cells already made with ``cell`` are kept as they are."""
    ws.append([v if isinstance(v, Cell) else cell(ws, v, **style) for v in values])


def put(ws, row: int, column: int, value, **style) -> Cell:
    """Write one cell of a normal worksheet in place (``ws.cell(row, column)``)."""
    return _style(set_value(ws.cell(row=row, column=column), value), style)


def header_cells(ws, labels) -> list[Cell]:
    return [cell(ws, label, font=HEADER_FONT, fill=HEADER_FILL) for label in labels]


def note_row(ws, text) -> list[Cell]:
    return [cell(ws, text, font=NOTE_FONT)]


def date_cell(ws, value, number_format: str = "yyyy-mm-dd"):
    if value is None:
        return None
    return cell(ws, value, number_format=number_format)
