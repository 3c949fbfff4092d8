"""End to end in the system Chromium (desktop viewport): the district cadre scores the
year's compounds with the real scoring engine (which refreshes the dashboard rollups when
the run finishes), opens the dashboard, drills down district → street → community, opens
the explanation of the weakest compound's score, and downloads a chart's Excel export."""
import pytest
from django.utils import timezone
from openpyxl import load_workbook

from assessments.dashboard.models import AreaRollup
from assessments.scoring.actions import scoring_run_start
from assessments.scoring.models import Rubric, Score
from assessments.scoring.rubrics import ensure_default_rubrics
from assessments.tests.factories import ensure_default_rules
from dangjian.testing.browser import login
from organizations.grants.choices import Role
from organizations.tests.factories import UserFactory, build_city, grant

PASSWORD = "browser-pass-123"

pytestmark = [pytest.mark.browser]


def test_district_cadre_drills_down_explains_a_score_and_exports(transactional_db, live_server, browser, tmp_path):
    ensure_default_rules()
    ensure_default_rubrics()
    c = build_city(members_per_community=3)
    user = UserFactory(username="district-cadre", password=PASSWORD)
    grant(user, Role.DISTRICT, c.district)
    year = str(timezone.localdate().year - 1)  # the last year that is over: a year still running is not scored
    # the real engine; when the run finishes it asks for the period's rollups (eager Celery here)
    scoring_run_start(actor=user, rubric=Rubric.objects.get(code="liuhua-compound", version=1), period_key=year)
    weakest = Score.objects.filter(period_key=year, area=c.a.compound).get()
    assert AreaRollup.objects.filter(area=c.district, period_key=year).exists()

    page = browser.new_page(locale="zh-CN", viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page.set_default_timeout(20_000)
    login(page, live_server, "district-cadre", PASSWORD)

    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_url(f"{live_server.url}/dashboard/{c.district.pk}/**")
    assert "元宝区 · 数据看板" in page.locator("[data-testid=dash-title]").inner_text()
    assert "数据计算于" in page.locator("[data-testid=computed-at]").inner_text()
    # no period asked: the latest period with scores, said as such
    assert f"{year}年度" in page.locator("[data-testid=period-default]").inner_text()
    page.locator("[data-chart=children] canvas").first.wait_for()  # ECharts drew the children bar

    page.click("[data-testid=children] >> text=兴东街道")
    page.wait_for_url(f"{live_server.url}/dashboard/{c.street.pk}/**")
    assert "兴东街道" in page.locator("[data-testid=breadcrumb]").inner_text()
    page.click("[data-testid=children] >> text=甲社区")
    page.wait_for_url(f"{live_server.url}/dashboard/{c.a.area.pk}/**")
    crumbs = page.locator("[data-testid=breadcrumb]").inner_text()
    assert "元宝区" in crumbs and "兴东街道" in crumbs and "甲社区" in crumbs

    row = page.locator(f"[data-testid=weakest] tr[data-score='{weakest.pk}']")
    assert "甲小区" in row.inner_text()
    row.locator("[data-testid=explain]").click()
    page.wait_for_url(f"{live_server.url}/scores/{weakest.pk}/")
    assert "甲小区" in page.content()
    page.go_back()
    page.wait_for_url(f"{live_server.url}/dashboard/{c.a.area.pk}/**")

    with page.expect_download() as info:
        page.click("[data-testid=export-children]")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx") and "甲社区" in download.suggested_filename
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    ws = load_workbook(saved).worksheets[0]
    assert ws["A1"].value == "区域" and ws["B1"].value == "党员数"
    assert ws["A2"].value == "甲小区" and ws["B2"].value == 3
