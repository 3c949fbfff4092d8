"""In the system Chromium: a district cadre defines a report over its communities with three
computed columns and one new field and publishes it; the cadre of community 甲 fills the new
field once from the home page's 待填报表; the district computes and exports the filled Excel,
checked with openpyxl (the three computed values are the catalogue's, the field value the
one typed)."""
import openpyxl
import pytest

from assessments.figures import catalogue
from assessments.figures.subjects import subjects_within
from assessments.reports.models import FieldValue, Report
from assessments.reports.tests.support import FIGURES
from assessments.scoring import periods
from assessments.scoring.tests import test_data as data
from dangjian.testing.browser import login
from organizations.grants.choices import Role
from organizations.tests.factories import UserFactory, build_city, grant

pytestmark = [pytest.mark.browser]
PASSWORD = "pass-123456"
FIELD = "社区党群服务中心面积"


def _user(name, role, node):
    user = UserFactory(username=name, password=PASSWORD)
    grant(user, role, node)
    return user


def test_district_defines_community_fills_once_district_exports(transactional_db, live_server, browser, tmp_path):
    w = build_city()
    data.plant_period(w)
    _user("report-district", Role.DISTRICT, w.district)
    _user("report-community", Role.COMMUNITY, w.a.area)

    # the district cadre: a new field, then the report with three figures and the field
    district = browser.new_context(locale="zh-CN", accept_downloads=True).new_page()
    district.set_default_timeout(15_000)
    login(district, live_server, "report-district", PASSWORD)
    district.goto(f"{live_server.url}/reports/")
    district.click("[data-testid=new-report]")
    district.wait_for_url(f"{live_server.url}/reports/new/")
    district.click("[data-testid=new-field]")
    district.wait_for_url(lambda url: "/reports/fields/new/" in url)
    district.fill("#id_name", FIELD)
    district.fill("#id_definition", "社区党群服务中心的建筑面积（平方米）。")
    district.select_option("#id_value_type", "decimal")
    district.fill("#id_unit", "平方米")
    district.click("[data-testid=report-field-form] button[type=submit]")
    district.wait_for_url(f"{live_server.url}/reports/new/")
    assert "已新建字段" in district.content()
    district.fill("#id_name", "季度社区党建工作表")
    district.select_option("#id_period_key", data.PERIOD)
    picker = district.locator("[data-testid=column-picker]")
    for code in FIGURES:
        picker.locator(f"input[value='fig:{code}']").check()
    picker.locator("tr", has_text=FIELD).locator("input[type=checkbox]").check()
    district.click("[data-testid=save-report]")
    district.wait_for_url(lambda url: url.rstrip("/").split("/")[-1].isdigit())
    district.click("[data-testid=publish]")
    district.wait_for_selector("[data-testid=report-status]:has-text('已发布')")
    report = Report.objects.get()
    assert report.status == "published" and report.columns.count() == 4

    # the community cadre: the report waits on the home page; one form, the field typed once
    community = browser.new_context(locale="zh-CN").new_page()
    community.set_default_timeout(15_000)
    login(community, live_server, "report-community", PASSWORD)
    community.locator("a", has_text="季度社区党建工作表").first.click()
    community.wait_for_url(lambda url: "/reports/fill/area/" in url)
    assert community.locator("[data-testid=fill-entry]").count() == 1
    community.locator("[data-testid=fill-form] input[type=text]").fill("856.5")
    community.click("[data-testid=save-fill]")
    community.wait_for_selector("[data-testid=already-filled]")
    assert FieldValue.objects.get().number == 856.5

    # the district recomputes and exports
    district.reload()
    district.click("[data-testid=compute]")
    district.wait_for_selector("text=已重新计算全部单元格")
    with district.expect_download() as download:
        district.click("[data-testid=export]")
    path = tmp_path / "report.xlsx"
    download.value.save_as(path)

    wb = openpyxl.load_workbook(path)
    table, notes = wb.worksheets
    assert notes.title == "指标说明" and notes.max_row == 5
    rows = list(table.iter_rows(values_only=True))
    assert "计算时间" in rows[1][0]
    header = rows[2]
    body = {r[0]: r for r in rows[3:] if r and r[0] in (w.a.area.name, w.b.area.name)}
    subjects = subjects_within(areas=[w.a.area, w.b.area])
    quarter = periods.parse(data.PERIOD)
    for code in FIGURES:
        figure = catalogue.get(code)
        column = next(i for i, h in enumerate(header) if h and h.startswith(figure.name))
        values = catalogue.compute(figure, subjects, quarter)
        assert body[w.a.area.name][column] == catalogue.as_number(values[w.a.area.pk], figure), code
        assert body[w.b.area.name][column] == catalogue.as_number(values[w.b.area.pk], figure), code
    field_column = next(i for i, h in enumerate(header) if h and h.startswith(FIELD))
    assert body[w.a.area.name][field_column] == 856.5
    assert body[w.b.area.name][field_column] is None
