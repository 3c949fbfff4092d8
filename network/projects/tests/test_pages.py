"""The project pages: the book created with pickers (organization, community, units), a
record linked and unlinked from the detail page (the outcome follows), the workflow buttons,
the pickers listing only the records of the project's community in scope."""
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.tests.factories import activity
from dangjian.testing.clients import logged_in
from network.projects.models import ProjectActivity, ServiceProject
from network.tests.factories import project
from organizations.grants.choices import Role
from organizations.tests.factories import ResidentUnitFactory, build_city, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    c = build_city()
    c.cadre = user_with(Role.COMMUNITY, c.a.area)
    return c


def test_create_a_project_book_with_pickers(w):
    unit = ResidentUnitFactory(community=w.a.area)
    year = date.today().year
    response = logged_in(w.cadre).post(reverse("projects:new"), {
        "title": "四点半课堂", "goal": "双职工家庭孩子放学后托管", "served_group": "children", "served_text": "",
        "owner_org": w.a.committee.pk, "area": w.a.area.pk, "units": [unit.pk], "budget": "12000.50",
        "starts_on": f"{year}-03-01", "ends_on": f"{year}-12-31"})
    assert response.status_code == 302
    p = ServiceProject.objects.get()
    assert p.title == "四点半课堂" and list(p.units.all()) == [unit] and str(p.budget) == "12000.50"
    # a community outside the cadre's scope is a form error, as if missing
    response = logged_in(w.cadre).post(reverse("projects:new"), {
        "title": "越权", "goal": "x", "served_group": "all", "owner_org": w.b.committee.pk, "area": w.b.area.pk,
        "budget": "1", "starts_on": f"{year}-03-01", "ends_on": f"{year}-12-31"})
    assert response.status_code == 400 and ServiceProject.objects.count() == 1


def test_link_and_unlink_an_activity_from_the_detail_page(w):
    p = project(w.cadre, w.a)
    held = activity(w.a.branch, "branch_general_meeting", timezone.localdate() - timedelta(days=3), present=w.a.members)
    far = activity(w.b.branch, "branch_general_meeting", timezone.localdate() - timedelta(days=3), present=w.b.members)
    client = logged_in(w.cadre)
    picked = client.get(reverse("projects:pick_activities", args=[p.pk])).json()
    assert [r["id"] for r in picked["results"]] == [held.pk]  # never the other community's
    response = client.post(reverse("projects:link", args=[p.pk, "activity"]), {"activity-record": held.pk})
    assert response.status_code == 302
    page = client.get(reverse("projects:detail", args=[p.pk]))
    assert page.context["outcome"]["attendees"] == len(w.a.members) and page.context["outcome"]["activities"] == 1
    response = client.post(reverse("projects:link", args=[p.pk, "activity"]), {"activity-record": far.pk})
    assert response.status_code == 400 and ProjectActivity.objects.count() == 1
    client.post(reverse("projects:unlink", args=[p.pk, "activity", held.pk]))
    page = client.get(reverse("projects:detail", args=[p.pk]))
    assert page.context["outcome"]["people_served"] == 0 and not ProjectActivity.objects.exists()


def test_workflow_buttons_and_refusals(w):
    p = project(w.cadre, w.a)
    client = logged_in(w.cadre)
    assert [v for v, _label in client.get(reverse("projects:detail", args=[p.pk])).context["steps"]] == ["start", "cancel"]
    client.post(reverse("projects:step", args=[p.pk, "start"]))
    p.refresh_from_db()
    assert p.status == "running"
    grid = user_with(Role.GRID, w.a.area)
    assert logged_in(grid).get(reverse("projects:list")).status_code == 403
    other = user_with(Role.COMMUNITY, w.b.area)
    assert logged_in(other).get(reverse("projects:detail", args=[p.pk])).status_code == 404


def test_a_community_opens_the_street_brand_of_its_project_and_sees_only_its_projects(w):
    """The project page links to its brand: a street's brand opens for a community that runs
    one of its projects (listing that community's projects only) and stays 404 for another."""
    from network.projects import actions

    street_cadre = user_with(Role.STREET, w.street)
    brand = actions.brand_save(actor=street_cadre, name="红色管家", description="", area=w.street)
    ours = project(street_cadre, w.a, brand=brand, title="甲社区助餐")
    theirs = project(street_cadre, w.b, brand=brand, title="乙社区助洁")
    page = logged_in(w.cadre).get(reverse("projects:detail", args=[ours.pk]))
    assert reverse("projects:brand_detail", args=[brand.pk]) in page.content.decode()
    response = logged_in(w.cadre).get(reverse("projects:brand_detail", args=[brand.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert ours.title in html and theirs.title not in html
    outsider = user_with(Role.COMMUNITY, build_city().a.area)
    assert logged_in(outsider).get(reverse("projects:brand_detail", args=[brand.pk])).status_code == 404
