"""In the system Chromium: a street cadre opens 党内统计, picks a community with
the area picker, reads its tables, and downloads the Excel file (checked with openpyxl)."""
import openpyxl
import pytest

from dangjian.testing.browser import login
from organizations.grants.choices import Role
from organizations.members.choices import Gender
from organizations.statistics.tests.support import member
from organizations.tests.factories import UserFactory, build_city, grant

pytestmark = [pytest.mark.browser]
PASSWORD = "pass-123456"


def test_a_street_cadre_reads_a_communitys_tables_and_exports_them(transactional_db, live_server, browser, tmp_path):
    w = build_city(members_per_community=2)
    member(w.a, gender=Gender.FEMALE)
    cadre = UserFactory(username="stats-cadre", password=PASSWORD)
    grant(cadre, Role.STREET, w.street)

    page = browser.new_context(locale="zh-CN", accept_downloads=True).new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, "stats-cadre", PASSWORD)
    page.goto(f"{live_server.url}/org/statistics/")
    assert w.street.name in page.locator("[data-testid=statistics-title]").inner_text()
    assert page.locator("[data-testid=table-gender] [data-row=total] [data-value]").inner_text() == "5"
    page.fill("#id_area_q", w.a.area.name)  # the area picker: type, tap the match
    page.locator(f"#id_area_options [data-id='{w.a.area.pk}']").click()
    page.click("form[role=search] button[type=submit]")
    page.wait_for_url(lambda url: f"area={w.a.area.pk}" in url)
    assert w.a.area.name in page.locator("[data-testid=statistics-title]").inner_text()
    gender = page.locator("[data-testid=table-gender]")
    assert gender.locator("[data-row=total] [data-value]").inner_text() == "3"
    assert gender.locator("[data-row=gender_F] [data-value]").inner_text() == "1"
    assert page.locator("[data-testid=table-age] [data-row=total] [data-female]").inner_text() == "1"
    assert page.locator("button[data-print]").is_visible()

    with page.expect_download() as download:
        page.click("[data-testid=statistics-export]")
    path = tmp_path / "tables.xlsx"
    download.value.save_as(path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[-1] == "指标说明" and "党员性别构成" in wb.sheetnames
    rows = {r[0]: r[1:] for r in wb["党员性别构成"].iter_rows(min_row=3, values_only=True)}
    assert rows["女"][0] == 1 and rows["合计"][0] == 3
