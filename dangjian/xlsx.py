from __future__ import annotations

from urllib.parse import quote

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="C8102E")
NOTE_FONT = Font(italic=True, color="9E0C24")


def content_disposition(filename: str, ascii_fallback: str) -> str:
    """``attachment`` with an ASCII fallback and the UTF-8 name encoded per RFC 5987."""
    return f"attachment; filename=\"{ascii_fallback}\"; filename*=UTF-8''{quote(filename)}"


def _header_cells(ws, labels):
    cells = []
    for label in labels:
        cell = WriteOnlyCell(ws, value=label)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cells.append(cell)
    return cells


def _note(ws, text):
    cell = WriteOnlyCell(ws, value=text)
    cell.font = NOTE_FONT
    return [cell]


def _date_cell(ws, value):
    if value is None:
        return None
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = "yyyy-mm-dd"
    return cell
