"""The statistics page and its export: who may open them, scoping (404 out of scope as for a
missing area), the query count flat from few to many records, the Excel figures equal to the
page's; and the roster's new standard fields on the member form and in the import."""
import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.testing.clients import logged_in
from dangjian.testing.contracts import PageDetailContract
from organizations.areas.choices import AreaLevel
from organizations.development.models import DevelopmentStep
from organizations.development.tests.factories import ensure_rules, make_case
from organizations.grants.choices import Role
from organizations.imports.importers import import_workbook
from organizations.members.choices import Education, Ethnicity, Gender, Occupation, OrgRole
from organizations.members.models import Member
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.statistics.tests.support import member, other_street
from organizations.tests.budgets import BUDGETS
from organizations.tests.factories import AreaFactory, MemberFactory, PartyOrgFactory, UserFactory, build_community, user_with
from organizations.transfers import actions as transfer_actions

pytestmark = pytest.mark.django_db
PAGE = "/org/statistics/"
EXPORT = "/org/statistics/tables.xlsx"


def area_url(area, year=None) -> str:
    return f"{PAGE}?area={area.pk}" + (f"&year={year}" if year else "")


class TestStatisticsPage(PageDetailContract):
    detail_budget = BUDGETS["organizations:statistics_index"]

    @pytest.fixture(autouse=True)
    def _world(self, city):
        self.w = city
        self.street2, self.c = other_street(city)

    @pytest.fixture
    def user_in_scope(self):
        return user_with(Role.STREET, self.w.street)

    @pytest.fixture
    def user_without_permission(self):
        return self._party_member()

    def _party_member(self):
        user = UserFactory()
        MemberFactory(organization=self.w.a.branch, residence=self.w.a.building, user=user)
        return user

    def detail_url(self, obj):
        return area_url(obj)

    def make_in_scope(self):
        return build_community(self.w.street, self.w.street_org, "丁", 1).area

    def make_out_of_scope(self):
        return build_community(self.street2, self.c.committee.parent, "戊", 1).area

    def make_related(self, area):
        """Members, organizations, development records and transfers of the area."""
        committee = PartyOrgFactory(kind=OrgKind.COMMITTEE, category=OrgCategory.COMMUNITY, area=area)
        compound = AreaFactory(level=AreaLevel.COMPOUND, parent=area)
        branch = PartyOrgFactory(kind=OrgKind.BRANCH, area=compound, parent=committee)
        m = MemberFactory(organization=branch, org_role=OrgRole.SECRETARY, gender=Gender.FEMALE,
                          birth_date=date(1980, 5, 1), full_member_on=date(2005, 7, 1), ethnicity=Ethnicity.HAN)
        case = make_case(branch, applied_on=timezone.localdate().replace(month=1, day=2))
        DevelopmentStep.objects.create(case=case, code="activist_recommend", rule_set=ensure_rules(),
                                       on=timezone.localdate().replace(month=1, day=3))
        admin = user_with(Role.ADMIN, self.w.city)
        transfer = transfer_actions.transfer_start(actor=admin, member=MemberFactory(organization=branch),
                                                   to_org=self.w.a.branch)
        transfer_actions.transfer_accept(actor=admin, transfer=transfer)
        return m


def test_a_party_member_may_not_open_it_nor_the_export(client, city):
    user = UserFactory()
    member(city.a, user=user)
    logged_in(user, client)
    assert client.get(PAGE).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_a_street_cadre_gets_404_for_another_streets_area(client, city):
    street2, c = other_street(city)
    logged_in(user_with(Role.STREET, city.street), client)
    assert client.get(area_url(city.a.area)).status_code == 200
    assert client.get(area_url(street2)).status_code == 404
    assert client.get(area_url(c.area)).status_code == 404
    assert client.get(f"{EXPORT}?area={c.area.pk}").status_code == 404
    assert client.get(area_url(city.district)).status_code == 404  # above the grant
    assert client.get(f"{PAGE}?area=abc").status_code == 404


def test_the_page_defaults_to_the_top_granted_area_and_this_year(client, city):
    member(city.a, gender=Gender.FEMALE)
    logged_in(user_with(Role.STREET, city.street), client)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert response.context["area"] == city.street and response.context["year"] == timezone.localdate().year
    assert response.context["as_of"] == timezone.localdate()
    html = response.content.decode()
    gender = next(t for t in response.context["member_tables"] if t.key == "gender")
    assert gender.total.value == Member.objects.current().filter(organization__area__tree_id=city.street.tree_id).count()
    assert 'data-testid="table-party_age"' in html and "其中女性" in html and "data-print" in html
    assert reverse("organizations:statistics_export") in html
    assert f'<option value="{city.street.pk}" selected>{city.street.name}</option>' in html  # the picker shows the area
    past = client.get(area_url(city.street, timezone.localdate().year - 3))
    assert past.context["as_of"] == date(timezone.localdate().year - 3, 12, 31)
    assert client.get(area_url(city.street, timezone.localdate().year + 1)).context["year"] == timezone.localdate().year


def test_the_menu_links_the_page_for_cadres_not_for_a_party_member(client, city):
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    assert reverse("organizations:statistics_index") in client.get(reverse("organizations:member_list")).content.decode()
    user = UserFactory()
    member(city.a, user=user)
    logged_in(user, client)
    assert reverse("organizations:statistics_index") not in client.get(reverse("organizations:member_list")).content.decode()


def test_the_excel_export_has_every_table_and_the_pages_figures(client, city):
    member(city.a, gender=Gender.FEMALE, education=Education.BACHELOR, occupation=Occupation.RETIRED)
    member(city.b, ethnicity=Ethnicity.MANCHU, org_role=OrgRole.SECRETARY)
    logged_in(user_with(Role.STREET, city.street), client)
    page = client.get(area_url(city.street))
    response = client.get(f"{EXPORT}?area={city.street.pk}")
    assert response.status_code == 200 and "filename*=UTF-8''" in response["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    results = [*page.context["member_tables"], *page.context["org_tables"], page.context["flow"]]
    assert wb.sheetnames == [str(r.table.title) for r in results] + ["指标说明"]
    for result in results:
        ws = wb[str(result.table.title)]
        rows = list(ws.iter_rows(min_row=3, values_only=True))
        expected = [row.label for row in result.rows] + (["合计"] if result.total is not None else [])
        assert [r[0] for r in rows] == expected
        for row, figure in zip(rows, [*result.rows, *([result.total] if result.total else [])], strict=True):
            assert row[1] == figure.value
            if len(row) > 2:
                assert row[2] == (figure.extra if result.key.startswith("org_") else figure.female)
        for cell in ws.iter_rows():
            for c in cell:
                assert c.data_type != "f"
    notes = [r for r in wb["指标说明"].iter_rows(values_only=True) if r and r[0]]
    assert ("统计截止日", timezone.localdate().isoformat()) in [tuple(r[:2]) for r in notes]
    defined = {r[0]: r[1] for r in notes}
    for result in results:
        assert defined[str(result.table.title)] == str(result.table.definition)


def test_the_member_form_saves_the_standard_fields(client, city):
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    data = {"name": "统计党员", "gender": "F", "status": "full", "organization": city.a.branch.pk, "org_role": "member",
            "residence": city.a.building.pk, "employer": "", "employer_org": "", "phone": "", "id_number": "",
            "ethnicity": Ethnicity.KOREAN, "education": Education.MASTER, "occupation": Occupation.PUBLIC_SERVANT}
    assert client.post(reverse("organizations:member_create"), data).status_code == 302
    saved = Member.objects.get(name="统计党员")
    assert (saved.ethnicity, saved.education, saved.occupation) == ("10", "master", "public_servant")
    detail = client.get(reverse("organizations:member_detail", args=[saved.pk])).content.decode()
    assert "朝鲜族" in detail and "研究生（硕士）" in detail and "党政机关工作人员" in detail
    response = client.post(reverse("organizations:member_edit", args=[saved.pk]), {**data, "ethnicity": "99"})
    assert response.status_code == 200 and "ethnicity" in response.context["form"].errors
    assert response.context["form"]["name"].value() == "统计党员"  # what was typed is kept
    list_html = client.get(reverse("organizations:member_list")).content.decode()
    assert "朝鲜族" not in list_html.split("<tbody", 1)[-1]  # not a list column
    filtered = client.get(reverse("organizations:member_list") + f"?education={Education.MASTER}")
    assert [m.pk for m in filtered.context["page_obj"]] == [saved.pk]


def _member_file(rows):
    from organizations.imports.tests.test_import import member_file, member_row

    return member_file([member_row(org, **over) for org, over in rows])


def test_the_import_reads_the_three_columns_and_reports_a_bad_value_by_row(city):
    cadre = user_with(Role.COMMUNITY, city.a.area)
    good = _member_file([(city.a.branch, {"姓名": "导入甲", "民族": "蒙古族", "学历": "大学专科", "职业类别": "学生"}),
                         (city.a.branch, {"姓名": "导入乙"})])
    result = import_workbook("members", good, actor=cadre)
    assert result.ok, result.errors
    first, second = Member.objects.get(name="导入甲"), Member.objects.get(name="导入乙")
    assert (first.ethnicity, first.education, first.occupation) == ("02", "college", "student")
    assert (second.ethnicity, second.education, second.occupation) == ("", "", "")
    bad = _member_file([(city.a.branch, {"姓名": "导入丙"}), (city.a.branch, {"姓名": "导入丁", "学历": "大专", "民族": "火星族"})])
    result = import_workbook("members", bad, actor=cadre)
    assert not result.ok
    errors = {e["row"]: e["errors"] for e in result.errors}
    assert list(errors) == [3]
    assert any("学历“大专”无效" in e and "大学专科" in e for e in errors[3])
    assert any("民族“火星族”无效" in e for e in errors[3])
    assert not Member.objects.filter(name__in=["导入丙", "导入丁"]).exists()


def test_the_import_template_lists_the_allowed_values(client, city):
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    response = client.get(reverse("organizations:import_template", args=["members"]))
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    help_rows = {r[0]: r for r in wb.worksheets[1].iter_rows(values_only=True) if r and r[0]}
    assert "汉族" in help_rows["民族"][3] and "基诺族" in help_rows["民族"][3]
    assert "中等专科（中专/中技）" in help_rows["学历"][3]
    assert "军人武警" in help_rows["职业类别"][3]


def test_the_area_page_links_its_tables_where_the_user_may_open_them(client, city):
    logged_in(user_with(Role.STREET, city.street), client)
    html = client.get(reverse("organizations:area_detail", args=[city.a.area.pk])).content.decode()
    assert f'{reverse("organizations:statistics_index")}?area={city.a.area.pk}' in html
    grid = user_with(Role.GRID, city.a.compound)
    logged_in(grid, client)
    html = client.get(reverse("organizations:area_detail", args=[city.a.compound.pk])).content.decode()
    assert 'data-testid="area-statistics"' in html  # a roster role over the compound
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    assert client.get(area_url(city.street)).status_code == 404


def test_the_tables_total_is_what_the_roster_page_counts_for_the_area(client, city):
    """Members living where their branch is (the usual case): the roster page of the area
    (``?within=``) lists as many current members as every table totals."""
    member(city.a, gender=Gender.FEMALE)
    leaving = member(city.a)
    cadre = user_with(Role.COMMUNITY, city.a.area)
    transfer_actions.transfer_letter_out(actor=cadre, member=leaving, destination="外省某党支部")
    logged_in(user_with(Role.STREET, city.street), client)
    for area in (city.street, city.a.area):
        roster = client.get(reverse("organizations:member_list") + f"?within={area.pk}")
        tables_page = client.get(area_url(area))
        listed = roster.context["page_obj"].paginator.count
        for result in tables_page.context["member_tables"]:
            assert result.total.value == listed, (area, result.key)


def test_the_member_api_reads_and_writes_the_standard_fields(city):
    from dangjian.testing.clients import api_client

    api = api_client(user_with(Role.COMMUNITY, city.a.area))
    created = api.post("/api/members/", {
        "name": "接口党员", "gender": "M", "status": "full", "organization": city.a.branch.pk, "org_role": "member",
        "ethnicity": Ethnicity.HUI, "education": Education.COLLEGE, "occupation": Occupation.FARMER,
    }, format="json")
    assert created.status_code == 201, created.content
    detail = api.get(f"/api/members/{created.json()['id']}/").json()
    assert (detail["ethnicity"], detail["ethnicity_display"]) == ("03", "回族")
    assert (detail["education_display"], detail["occupation_display"]) == ("大学专科", "农牧渔民")
    refused = api.post("/api/members/", {"name": "错值", "gender": "M", "status": "full",
                                         "organization": city.a.branch.pk, "education": "大专"}, format="json")
    assert refused.status_code == 400 and "education" in refused.json()
