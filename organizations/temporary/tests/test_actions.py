"""Rules of 临时党支部: it is a PartyOrg made through the organizations' own action, seconded
members stay members of their own branch, one open secondment per member, dissolution ends
the secondments and keeps the records, the reminder's boundary days, roles and scope."""
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse

from dangjian.errors import PermissionDeniedError
from dangjian.testing.clients import logged_in
from organizations.grants.choices import Role
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg
from organizations.temporary import actions, selectors
from organizations.temporary.models import Secondment, TemporaryBranch
from organizations.temporary.tests.support import branch, second
from organizations.tests.factories import MemberFactory, build_city, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_city()


@pytest.fixture
def cadre(w):
    return user_with(Role.STREET, w.street)


def _create(w, cadre, members=(), **kw):
    fields = dict(parent=w.street_org, name="地铁5号线项目临时党支部", purpose="major_project",
                  project_name="地铁5号线", started_on=date(2025, 3, 1), expected_end=date.today() + timedelta(days=365))
    fields.update(kw)
    return actions.temporary_branch_create(actor=cadre, members=members, **fields)


def test_create_makes_a_temporary_branch_org_and_seconds_members(w, cadre):
    a, b = w.a.members
    t = _create(w, cadre, members=[a, b])
    org = PartyOrg.objects.get(pk=t.org_id)
    assert (org.kind, org.category, org.parent_id, org.area_id) == (
        OrgKind.BRANCH, OrgCategory.TEMPORARY, w.street_org.pk, w.street.pk)
    assert org.founded_on == date(2025, 3, 1)
    assert set(t.secondments.values_list("member_id", flat=True)) == {a.pk, b.pk}
    # they stay members of their own branch
    a.refresh_from_db(), b.refresh_from_db()
    assert a.organization_id == b.organization_id == w.a.branch.pk
    assert _create(w, cadre, name="第二个").org.code != org.code


def test_create_refuses_an_org_the_actor_does_not_manage(w):
    community = user_with(Role.COMMUNITY, w.a.area)
    with pytest.raises((PermissionDeniedError, Http404)):
        _create(w, community)  # the street's working committee is above the community cadre
    assert not TemporaryBranch.objects.exists()
    with pytest.raises(ValidationError):
        _create(w, user_with(Role.STREET, w.street), expected_end=date(2025, 1, 1))


def test_one_open_secondment_per_member(w, cadre):
    member = w.a.members[0]
    first, other = _create(w, cadre, members=[member]), _create(w, cadre, name="另一个")
    with pytest.raises(ValidationError, match="已借调至"):
        actions.second_members(actor=cadre, branch=other, members=[member], started_on=date(2025, 4, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Secondment.objects.create(temporary_branch=other, member=member, started_on=date(2025, 4, 1))
    open_row = Secondment.objects.get(member=member, ended_on__isnull=True)
    actions.end_secondment(actor=cadre, secondment=open_row, ended_on=date(2025, 5, 1))
    actions.second_members(actor=cadre, branch=other, members=[member], started_on=date(2025, 5, 2))
    assert Secondment.objects.get(member=member, ended_on__isnull=True).temporary_branch == other
    assert first.secondments.count() == 1


def test_seconding_a_member_out_of_scope_is_404(w):
    far = build_city()
    cadre = user_with(Role.STREET, w.street)
    t = _create(w, cadre)
    with pytest.raises(Http404):
        actions.second_members(actor=cadre, branch=t, members=[far.a.members[0]], started_on=date(2025, 4, 1))


def test_dissolution_ends_secondments_and_keeps_the_records(w, cadre):
    a, b = w.a.members
    t = _create(w, cadre, members=[a, b])
    actions.end_secondment(actor=cadre, secondment=t.secondments.get(member=a), ended_on=date(2025, 6, 1))
    actions.temporary_branch_dissolve(actor=cadre, branch=t, dissolved_on=date(2025, 9, 30), note="工程竣工")
    t.refresh_from_db()
    assert t.dissolved_on == date(2025, 9, 30) and t.dissolution_note == "工程竣工"
    ends = dict(t.secondments.values_list("member_id", "ended_on"))
    assert ends == {a.pk: date(2025, 6, 1), b.pk: date(2025, 9, 30)}
    assert PartyOrg.objects.filter(pk=t.org_id).exists()
    with pytest.raises(ValidationError, match="已于"):
        actions.temporary_branch_dissolve(actor=cadre, branch=t, dissolved_on=date(2025, 10, 1))
    with pytest.raises(ValidationError, match="已撤销"):
        actions.second_members(actor=cadre, branch=t, members=[MemberFactory(organization=w.a.branch)])


def test_reminder_boundaries(w, cadre):
    today = date(2026, 6, 1)
    past = branch(w.street_org, expected_end=today - timedelta(days=1))
    edge = branch(w.street_org, expected_end=today + timedelta(days=30))
    beyond = branch(w.street_org, expected_end=today + timedelta(days=31))
    gone = branch(w.street_org, expected_end=today - timedelta(days=10), dissolved_on=today - timedelta(days=2))
    due = set(selectors.due_for_dissolution(cadre, today).values_list("pk", flat=True))
    assert due == {past.pk, edge.pk}
    assert beyond.pk not in due and gone.pk not in due
    # the cadres of the establishing organization only
    assert not selectors.due_for_dissolution(user_with(Role.COMMUNITY, w.b.area), today).exists()


def test_home_page_lists_the_due_branch(w, cadre):
    t = branch(w.street_org, expected_end=date.today() - timedelta(days=3))
    branch(w.street_org, expected_end=date.today() + timedelta(days=200))
    page = logged_in(cadre).get(reverse("home")).content.decode()
    assert "待撤销的临时党支部" in page and t.org.name in page


def test_member_detail_shows_the_secondment(w, cadre):
    member = w.a.members[0]
    t = branch(w.street_org)
    second(t, member)
    page = logged_in(cadre).get(reverse("organizations:member_detail", args=[member.pk])).content.decode()
    assert "借调至临时党支部" in page and t.org.name in page


def test_pages_create_second_end_dissolve(w, cadre):
    client = logged_in(cadre)
    a, b = w.a.members
    response = client.post(reverse("organizations:temporary_create"), {
        "parent": w.street_org.pk, "name": "培训班临时党支部", "purpose": "training", "project_name": "青年干部培训班",
        "started_on": "2025-03-01", "expected_end": "2025-06-30", "members": [a.pk]})
    assert response.status_code == 302, response.content.decode()[:2000]
    t = TemporaryBranch.objects.get(project_name="青年干部培训班")
    assert client.post(reverse("organizations:temporary_second", args=[t.pk]),
                       {"members": [b.pk], "started_on": "2025-03-02"}).status_code == 302
    again = client.post(reverse("organizations:temporary_second", args=[t.pk]), {"members": [a.pk], "started_on": "2025-03-02"})
    assert again.status_code == 200  # already seconded here: not offered
    row = t.secondments.get(member=b)
    assert client.post(reverse("organizations:temporary_secondment_end", args=[row.pk]),
                       {"ended_on": "2025-04-01"}).status_code == 302
    assert client.post(reverse("organizations:temporary_dissolve", args=[t.pk]),
                       {"dissolved_on": "2025-06-30", "note": "结业"}).status_code == 302
    t.refresh_from_db()
    assert t.dissolved_on == date(2025, 6, 30)
    page = client.get(reverse("organizations:temporary_detail", args=[t.pk])).content.decode()
    assert a.name in page and w.a.branch.name in page
    listed = client.get(reverse("organizations:temporary_list"), {"status": "dissolved"})
    assert [x.pk for x in listed.context["page_obj"]] == [t.pk]


def test_grid_worker_is_refused(w):
    assert logged_in(user_with(Role.GRID, w.a.area)).get(reverse("organizations:temporary_list")).status_code == 403


def test_area_tiles(w, cadre, django_assert_max_num_queries):
    branch(w.street_org, expected_end=date.today() - timedelta(days=1))
    branch(w.street_org)
    branch(w.street_org, dissolved_on=date(2025, 6, 1))
    selectors.branches_for(cadre).exists()  # warms the scope
    with django_assert_max_num_queries(3):
        tiles = selectors.area_tiles(cadre, w.street)
    assert [t["value"] for t in tiles] == ["2", "1"]
    listed = logged_in(cadre).get(tiles[1]["url"])
    assert len(listed.context["page_obj"]) == 1
