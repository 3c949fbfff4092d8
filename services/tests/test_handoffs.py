"""Handing a problem on without typing a number (issue 14): the diary entry's page has
"转为诉求" and "吹哨" buttons, the request's page a "吹哨" button, each opening the target form
pre-filled and shown only to those who may use it; saving converts the diary entry."""
import pytest
from django.urls import reverse

from dangjian.models import AuditEvent
from dangjian.testing import logged_in
from grids.diary import permissions as diary_permissions
from grids.diary.choices import DiaryCategory, DiaryKind, DiaryStatus
from grids.teams import actions as teams_actions
from grids.teams.choices import TeamRole
from grids.tests.factories import DiaryEntryFactory, coverage_world
from organizations.grants.choices import Role
from organizations.tests.factories import UserFactory, user_with
from services.requests.choices import RequestSource, RequestStatus
from services.requests.models import ServiceRequest
from services.requests.tests.test_support import category, order
from services.whistles import permissions as whistle_permissions

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(city):
    w = coverage_world(city)
    w.cadre_a = user_with(Role.COMMUNITY, w.a.area)
    w.worker = UserFactory()
    teams_actions.team_member_add(actor=w.cadre_a, grid=w.g1, role=TeamRole.WORKER, user=w.worker)
    w.problem = DiaryEntryFactory(grid=w.g1, building=w.a.building, kind=DiaryKind.PROBLEM,
                                  category=DiaryCategory.FACILITY, status=DiaryStatus.OPEN, text="3号楼楼道灯坏了",
                                  household="2-301")
    w.problem_b = DiaryEntryFactory(grid=w.gb, kind=DiaryKind.PROBLEM, category=DiaryCategory.FACILITY,
                                    status=DiaryStatus.OPEN, text="乙社区的问题")
    return w


def _diary_page(client, entry):
    return client.get(reverse("grids:diary_detail", args=[entry.pk])).content.decode()


def test_the_diary_page_offers_each_handoff_only_to_those_who_may_use_it(client, site):
    to_request = f'href="{reverse("requests:from_diary")}?diary={site.problem.pk}"'
    to_whistle = f'href="{reverse("whistles:new")}?diary={site.problem.pk}"'
    page = _diary_page(logged_in(site.cadre_a, client), site.problem)
    assert to_request in page and to_whistle in page
    page = _diary_page(logged_in(site.worker, client), site.problem)  # a grid worker may not whistle
    assert to_request in page and to_whistle not in page
    assert client.get(f"{reverse('whistles:new')}?diary={site.problem.pk}").status_code == 403
    site.problem.status = DiaryStatus.RESOLVED
    site.problem.save()
    page = _diary_page(logged_in(site.cadre_a, client), site.problem)  # closed: nothing to hand on
    assert to_request not in page and to_whistle not in page


def test_the_whistle_button_follows_the_whistle_forms_own_rule(site):
    entry = type(site.problem).objects.select_related("grid__community").get(pk=site.problem.pk)
    for user in (site.cadre_a, site.worker, user_with(Role.STREET, site.street), user_with(Role.COMMUNITY, site.b.area),
                 user_with(Role.MEMBER, site.a.area), user_with(Role.DEPARTMENT, site.a.area)):
        assert diary_permissions.can_whistle_from(user, entry) == whistle_permissions.can_whistle(user, entry.grid.community)


def test_a_grid_worker_turns_a_diary_problem_into_a_request_without_typing_a_number(client, site):
    logged_in(site.worker, client)
    url = f"{reverse('requests:from_diary')}?diary={site.problem.pk}"
    form = client.get(url)
    assert form.status_code == 200
    assert form.context["form"]["text"].value() == "3号楼楼道灯坏了" and form.context["form"]["address"].value() == "2-301"
    assert client.post(url, {"category": "", "text": "3号楼楼道灯坏了"}).status_code == 400  # a category is required
    response = client.post(url, {"category": category().pk, "text": "3号楼楼道灯坏了", "address": "2-301"})
    req = ServiceRequest.objects.get(source=RequestSource.DIARY)
    assert response.status_code == 302 and response["Location"] == reverse("requests:detail", args=[req.pk])
    assert (req.community, req.building, req.status) == (site.a.area, site.a.building, RequestStatus.SUBMITTED)
    site.problem.refresh_from_db()
    assert (site.problem.status, site.problem.converted_to, site.problem.converted_id) == (DiaryStatus.CONVERTED, "request", req.pk)
    assert AuditEvent.objects.filter(verb="request.from_diary", actor=site.worker, target_id=str(req.pk)).exists()
    # once: the entry is converted, a second request is refused and nothing is stored
    again = client.post(url, {"category": category().pk, "text": "再转一次", "address": "2-301"})
    assert again.status_code == 400 and ServiceRequest.objects.filter(source=RequestSource.DIARY).count() == 1
    page = _diary_page(client, site.problem)
    assert f'href="{reverse("requests:detail", args=[req.pk])}"' in page  # the link, no number to read


def test_another_communitys_diary_entry_is_404_and_a_member_is_refused(client, site):
    logged_in(site.worker, client)
    assert client.get(f"{reverse('requests:from_diary')}?diary={site.problem_b.pk}").status_code == 404
    assert client.get(f"{reverse('requests:from_diary')}?diary=abc").status_code == 404
    logged_in(user_with(Role.MEMBER, site.a.area), client)
    assert client.get(f"{reverse('requests:from_diary')}?diary={site.problem.pk}").status_code in (403, 404)
    assert not ServiceRequest.objects.filter(source=RequestSource.DIARY).exists()


def test_the_request_page_offers_the_whistle_to_whistlers_of_open_requests_only(client, site):
    req = order(site.a)
    button = f'href="{reverse("whistles:new")}?request={req.pk}"'
    detail = reverse("requests:detail", args=[req.pk])
    logged_in(site.cadre_a, client)
    assert button in client.get(detail).content.decode()
    form = client.get(f"{reverse('whistles:new')}?request={req.pk}")
    assert form.status_code == 200 and form.context["form"]["request"].value() == req.pk
    logged_in(user_with(Role.GRID, site.a.area), client)
    page = client.get(detail)
    assert page.status_code != 200 or button not in page.content.decode()
    ServiceRequest.objects.filter(pk=req.pk).update(status=RequestStatus.CANCELLED)
    logged_in(site.cadre_a, client)
    assert button not in client.get(detail).content.decode()
