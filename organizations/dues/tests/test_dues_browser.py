"""In the system Chromium: the community cadre opens the branch's dues sheet, downloads the
month's Excel sheet, fills a month of payments in it (openpyxl), uploads it, and sees the
month recorded on the sheet."""
import openpyxl
import pytest

from dangjian.testing.browser import login
from organizations.dues import brackets as calc
from organizations.dues.models import DuesPayment
from organizations.dues.tests.factories import declare
from organizations.grants.choices import Role
from organizations.tests.factories import UserFactory, build_city, grant, user_with

pytestmark = [pytest.mark.browser]
PASSWORD = "pass-123456"


def test_cadre_records_a_month_of_dues_from_the_excel_sheet(transactional_db, live_server, browser, tmp_path, settings):
    from django.utils import timezone

    settings.IMPORT_PARSE_ISOLATED = False  # no fork inside the live server's thread
    w = build_city(members_per_community=3)
    cadre = UserFactory(username="dues-cadre", password=PASSWORD)
    grant(cadre, Role.COMMUNITY, w.a.area)
    writer = user_with(Role.ADMIN, w.city)
    month = calc.month_start(timezone.localdate())
    for member, base in zip(w.a.members, ("2800", "4000", "6000"), strict=True):
        declare(member, actor=writer, year=month.year, from_month=month.month, base=base)

    page = browser.new_context(locale="zh-CN", accept_downloads=True).new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, "dues-cadre", PASSWORD)
    page.goto(f"{live_server.url}/org/dues/")
    page.locator("[data-testid=dues-orgs] a", has_text=w.a.branch.name).first.click()
    page.wait_for_url(f"{live_server.url}/org/dues/orgs/{w.a.branch.pk}/")
    assert page.locator(f"[data-testid=dues-sheet] td[data-month='{month:%Y-%m}'][data-status=due]").count() == 3
    with page.expect_download() as download:
        page.click("[data-testid=dues-export]")
    path = tmp_path / "sheet.xlsx"
    download.value.save_as(path)

    wb = openpyxl.load_workbook(path)
    ws = wb.active
    header = [c.value for c in ws[2]]
    due, paid, paid_on, reason = (header.index(h) + 1 for h in ("应交金额（元）", "实交金额（元）", "交纳日期", "免交原因"))
    for row in range(3, ws.max_row + 1):
        if ws.cell(row=row, column=2).value == w.a.members[2].name:
            ws.cell(row=row, column=reason, value="生活困难，经支委会研究同意免交")
        else:
            ws.cell(row=row, column=paid, value=ws.cell(row=row, column=due).value)
            ws.cell(row=row, column=paid_on, value=month)
    wb.save(path)

    page.click("[data-testid=dues-import]")
    page.wait_for_url(f"{live_server.url}/org/dues/orgs/{w.a.branch.pk}/import/")
    page.set_input_files("input[type=file]", str(path))
    page.click("[data-testid=dues-import-form] button[type=submit]")
    page.wait_for_url(lambda url: "/import/" not in url)
    assert "已导入" in page.content()
    cells = page.locator(f"[data-testid=dues-sheet] td[data-month='{month:%Y-%m}']")
    assert sorted(cells.nth(i).get_attribute("data-status") for i in range(cells.count())) == ["exempt", "paid", "paid"]
    assert DuesPayment.objects.filter(month=month).count() == 3
