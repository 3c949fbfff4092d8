"""Rules of 党建指导员: one current instructor per unit, only 两新/property units, visits keep
the latest date, assignments without a visit in 90 days are behind (boundary days), an
instructor leaving ends their assignments, the roles and the scope."""
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from dangjian.crypto import TOKEN_PREFIX
from dangjian.errors import PermissionDeniedError
from dangjian.testing.clients import logged_in
from network.instructors import actions, selectors
from network.instructors.models import Instructor, InstructorAssignment
from network.instructors.tests.support import assign, instructor, unit
from organizations.grants.choices import Role
from organizations.tests.factories import build_city, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_city()


@pytest.fixture
def cadre(w):
    return user_with(Role.STREET, w.street)


def test_a_unit_has_one_current_instructor(w, cadre):
    first, second = instructor(w.street), instructor(w.street)
    company = unit(w.a)
    actions.instructor_assign(actor=cadre, instructor=first, unit=company, started_on=date(2025, 2, 1))
    with pytest.raises(ValidationError, match="已有在任指导员"):
        actions.instructor_assign(actor=cadre, instructor=second, unit=company, started_on=date(2025, 3, 1))
    # the constraint holds it even past the action
    with pytest.raises(IntegrityError), transaction.atomic():
        InstructorAssignment.objects.create(instructor=second, unit=company, started_on=date(2025, 3, 1))
    current = InstructorAssignment.objects.get(unit=company)
    actions.assignment_end(actor=cadre, assignment=current, ended_on=date(2025, 4, 1))
    actions.instructor_assign(actor=cadre, instructor=second, unit=company, started_on=date(2025, 4, 2))
    assert InstructorAssignment.objects.filter(unit=company, ended_on__isnull=True).get().instructor == second


def test_only_new_organizations_and_property_companies(w, cadre):
    who = instructor(w.street)
    actions.instructor_assign(actor=cadre, instructor=who, unit=unit(w.a, kind="property"))
    actions.instructor_assign(actor=cadre, instructor=who, unit=unit(w.a, kind="social_org"))
    with pytest.raises(ValidationError, match="只联系"):
        actions.instructor_assign(actor=cadre, instructor=who, unit=unit(w.a, kind="school"))


def test_assigning_out_of_scope_or_without_the_role(w):
    far = build_city()
    community_cadre = user_with(Role.COMMUNITY, w.a.area)
    who = instructor(w.a.area)
    with pytest.raises(Http404):
        actions.instructor_assign(actor=community_cadre, instructor=who, unit=unit(far.a))
    grid = user_with(Role.GRID, w.a.area)
    with pytest.raises(PermissionDeniedError):
        actions.instructor_assign(actor=grid, instructor=who, unit=unit(w.a))
    # a community cadre may not work on the street's instructor
    with pytest.raises(PermissionDeniedError):
        actions.instructor_assign(actor=community_cadre, instructor=instructor(w.street), unit=unit(w.a))


def test_visits_keep_the_latest_date(w, cadre):
    a = assign(instructor(w.street), unit(w.a))
    actions.visit_record(actor=cadre, assignment=a, visited_on=date(2025, 5, 1), kind="policy")
    actions.visit_record(actor=cadre, assignment=a, visited_on=date(2025, 3, 1), kind="org_life")
    a.refresh_from_db()
    assert a.last_visit_on == date(2025, 5, 1)
    with pytest.raises(ValidationError):
        actions.visit_record(actor=cadre, assignment=a, visited_on=timezone.localdate() + timedelta(days=1), kind="other")
    with pytest.raises(ValidationError):
        actions.visit_record(actor=cadre, assignment=a, visited_on=date(2024, 12, 31), kind="other")


def test_behind_boundaries(w, cadre):
    today = date(2026, 6, 30)
    who = instructor(w.street)
    exactly = assign(who, unit(w.a), last_visit_on=today - timedelta(days=90))
    one_more = assign(who, unit(w.a), last_visit_on=today - timedelta(days=91))
    never_new = assign(who, unit(w.a), started_on=today - timedelta(days=90))
    never_old = assign(who, unit(w.a), started_on=today - timedelta(days=91))
    ended = assign(who, unit(w.a), started_on=date(2025, 1, 1), ended_on=date(2025, 2, 1))
    late = set(selectors.behind(cadre, today).values_list("pk", flat=True))
    assert late == {one_more.pk, never_old.pk}
    assert exactly.pk not in late and never_new.pk not in late and ended.pk not in late
    Instructor.objects.filter(pk=who.pk).update(active=False)
    assert not selectors.behind(cadre, today).exists()


def test_instructor_leaving_ends_assignments(w, cadre):
    who = instructor(w.street)
    a = assign(who, unit(w.a))
    actions.instructor_save(actor=cadre, instructor=who, ended_on=date(2025, 9, 1), active=False)
    a.refresh_from_db()
    assert a.ended_on == date(2025, 9, 1)
    with pytest.raises(ValidationError, match="不在任"):
        actions.instructor_assign(actor=cadre, instructor=who, unit=unit(w.a))


def test_phone_encrypted_and_masked(w, cadre):
    who = actions.instructor_save(actor=cadre, name="王老师", phone="13912345678", area=w.street, source="retired",
                                  appointed_on=date(2025, 1, 1), ended_on=None, active=True, member=None)
    from django.db import connection
    with connection.cursor() as cur:
        cur.execute("SELECT phone FROM network_instructor WHERE id = %s", [who.pk])
        assert cur.fetchone()[0].startswith(TOKEN_PREFIX)
    page = logged_in(cadre).get(reverse("instructors:detail", args=[who.pk])).content.decode()
    assert "13912345678" not in page and who.phone_masked in page


def test_pages_assign_visit_and_end(w, cadre):
    client = logged_in(cadre)
    who = instructor(w.street)
    company = unit(w.a, name="兴东商贸有限公司")
    other = unit(w.a, kind="school", name="兴东小学")
    picked = client.get(reverse("instructors:pick_units"), {"q": "兴东"}).json()
    assert [r["id"] for r in picked["results"]] == [company.pk]
    assert "未建党组织" in picked["results"][0]["text"]
    response = client.post(reverse("instructors:assign", args=[who.pk]), {"unit": other.pk, "started_on": "2025-02-01"})
    assert response.status_code == 200 and "不在您的管辖范围" in response.content.decode()
    response = client.post(reverse("instructors:assign", args=[who.pk]), {"unit": company.pk, "started_on": "2025-02-01"})
    assert response.status_code == 302
    a = InstructorAssignment.objects.get(unit=company)
    assert client.post(reverse("instructors:visit", args=[a.pk]),
                       {"visited_on": "2025-03-01", "kind": "founding", "note": "筹建党支部"}).status_code == 302
    assert client.post(reverse("instructors:assignment_end", args=[a.pk]), {"ended_on": "2025-04-01"}).status_code == 302
    a.refresh_from_db()
    assert a.last_visit_on == date(2025, 3, 1) and a.ended_on == date(2025, 4, 1)
    page = client.get(reverse("instructors:detail", args=[who.pk])).content.decode()
    assert "筹建党支部" in page


def test_create_page_with_a_name_only(w, cadre):
    client = logged_in(cadre)
    response = client.post(reverse("instructors:create"), {
        "name": "李干部", "area": w.street.pk, "source": "cadre", "appointed_on": "2025-01-01", "active": "on"})
    assert response.status_code == 302
    assert Instructor.objects.get(name="李干部").area == w.street
    response = client.post(reverse("instructors:create"), {"area": w.street.pk, "source": "cadre",
                                                           "appointed_on": "2025-01-01"})
    assert response.status_code == 200 and "请填写指导员姓名" in response.content.decode()


def test_grid_worker_is_refused(w):
    grid = user_with(Role.GRID, w.a.area)
    assert logged_in(grid).get(reverse("instructors:list")).status_code == 403


def test_a_community_sees_the_street_instructor_behind_without_a_link_to_a_page_it_cannot_open(w):
    """The behind list names the street's instructor serving the community's unit; the name
    links to the instructor's page only for those who may open it (the crawl met a 404)."""
    who = instructor(w.street, name="李指导")
    assign(who, unit(w.a), started_on=timezone.localdate() - timedelta(days=200))
    community = user_with(Role.COMMUNITY, w.a.area)
    html = logged_in(community).get(reverse("instructors:behind")).content.decode()
    detail = reverse("instructors:detail", args=[who.pk])
    assert "李指导" in html and detail not in html
    assert logged_in(community).get(detail).status_code == 404
    street_html = logged_in(user_with(Role.STREET, w.street)).get(reverse("instructors:behind")).content.decode()
    assert detail in street_html
