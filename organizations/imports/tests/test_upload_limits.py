"""Hostile workbooks (issue 12 findings 4 and 5): zip bombs refused within a second with a
Chinese reason, nothing parsed in the web request, parsing isolated in a child process under
a memory cap, formula cells refused per row and formula-like text imported as text."""
import io
import resource
import time

import openpyxl
import pytest
from django.urls import reverse

from dangjian import xlsx
from dangjian.testing.bombs import MB, blank_rows_xlsx, shared_strings_xlsx
from organizations.areas.models import Area
from organizations.grants.choices import Role
from organizations.imports import importers
from organizations.imports.choices import ImportStatus
from organizations.imports.importers import import_workbook
from organizations.imports.models import ImportJob
from organizations.imports.tests.test_import import AREA_HEADERS, XLSX, _upload, area_file
from organizations.tests.factories import user_with

pytestmark = pytest.mark.django_db


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.fixture(scope="module")
def rows_bomb():
    return blank_rows_xlsx(1_000_000, headers=AREA_HEADERS).getvalue()


@pytest.fixture(scope="module")
def strings_bomb():
    return shared_strings_xlsx(200, headers=AREA_HEADERS).getvalue()


def refused_quickly(payload, message):
    before, started = peak_rss_mb(), time.monotonic()
    result = import_workbook("areas", io.BytesIO(payload), actor=None, file_name="bomb.xlsx")
    elapsed = time.monotonic() - started
    assert elapsed < 1, elapsed
    assert peak_rss_mb() - before < 32
    assert not result.ok and result.errors[0]["row"] is None
    assert message in result.errors[0]["errors"][0], result.errors
    return result


def test_blank_rows_bomb_is_refused_within_a_second(city, rows_bomb, settings):
    count = Area.objects.count()
    refused_quickly(rows_bomb, f"工作表超过 {importers.max_sheet_rows()} 行（空行也计算在内）")
    settings.IMPORT_MAX_SHEET_ROWS = 500
    refused_quickly(rows_bomb, "工作表超过 500 行")
    assert Area.objects.count() == count


def test_shared_strings_bomb_is_refused_within_a_second(city, strings_bomb):
    refused_quickly(strings_bomb, "疑似“压缩炸弹”")


def test_a_bomb_past_the_archive_checks_meets_the_childs_memory_cap(city, strings_bomb, settings):
    settings.SPREADSHEET_MAX_RATIO = 10 ** 6
    settings.SPREADSHEET_MAX_PART_BYTES = settings.SPREADSHEET_MAX_TOTAL_BYTES = 1024 * MB
    settings.SPREADSHEET_CHILD_MEMORY_BYTES = 128 * MB
    before, started = peak_rss_mb(), time.monotonic()
    result = import_workbook("areas", io.BytesIO(strings_bomb), actor=None)
    assert time.monotonic() - started < 10
    assert result.errors == [{"row": None, "errors": ["文件解析时超出内存上限，不能导入；请删除多余的内容或拆分后分批导入。"]}]
    assert peak_rss_mb() - before < 32  # the parser's memory went with the child
    # and the parent's database connection is intact after the child
    assert Area.objects.filter(pk=city.a.area.pk).exists()


def test_parsing_runs_in_a_child_and_the_connection_survives(city, monkeypatch, tmp_path):
    import os

    seen = tmp_path / "parser-pid"
    real = importers.parse_sheet

    def spy(data, kind):
        seen.write_text(str(os.getpid()))
        return real(data, kind)

    monkeypatch.setattr(importers, "parse_sheet", spy)
    f = area_file([[city.a.compound.code, "C1", "一号楼", "楼栋", "", 1, ""]])
    before = Area.objects.count()
    result = import_workbook("areas", f, actor=None)
    assert result.ok, result.errors
    assert int(seen.read_text()) != os.getpid()  # parsed in another process …
    assert Area.objects.count() == before + 1    # … and this one's connection wrote the rows


def test_web_request_only_checks_the_zip_directory(client, city, rows_bomb, strings_bomb, monkeypatch,
                                                   django_capture_on_commit_callbacks):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    client.force_login(cadre)
    url = reverse("organizations:import_start", args=["areas"])
    # the shared-strings bomb is refused by the request from the central directory
    started = time.monotonic()
    response = client.post(url, {"file": _upload("bomb.xlsx", strings_bomb)})
    assert time.monotonic() - started < 1
    assert response.status_code == 400 and "疑似“压缩炸弹”" in response.content.decode()
    assert not ImportJob.objects.exists()

    # a sheet of blank rows passes the directory check; the request never parses it …
    def no_parsing(*args, **kwargs):
        raise AssertionError("the web request parsed the workbook")

    monkeypatch.setattr(openpyxl, "load_workbook", no_parsing)
    monkeypatch.setattr(importers.spreadsheets, "check_rows", no_parsing)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        started = time.monotonic()
        response = client.post(url, {"file": _upload("rows.xlsx", rows_bomb)})
        assert time.monotonic() - started < 1
    assert response.status_code == 302 and len(callbacks) == 1
    monkeypatch.undo()
    # … the worker refuses it, within a second, with the reason on the job page
    started = time.monotonic()
    callbacks[0]()
    assert time.monotonic() - started < 1
    job = ImportJob.objects.get(created_by=cadre)
    assert job.status == ImportStatus.FAILED and "空行也计算在内" in job.errors[0]["errors"][0]
    assert "空行也计算在内" in client.get(response["Location"]).content.decode()


def _workbook(rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(AREA_HEADERS)
    for row in rows:
        ws.append(row)
    return wb


def _save(wb):
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_a_formula_cell_is_refused_in_its_row_never_evaluated(city):
    # openpyxl writes a str starting with "=" as a formula cell (<f>), as Excel would
    wb = _workbook([
        [city.a.compound.code, "F1", '=HYPERLINK("http://x","y")', "楼栋", "", 1, ""],
        [city.a.compound.code, "F2", "二号楼", "楼栋", "=1+2", 1, ""],
    ])
    assert wb.active["C2"].data_type == "f"
    before = Area.objects.count()
    result = import_workbook("areas", _save(wb), actor=None)
    assert {e["row"]: e["errors"] for e in result.errors} == {
        2: ['名称是公式（=HYPERLINK("http://x","y")），导入不计算公式；请改为直接填写的数值或文本'],
        3: ["地址是公式（=1+2），导入不计算公式；请改为直接填写的数值或文本"],
    }
    assert Area.objects.count() == before


def test_formula_like_text_round_trips_as_text(city):
    wb = openpyxl.Workbook()
    ws = wb.active
    xlsx.append(ws, AREA_HEADERS)
    xlsx.append(ws, [city.a.compound.code, "T1", "=1+2", "楼栋", '=HYPERLINK("http://x","y")', 1, ""])
    result = import_workbook("areas", _save(wb), actor=None)
    assert result.ok, result.errors
    area = Area.objects.get(code="T1")
    assert (area.name, area.address) == ("=1+2", '=HYPERLINK("http://x","y")')


def test_over_long_cells_and_wide_rows_stay_bounded(city):
    wb = _workbook([[city.a.compound.code, "W1", "名" * 50_000, "楼栋", "", 1, ""]])
    wb.active.cell(row=2, column=16_000, value="far away")
    result = import_workbook("areas", _save(wb), actor=None)
    assert result.errors == [{"row": 2, "errors": ["名称不能超过100个字符"]}]


def test_request_still_refuses_what_is_not_an_xlsx(client, city):
    import zipfile

    client.force_login(user_with(Role.COMMUNITY, city.a.area))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    response = client.post(reverse("organizations:import_start", args=["areas"]),
                           {"file": _upload("a.xlsx", buf.getvalue(), XLSX)})
    assert response.status_code == 400 and "文件已损坏或不是 Excel" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_live_worker_parses_in_a_child_and_refuses_a_bomb(live_worker, rows_bomb):
    """Through the real broker: the worker (a thread of this process, as under a threaded
    pool) forks the parsing child, writes the good file and fails the bomb."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangjian.tests.test_live_worker import wait_until
    from organizations.imports.importers import import_job_submit
    from organizations.tests.factories import build_city

    city = build_city(members_per_community=0)
    cadre = user_with(Role.COMMUNITY, city.a.area)
    good = area_file([[city.a.compound.code, "LW1", "活楼1", "楼栋", "", 1, ""]])
    ok = import_job_submit(actor=cadre, kind="areas", upload=SimpleUploadedFile("ok.xlsx", good.getvalue()))
    bomb = import_job_submit(actor=cadre, kind="areas", upload=SimpleUploadedFile("bomb.xlsx", rows_bomb))
    finished = (ImportStatus.SUCCEEDED, ImportStatus.FAILED, ImportStatus.ERROR)
    assert wait_until(lambda: ImportJob.objects.filter(pk__in=[ok.pk, bomb.pk], status__in=finished).count() == 2,
                      timeout=60)
    ok.refresh_from_db()
    bomb.refresh_from_db()
    assert ok.status == ImportStatus.SUCCEEDED and Area.objects.filter(code="LW1").exists()
    assert bomb.status == ImportStatus.FAILED and "空行也计算在内" in bomb.errors[0]["errors"][0]
