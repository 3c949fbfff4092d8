"""Pinned query counts, flat from few subjects to many: the table (one page of subjects), the
fill page (every field of every report asking the subject), the Excel export (every subject),
the compute action (constant per column), the figure catalogue page."""
import pytest
from django.urls import reverse

from assessments.reports import actions
from assessments.reports.tests import support as s
from assessments.tests.budgets import BUDGETS
from assessments.tests.worlds import serial
from dangjian.testing import count_queries
from dangjian.testing.clients import captured_queries, logged_in
from organizations.grants.choices import Role
from organizations.tests.factories import build_community, user_with

pytestmark = pytest.mark.django_db


def _grow(w, n):
    return [build_community(w.city.street, w.city.street_org, f"多{serial()}", 1) for _ in range(n)]


def test_the_export_is_flat_from_few_subjects_to_many(city):
    w = s.make_world(city)
    field = s.area_field(w)
    report = s.community_report(w, fields=[field])
    client = logged_in(w.district)
    url = reverse("reports:export", args=[report.pk])
    client.get(url)
    _, few = captured_queries(client, url)
    _grow(w, 12)
    actions.report_compute(actor=w.district, report=report)
    response, many = captured_queries(client, url)
    assert response.status_code == 200
    assert len(many) == len(few) <= BUDGETS["reports:export"]


def test_the_fill_page_is_flat_from_one_report_to_many(city):
    w = s.make_world(city)
    fields = [s.area_field(w, name=f"字段{i}") for i in range(2)]
    s.community_report(w, fields=fields[:1])
    client = logged_in(w.a_cadre)
    url = reverse("reports:fill", args=["area", city.a.area.pk])
    client.get(url)
    response, few = captured_queries(client, url)
    assert response.status_code == 200 and len(response.context["rows"]) == 1
    for i in range(4):
        s.community_report(w, name=f"又一张{i}", fields=fields)
    response, many = captured_queries(client, url)
    assert len(response.context["rows"]) == 2  # two fields, each asked once however many reports ask it
    assert len(many) == len(few) <= BUDGETS["reports:fill"]


def test_computing_costs_the_same_queries_for_two_subjects_or_twenty(city):
    w = s.make_world(city)
    field = s.area_field(w)
    report = s.community_report(w, fields=[field])
    small = count_queries(lambda: actions.compute_cells(report.pk))
    _grow(w, 18)
    large = count_queries(lambda: actions.compute_cells(report.pk))
    assert large == small


def test_the_figure_catalogue_page_is_read_by_every_staff_role_within_budget(city):
    for role, node in ((Role.GRID, city.a.area), (Role.DEPARTMENT, city.a.area), (Role.DISTRICT, city.district)):
        client = logged_in(user_with(role, node))
        url = reverse("reports:figures")
        client.get(url)
        response, queries = captured_queries(client, url)
        assert response.status_code == 200, role
        assert "党员人数" in response.content.decode() and "不以登录次数、点击量、点赞" in response.content.decode()
        assert len(queries) <= BUDGETS["reports:figures"]
    assert logged_in(user_with(Role.MEMBER, city.a.area)).get(reverse("reports:figures")).status_code == 403


def test_the_define_page_is_flat_from_one_field_to_many(city):
    w = s.make_world(city)
    s.area_field(w)
    client = logged_in(w.district)
    url = reverse("reports:create")
    client.get(url)
    _, few = captured_queries(client, url)
    for i in range(5):
        s.area_field(w, name=f"又一个字段{i}")
    response, many = captured_queries(client, url)
    assert response.content.decode().count('value="field:') == 6
    assert len(many) == len(few) <= BUDGETS["reports:create"]
    assert len(captured_queries(client, reverse("reports:field_create"))[1]) <= BUDGETS["reports:field_create"]
