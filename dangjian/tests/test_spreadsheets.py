"""Zip-bomb checks and the isolated parsing child (dangjian.spreadsheets), with the bombs of
issue 12 finding 5 generated here: a sheet of a million blank rows and a shared-strings
table of 200 MB, each a few hundred KB compressed."""
import io
import resource
import time
import zipfile

import pytest

from dangjian import spreadsheets
from dangjian.spreadsheets import IsolatedFailure, SpreadsheetError, check_archive, check_rows, run_isolated
from dangjian.testing.bombs import MB, blank_rows_xlsx, shared_strings_xlsx


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.fixture(scope="module")
def rows_bomb():
    return blank_rows_xlsx(1_000_000).getvalue()


@pytest.fixture(scope="module")
def strings_bomb():
    return shared_strings_xlsx(200).getvalue()


def test_the_bombs_are_what_the_issue_describes(rows_bomb, strings_bomb):
    assert len(rows_bomb) < 3 * MB and len(strings_bomb) < 400 * 1024
    with zipfile.ZipFile(io.BytesIO(strings_bomb)) as z:
        assert z.getinfo("xl/sharedStrings.xml").file_size > 200 * MB


def test_shared_strings_bomb_is_refused_from_the_directory_in_milliseconds(strings_bomb):
    before, started = peak_rss_mb(), time.monotonic()
    with pytest.raises(SpreadsheetError, match="疑似“压缩炸弹”|解压后过大"):
        check_archive(io.BytesIO(strings_bomb))
    assert time.monotonic() - started < 1
    assert peak_rss_mb() - before < 32


def test_part_and_total_size_caps(settings, rows_bomb):
    settings.SPREADSHEET_MAX_RATIO = 10_000
    settings.SPREADSHEET_MAX_PART_BYTES = 1 * MB
    with pytest.raises(SpreadsheetError, match="文件解压后过大（xl/worksheets/sheet1.xml 有"):
        check_archive(io.BytesIO(rows_bomb))
    settings.SPREADSHEET_MAX_PART_BYTES = 1024 * MB
    settings.SPREADSHEET_MAX_TOTAL_BYTES = 1 * MB
    with pytest.raises(SpreadsheetError, match="文件解压后过大（共"):
        check_archive(io.BytesIO(rows_bomb))


def test_not_a_zip_is_refused():
    with pytest.raises(SpreadsheetError, match="不是 Excel"):
        check_archive(io.BytesIO(b"PK\x03\x04 broken"))


@pytest.mark.parametrize("build", [
    lambda: blank_rows_xlsx(1_000_000),
    lambda: blank_rows_xlsx(1_000_000, numbered=False),
    lambda: blank_rows_xlsx(3, dimension="A1:D1000000"),
], ids=["numbered-rows", "bare-rows", "declared-dimension"])
def test_blank_row_bombs_are_refused_while_streaming_in_under_a_second(build, settings):
    bomb = build()
    settings.SPREADSHEET_MAX_RATIO = 10_000  # the row count alone catches them (numbered rows compress only ~7x)
    check_archive(bomb)
    before, started = peak_rss_mb(), time.monotonic()
    with pytest.raises(SpreadsheetError, match="超过上限 100000 行|超过 100000 行（空行也计算在内）"):
        check_rows(bomb, 100_000)
    assert time.monotonic() - started < 1
    assert peak_rss_mb() - before < 32


def test_a_row_that_names_a_far_row_number_counts_as_that_many():
    def sheet():
        return blank_rows_xlsx(0)

    import re

    raw = sheet().getvalue()
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/worksheets/sheet1.xml"] = re.sub(rb"</sheetData>", b'<row r="1048576"/></sheetData>',
                                               parts["xl/worksheets/sheet1.xml"])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    with pytest.raises(SpreadsheetError, match="超过 100000 行"):
        check_rows(out, 100_000)
    check_rows(out, 2_000_000)


def _allocate(megabytes):
    blob = bytearray(megabytes * MB)
    return len(blob)


def _boom():
    raise ValueError("坏文件")


def _sleep():
    time.sleep(30)


def test_child_returns_values_and_reraises():
    assert run_isolated(sum, [1, 2, 3]) == 6
    with pytest.raises(ValueError, match="坏文件"):
        run_isolated(_boom)


def test_child_memory_cap_and_memory_returned():
    before = peak_rss_mb()
    assert run_isolated(_allocate, 300, memory_bytes=1024 * MB) == 300 * MB
    with pytest.raises(IsolatedFailure) as failure:
        run_isolated(_allocate, 600, memory_bytes=256 * MB)
    assert failure.value.reason == "memory"
    assert peak_rss_mb() - before < 32  # the 300 MB lived and died in the child


def test_child_timeout_kills_it():
    started = time.monotonic()
    with pytest.raises(IsolatedFailure) as failure:
        run_isolated(_sleep, timeout=0.5)
    assert failure.value.reason == "timeout" and time.monotonic() - started < 5


def test_formula_text_survives_the_pipe():
    text = run_isolated(spreadsheets.FormulaText, "=1+2")
    assert isinstance(text, spreadsheets.FormulaText) and text == "=1+2"
