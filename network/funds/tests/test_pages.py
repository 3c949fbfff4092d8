"""The fund pages: the recording form refuses a spending above the balance with the Chinese
message (nothing written) and takes evidence, served only to those who may read it; the
allocating form; a year's allocations exported to Excel and imported back — every bad row
reported with its line number, formula cells refused, nothing written on any error."""
from datetime import date
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangjian.testing.clients import logged_in
from network.funds.models import FundAllocation, FundSpending
from network.tests.factories import allocation
from organizations.grants.choices import Role
from organizations.tests.factories import build_city, user_with

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def w():
    c = build_city()
    c.street_cadre = user_with(Role.STREET, c.street)
    c.cadre = user_with(Role.COMMUNITY, c.a.area)
    c.other = user_with(Role.COMMUNITY, c.b.area)
    c.fund = allocation(c.street_cadre, area=c.a.area, purpose="community_service", amount=Decimal("500.00"))
    return c


def _post_spending(user, fund, amount, **extra):
    return logged_in(user).post(reverse("funds:spend"), {
        "allocation": fund.pk, "spent_on": date.today().isoformat(), "category": "relief", "amount": amount,
        "description": "走访慰问困难群众", **extra})


def test_the_form_refuses_a_spending_above_the_balance(w):
    response = _post_spending(w.cadre, w.fund, "500.01")
    assert response.status_code == 400
    page = response.content.decode()
    assert "余额不足" in page and "余额 500.00 元" in page
    assert not FundSpending.objects.exists()
    response = _post_spending(w.cadre, w.fund, "500.00")
    assert response.status_code == 302
    w.fund.refresh_from_db()
    assert w.fund.balance == Decimal("0.00")


def test_another_communitys_cadre_cannot_pick_the_allocation(w):
    response = _post_spending(w.other, w.fund, "10.00")
    assert response.status_code == 400 and not FundSpending.objects.exists()
    assert "allocation" in response.context["form"].errors


def test_evidence_is_stored_and_served_only_within_scope(w):
    upload = SimpleUploadedFile("receipt.pdf", PDF, content_type="application/pdf")
    response = _post_spending(w.cadre, w.fund, "20.00", evidence=upload)
    assert response.status_code == 302
    spending = FundSpending.objects.get()
    assert spending.evidence.name.endswith(".pdf") and "receipt" not in spending.evidence.name
    url = reverse("funds:spending_evidence", args=[spending.pk])
    got = logged_in(w.cadre).get(url)
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF")
    assert got["Cache-Control"] == "private, no-store"
    assert logged_in(w.other).get(url).status_code == 404
    assert logged_in(None).get(url).status_code == 302


def test_only_district_and_street_allocate(w):
    url = reverse("funds:allocation_new")
    assert logged_in(w.cadre).get(url).status_code == 403
    response = logged_in(w.street_cadre).post(url, {"year": date.today().year, "purpose": "org_work",
                                                    "org": w.a.branch.pk, "amount": "6000.00", "source": "区委组织部"})
    assert response.status_code == 302
    assert FundAllocation.objects.filter(org=w.a.branch, amount=Decimal("6000.00")).exists()


def _export(w):
    response = logged_in(w.street_cadre).get(reverse("funds:export") + f"?year={date.today().year}")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    return openpyxl.load_workbook(BytesIO(response.content))


def _import(w, wb):
    out = BytesIO()
    wb.save(out)
    upload = SimpleUploadedFile("funds.xlsx", out.getvalue(), content_type=XLSX)
    return logged_in(w.street_cadre).post(reverse("funds:import"), {"year": date.today().year, "file": upload})


def test_export_then_import_new_and_corrected_rows(w):
    allocation(w.street_cadre, org=w.a.branch)
    wb = _export(w)
    ws = wb.active
    header = [c.value for c in ws[2]]
    assert header[:5] == ["年度", "经费用途", "受拨类型", "受拨编码", "受拨名称"]
    assert ws.max_row == 4  # the note, the header, two allocations
    amount_col = header.index("下拨金额（元）") + 1
    for r in range(3, ws.max_row + 1):
        if ws.cell(row=r, column=5).value == w.a.area.name:
            ws.cell(row=r, column=amount_col).value = 800
    ws.append([date.today().year, "党组织工作经费", "党组织", w.b.branch.code, w.b.branch.name, 6000, None, None, "区委组织部", ""])
    response = _import(w, wb)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert FundAllocation.objects.get(area=w.a.area).amount == Decimal("800.00")
    assert FundAllocation.objects.get(org=w.b.branch).amount == Decimal("6000.00")


def test_import_reports_every_bad_row_and_writes_nothing(w):
    w.fund.refresh_from_db()
    from network.funds import actions
    actions.spending_record(actor=w.cadre, allocation=w.fund, spent_on=date.today(), category="relief",
                            amount=Decimal("300.00"), description="慰问")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["说明"])
    ws.append(["年度", "经费用途", "受拨类型", "受拨编码", "受拨名称", "下拨金额（元）", "已支出（元）", "余额（元）", "经费来源", "备注"])
    year = date.today().year
    ws.append([year, "党组织工作经费", "党组织", w.a.branch.code, w.a.branch.name, 6000, None, None, "", ""])  # fine
    ws.append([year, "党组织工作经费", "党组织", "NOPE", "不存在", 6000, None, None, "", ""])  # row 4
    ws.append([year, "社区服务群众专项经费", "社区", w.a.area.code, w.a.area.name, 299.99, None, None, "", ""])  # row 5
    ws.append([year, "党组织工作经费", "党组织", w.a.committee.code, w.a.committee.name, "=1+1", None, None, "", ""])  # row 6
    ws.append([year, "工资", "党组织", w.a.group.code, "错名", "1.234", None, None, "", ""])  # row 7
    response = _import(w, wb)
    assert response.status_code == 400
    errors = {e["row"]: " ".join(e["errors"]) for e in response.context["outcome"].errors}
    assert set(errors) == {4, 5, 6, 7}
    assert "不是您管辖范围内的党组织" in errors[4]
    assert "不能低于已支出" in errors[5]
    assert "公式" in errors[6]
    assert "经费用途" in errors[7] and "受拨名称与编码不符" in errors[7] and "有效金额" in errors[7]
    assert not FundAllocation.objects.filter(org=w.a.branch).exists()  # the good row was not written either
    assert FundAllocation.objects.get(area=w.a.area).amount == Decimal("500.00")


def test_totals_page_adds_up_by_child_area(w):
    allocation(w.street_cadre, org=w.b.branch)
    response = logged_in(w.street_cadre).get(reverse("funds:totals") + f"?within={w.street.pk}")
    assert response.status_code == 200
    whole = response.context["whole"]
    assert whole.allocated == Decimal("6500.00")
    assert {r.node.pk: r.allocated for r in response.context["rows"]} == {
        w.a.area.pk: Decimal("500.00"), w.b.area.pk: Decimal("6000.00")}
