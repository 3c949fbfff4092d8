"""Hostile uploads, generated in the test that needs them (never stored in the repository).

``blank_rows_xlsx(n)``
    A real workbook whose first sheet is a header row followed by ``n`` blank ``<row>``
    elements: a million of them compress to well under a megabyte (issue 12's 860 KB file).
``shared_strings_xlsx(megabytes)``
    A real workbook whose shared-strings table holds one string of ``megabytes`` MB of
    the same letter: 200 MB compress to about 200 KB (issue 12's 209 KB file).
``pixel_bomb_png(width, height)``
    A PNG of ``width`` × ``height`` pixels (12,000 × 12,000 = 144 megapixels) of a few
    hundred bytes: the header declares the size, the zlib stream of zero rows is tiny.
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

MB = 1024 * 1024

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '</Types>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _header_row(headers) -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(headers)
    )
    return f'<row r="1">{cells}</row>'


def _workbook(sheet_chunks, shared_chunks=None) -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            for chunk in sheet_chunks:
                part.write(chunk)
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            for chunk in shared_chunks or [b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                                           b'count="0" uniqueCount="0"></sst>']:
                part.write(chunk)
    out.seek(0)
    return out


def blank_rows_xlsx(n: int = 1_000_000, headers=("上级编码", "编码", "名称", "层级"), *,
                    dimension: str | None = None, numbered: bool = True) -> io.BytesIO:
    def chunks():
        head = _SHEET_HEAD
        if dimension:
            head += f'<dimension ref="{dimension}"/>'
        yield (head + "<sheetData>" + _header_row(headers)).encode()
        step = 50_000
        for start in range(2, n + 2, step):
            stop = min(start + step, n + 2)
            if numbered:
                yield "".join(f'<row r="{i}"/>' for i in range(start, stop)).encode()
            else:
                yield b"<row/>" * (stop - start)
        yield b"</sheetData></worksheet>"
    return _workbook(chunks())


def shared_strings_xlsx(megabytes: int = 200, headers=("上级编码", "编码", "名称", "层级")) -> io.BytesIO:
    def sheet():
        yield (_SHEET_HEAD + "<sheetData>" + _header_row(headers)
               + '<row r="2"><c r="A2" t="s"><v>0</v></c></row></sheetData></worksheet>').encode()

    def shared():
        yield (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
               b"<si><t>")
        block = b"A" * MB
        for _ in range(megabytes):
            yield block
        yield b"</t></si></sst>"
    return _workbook(sheet(), shared())


def pixel_bomb_png(width: int = 12_000, height: int = 12_000) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    # 1-bit greyscale: each row is a filter byte and width/8 zero bytes.
    raw = zlib.compressobj(9)
    row = b"\0" * (1 + (width + 7) // 8)
    body = b"".join(raw.compress(row) for _ in range(height)) + raw.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", body) + chunk(b"IEND", b""))
