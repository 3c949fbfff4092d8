"""The report pages: define a report by picking (never a code typed), a new field refused when
the catalogue has its name (message on the field, what was typed kept), the table's links and
fillers, the fill form (one form, typed errors on their field), the 待填报表 queue on a
community cadre's home page, the menu link."""
import pytest
from django.urls import reverse

from assessments.figures import catalogue
from assessments.reports import actions
from assessments.reports.models import FieldValue, Report, ReportField
from assessments.reports.tests import support as s
from dangjian.testing.clients import logged_in
from organizations.grants.choices import Role
from organizations.tests.factories import user_with

pytestmark = pytest.mark.django_db


def test_the_district_defines_a_report_by_picking_figures_and_a_field(city):
    w = s.make_world(city)
    field = s.area_field(w)
    client = logged_in(w.district)
    page = client.get(reverse("reports:create"))
    html = page.content.decode()
    assert page.status_code == 200
    # the picker offers the community figures with their definitions, and the tree's field
    for code in s.FIGURES:
        assert catalogue.get(code).definition in html
    assert f'value="field:{field.pk}"' in html and field.definition in html
    assert 'value="fig:grids.grids_with_branch"' in html
    response = client.post(reverse("reports:create"), {
        "name": "季度社区党建工作表", "subject_level": "community", "within": city.district.pk, "period_key": s.PERIOD,
        "columns": ["fig:members.count", "fig:wishes.fulfilment", f"field:{field.pk}"],
        "order_fig:wishes.fulfilment": "1", "order_fig:members.count": "2", f"order_field:{field.pk}": "3",
        f"label_field:{field.pk}": "阵地面积",
    })
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:detail", args=[report.pk])
    assert report.area == city.district and report.within == city.district and report.status == "draft"
    assert [(c.figure_code, c.field_id, c.label) for c in report.columns.order_by("position")] == [
        ("wishes.fulfilment", None, ""), ("members.count", None, ""), ("", field.pk, "阵地面积")]
    client.post(reverse("reports:publish", args=[report.pk]))
    table = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "计算时间：" in table and "待填报" in table and f'/org/areas/{city.a.area.pk}/' in table
    assert catalogue.get("wishes.fulfilment").definition in table  # the header's definition


def test_a_report_without_columns_keeps_what_was_typed(city):
    w = s.make_world(city)
    response = logged_in(w.district).post(reverse("reports:create"), {
        "name": "没有列的表", "subject_level": "community", "within": city.district.pk, "period_key": s.PERIOD})
    assert response.status_code == 200 and not Report.objects.exists()
    html = response.content.decode()
    assert "请至少选择一列" in html and 'value="没有列的表"' in html


def test_a_new_field_named_like_a_figure_is_refused_on_the_page(city):
    w = s.make_world(city)
    response = logged_in(w.district).post(reverse("reports:field_create"), {
        "name": "党员人数", "definition": "社区党员数", "value_type": "integer", "fill_level": "community",
        "period_kind": "year", "area": city.district.pk})
    assert response.status_code == 200 and not ReportField.objects.exists()
    html = response.content.decode()
    assert "指标库已有“党员人数”，请直接选用" in html and "社区党员数" in html


def test_the_fill_form_saves_once_and_keeps_a_bad_value_on_its_field(city):
    w = s.make_world(city)
    area_field, count_field = s.area_field(w), s.area_field(w, name="楼栋长人数", value_type="integer", unit="人")
    report = s.community_report(w, fields=[area_field, count_field])
    client = logged_in(w.a_cadre)
    # the home queue lists the report for the community cadre, its link leads to the form
    home = client.get(reverse("home"))
    section = {sec.key: sec for sec in home.context["queues"]}["reports_to_fill"]
    assert section.count == 1 and section.items[0].label == report.name
    url = reverse("reports:fill", args=["area", city.a.area.pk])
    assert client.get(section.items[0].url)["Location"] == url
    a_name, c_name = actions.entry_name(area_field.pk, "2026"), actions.entry_name(count_field.pk, "2026")
    bad = client.post(url, {a_name: "820", c_name: "3.5"})
    assert bad.status_code == 200 and not FieldValue.objects.exists()
    assert bad.context["form"].errors == {c_name: ["请填写整数。"]}
    assert 'value="3.5"' in bad.content.decode()
    good = client.post(url, {a_name: "820", c_name: "6"})
    assert good.status_code == 302
    assert FieldValue.objects.count() == 2
    assert {sec.key: sec for sec in client.get(reverse("home")).context["queues"]}["reports_to_fill"].count == 0
    # the definer's table shows who filled it
    table = logged_in(w.district).get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "820" in table and w.a_cadre.username in table


def test_a_community_cadre_cannot_fill_for_another_community(city):
    w = s.make_world(city)
    s.community_report(w, fields=[s.area_field(w)])
    assert logged_in(w.b_cadre).get(reverse("reports:fill", args=["area", city.a.area.pk])).status_code == 404
    assert logged_in(w.b_cadre).get(reverse("reports:fill", args=["nope", city.a.area.pk])).status_code == 404


def test_the_community_sees_its_own_row_only(city):
    w = s.make_world(city)
    report = s.community_report(w, fields=[s.area_field(w)])
    response = logged_in(w.a_cadre).get(reverse("reports:detail", args=[report.pk]))
    assert [r["node"].pk for r in response.context["rows"]] == [city.a.area.pk]
    assert reverse("reports:export", args=[report.pk]) not in response.content.decode()


def test_the_menu_links_the_reports_and_the_catalogue(city):
    html = logged_in(user_with(Role.DISTRICT, city.district)).get(reverse("home")).content.decode()
    assert reverse("reports:list") in html and reverse("reports:figures") in html
    member_html = logged_in(user_with(Role.MEMBER, city.a.area)).get(reverse("home")).content.decode()
    assert reverse("reports:list") not in member_html


def test_changing_the_subject_level_offers_its_columns_and_keeps_what_was_typed(city):
    w = s.make_world(city)
    field = s.area_field(w)
    response = logged_in(w.district).post(reverse("reports:create"), {
        "name": "支部表", "subject_level": "org", "within": city.district.pk, "period_key": s.PERIOD, "reload": "1"})
    assert response.status_code == 200 and not Report.objects.exists()
    html = response.content.decode()
    assert 'value="支部表"' in html and "请至少选择一列" not in html
    assert 'value="fig:development.on_time"' in html  # an organization's figure
    assert 'value="fig:members.residing"' not in html  # an area's figure only (who lives there)
    assert f'value="field:{field.pk}"' not in html  # filled by communities, not by organizations
