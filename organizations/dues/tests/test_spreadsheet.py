"""The branch's monthly sheet in Excel: export, fill in with openpyxl, import; every bad row
reported with its line number and nothing written; the page's forms."""
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangjian.testing.clients import logged_in
from organizations.dues import brackets as calc
from organizations.dues.choices import PaymentKind
from organizations.dues.models import DuesPayment, MemberDuesState
from organizations.dues.tests.factories import declare
from organizations.dues.tests.worlds import DuesWorld, today
from organizations.grants.choices import Role
from organizations.tests.factories import MemberFactory, user_with

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SheetWorld(DuesWorld):
    @pytest.fixture(autouse=True)
    def _members(self, _world):
        self.month = calc.month_start(today())
        self.members = []
        for i, base in enumerate(("2800", "4000", "12000")):
            m = MemberFactory(name=f"甲支部党员{i}", organization=self.w.a.branch)
            declare(m, actor=self.writer, year=self.month.year, from_month=self.month.month, base=base)
            self.members.append(m)

    def export(self):
        url = reverse("organizations:dues_export", args=[self.w.a.branch.pk]) + f"?month={self.month:%Y-%m}"
        response = logged_in(self.cadre).get(url)
        assert response.status_code == 200 and response["Content-Type"] == XLSX
        return openpyxl.load_workbook(BytesIO(response.content))

    def upload(self, wb, name="sheet.xlsx"):
        out = BytesIO()
        wb.save(out)
        upload = SimpleUploadedFile(name, out.getvalue(), content_type=XLSX)
        return logged_in(self.cadre).post(reverse("organizations:dues_import", args=[self.w.a.branch.pk]), {"file": upload})

    @staticmethod
    def rows(ws):
        header = [c.value for c in ws[2]]
        return header, {ws.cell(row=r, column=2).value: r for r in range(3, ws.max_row + 1)}


class TestExportImport(SheetWorld):
    def test_export_lists_the_branch_with_amounts_due(self):
        ws = self.export().active
        header, rows = self.rows(ws)
        assert header[:2] == ["党员编号", "姓名"]
        due = header.index("应交金额（元）") + 1
        amounts = {ws.cell(row=r, column=2).value: ws.cell(row=r, column=due).value for r in rows.values()}
        assert amounts["甲支部党员0"] == 14.0 and amounts["甲支部党员1"] == 40.0 and amounts["甲支部党员2"] == 240.0
        assert all(not str(n).startswith("乙") for n in rows)  # only the branch's members

    def test_round_trip_records_the_month(self):
        wb = self.export()
        ws = wb.active
        header, rows = self.rows(ws)
        paid, paid_on, reason = (header.index(h) + 1 for h in ("实交金额（元）", "交纳日期", "免交原因"))
        ws.cell(row=rows["甲支部党员0"], column=paid, value=14)
        ws.cell(row=rows["甲支部党员0"], column=paid_on, value=self.month)
        ws.cell(row=rows["甲支部党员1"], column=paid, value="40.00")
        ws.cell(row=rows["甲支部党员1"], column=paid_on, value=f"{self.month:%Y-%m-%d}")
        ws.cell(row=rows["甲支部党员2"], column=reason, value="长期住院，经支委会同意免交")
        response = self.upload(wb)
        assert response.status_code == 302, response.content.decode()[:2000]
        got = {p.member.name: p for p in DuesPayment.objects.filter(month=self.month).select_related("member")}
        assert got["甲支部党员0"].amount_paid == Decimal("14.00") and got["甲支部党员0"].kind == PaymentKind.PAID
        assert got["甲支部党员1"].amount_paid == Decimal("40.00")
        assert got["甲支部党员2"].kind == PaymentKind.EXEMPT and got["甲支部党员2"].amount_due == Decimal("240.00")
        assert MemberDuesState.objects.get(member=self.members[0]).last_covered == self.month
        # exported again, the month shows recorded; imported again, nothing changes (skipped)
        again = self.upload(self.export())
        assert again.status_code == 400  # nothing to record
        assert DuesPayment.objects.filter(month=self.month).count() == 3

    def test_bad_rows_are_reported_with_their_line_and_nothing_is_written(self):
        wb = self.export()
        ws = wb.active
        header, rows = self.rows(ws)
        paid, paid_on, reason, ident = (header.index(h) + 1 for h in ("实交金额（元）", "交纳日期", "免交原因", "党员编号"))
        good = rows["甲支部党员0"]
        ws.cell(row=good, column=paid, value=14)
        ws.cell(row=good, column=paid_on, value=self.month)
        bad_amount = rows["甲支部党员1"]
        ws.cell(row=bad_amount, column=paid, value="四十")
        ws.cell(row=bad_amount, column=paid_on, value=self.month)
        formula = rows["甲支部党员2"]
        ws.cell(row=formula, column=paid, value="=1+1")
        stranger = ws.max_row + 1
        ws.cell(row=stranger, column=ident, value=self.w.b.members[0].pk)
        ws.cell(row=stranger, column=2, value=self.w.b.members[0].name)
        ws.cell(row=stranger, column=5, value=f"{self.month:%Y-%m}")
        ws.cell(row=stranger, column=reason, value="x")
        response = self.upload(wb)
        assert response.status_code == 400
        errors = {e["row"]: "；".join(e["errors"]) for e in response.context["outcome"].errors}
        assert set(errors) == {bad_amount, formula, stranger}
        assert "不是有效金额" in errors[bad_amount] and "公式" in errors[formula] and "不是本支部的党员" in errors[stranger]
        assert f"第 {bad_amount} 行" in response.content.decode()
        assert not DuesPayment.objects.exists()  # the good row was not written either

    def test_not_an_xlsx_is_refused(self):
        upload = SimpleUploadedFile("sheet.xlsx", b"not a zip", content_type=XLSX)
        response = logged_in(self.cadre).post(reverse("organizations:dues_import", args=[self.w.a.branch.pk]), {"file": upload})
        assert response.status_code == 400 and not DuesPayment.objects.exists()

    def test_import_refused_out_of_scope(self):
        response = logged_in(self.cadre).get(reverse("organizations:dues_import", args=[self.w.b.branch.pk]))
        assert response.status_code == 404


class TestForms(SheetWorld):
    def test_record_several_months_from_the_page(self):
        m = self.members[1]
        url = reverse("organizations:dues_record", args=[self.w.a.branch.pk])
        response = logged_in(self.cadre).post(url, {
            "member": m.pk, "first_month": f"{self.month:%Y-%m}", "count": 3, "paid_on": f"{today():%Y-%m-%d}"})
        assert response.status_code == 302
        rows = list(DuesPayment.objects.filter(member=m).order_by("month"))
        assert [r.kind for r in rows] == [PaymentKind.PAID, PaymentKind.ADVANCE, PaymentKind.ADVANCE]
        sheet = logged_in(self.cadre).get(reverse("organizations:dues_sheet", args=[self.w.a.branch.pk]))
        assert 'data-status="paid"' in sheet.content.decode()

    def test_a_refused_month_keeps_the_form_with_its_message(self):
        m = self.members[1]
        url = reverse("organizations:dues_record", args=[self.w.a.branch.pk])
        before = calc.add_months(self.month, -2)
        response = logged_in(self.cadre).post(url, {
            "member": m.pk, "first_month": f"{before:%Y-%m}", "count": 1, "paid_on": f"{today():%Y-%m-%d}"})
        assert response.status_code == 200 and "尚未申报" in response.content.decode()
        assert not DuesPayment.objects.exists()

    def test_declare_a_base_and_exempt(self):
        m = self.members[0]
        client = logged_in(self.cadre)
        response = client.post(reverse("organizations:dues_base", args=[self.w.a.branch.pk]), {
            "member": m.pk, "year": self.month.year, "from_month": self.month.month, "category": "retired",
            "base": "5000.01", "declared_on": f"{today():%Y-%m-%d}"})
        assert response.status_code == 302
        assert m.dues_bases.get(from_month=self.month.month).monthly_amount == Decimal("50.00")
        response = client.post(reverse("organizations:dues_exempt", args=[self.w.a.branch.pk]), {
            "member": m.pk, "first_month": f"{self.month:%Y-%m}", "count": 1, "reason": "生活困难"})
        assert response.status_code == 302
        assert DuesPayment.objects.get(member=m).kind == PaymentKind.EXEMPT

    def test_grid_worker_may_not_record(self):
        grid = user_with(Role.GRID, self.w.a.area)
        response = logged_in(grid).get(reverse("organizations:dues_record", args=[self.w.a.branch.pk]))
        assert response.status_code == 403
