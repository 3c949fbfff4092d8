"""A rectification's 销号 may cite records as its evidence (issue 16): activities of the
organization's subtree, closed whistles and resolved requests of its area, picked from
scoped pickers; the superior's review shows the records with links; anything outside the
organization's scope, or not resolved, is refused."""
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assessments.checklists import actions
from assessments.checklists.choices import ItemStatus, RecordKind
from assessments.checklists.models import ItemRecord
from assessments.checklists.tests.test_support import YEAR, approved, make_world, problem_with_fixes
from assessments.tests.factories import ActivityFactory, activity_type, at
from dangjian.testing import logged_in
from services.requests.choices import RequestStatus
from services.requests.models import ServiceRequest
from services.requests.tests.test_support import order
from services.whistles.choices import WhistleStatus
from services.whistles.models import Whistle

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return make_world()


def _whistle(area, status=WhistleStatus.CLOSED, code="W0001"):
    now = timezone.now()
    return Whistle.objects.create(code=code, area=area, title="雨污管网堵塞", description="说明", status=status,
                                  report_due=now + timedelta(hours=2), resolve_due=now + timedelta(days=7))


def _resolved_request(community):
    request = order(community)
    ServiceRequest.objects.filter(pk=request.pk).update(status=RequestStatus.RESOLVED)
    return request


def _fix(w):
    checklist = approved(w.city.a.committee, w.a_cadre, w.street)
    problem, (fix,) = problem_with_fixes(checklist, w.a_cadre, n=1)
    return checklist, problem, fix


def test_a_close_cites_records_and_the_review_shows_them_with_links(w):
    checklist, problem, fix = _fix(w)
    activity = ActivityFactory(org=w.city.a.branch, activity_type=activity_type("theme_party_day"),
                               starts_at=at(date(YEAR, 1, 5)), topic="楼道清理主题党日")
    whistle = _whistle(w.city.a.area)
    request = _resolved_request(w.city.a)
    client = logged_in(w.a_cadre)
    finish = reverse("checklist:item_finish", args=[fix.pk])
    form = client.get(finish).content.decode()
    assert reverse("checklist:pick_records", args=[fix.pk, "activity"]) in form  # pickers, not typed ids
    picked = client.get(reverse("checklist:pick_records", args=[fix.pk, "activity"]), {"q": "楼道"}).json()
    assert [r["id"] for r in picked["results"]] == [activity.pk]
    response = client.post(finish, {"note": "已清理到位", "activities": [activity.pk], "whistles": [whistle.pk],
                                    "requests": [request.pk]})
    assert response.status_code == 302, response.content.decode()[:2000]
    fix.refresh_from_db()
    problem.refresh_from_db()
    assert fix.status == ItemStatus.CLOSED and problem.status == ItemStatus.CLOSED
    rows = {(r.kind, r.object_id) for r in ItemRecord.objects.filter(item=fix)}
    assert rows == {(RecordKind.ACTIVITY, activity.pk), (RecordKind.WHISTLE, whistle.pk), (RecordKind.REQUEST, request.pk)}

    review = logged_in(w.street).get(reverse("checklist:detail", args=[checklist.pk]) + "?tab=problem").content.decode()
    assert 'data-testid="cited-records"' in review
    assert "楼道清理主题党日" in review and whistle.code in review and request.code in review
    for url in (reverse("assessments:activity_detail", args=[activity.pk]), reverse("whistles:detail", args=[whistle.pk]),
                reverse("requests:detail", args=[request.pk])):
        assert f'href="{url}"' in review
    api = logged_in(w.street).get(f"/api/checklist-items/{fix.pk}/").json()
    assert {r["object_id"] for r in api["records"]} == {activity.pk, whistle.pk, request.pk}


def test_a_record_outside_the_organization_is_refused(w):
    _checklist, _problem, fix = _fix(w)
    other = ActivityFactory(org=w.city.b.branch, activity_type=activity_type("theme_party_day"), starts_at=at(date(YEAR, 1, 5)))
    with pytest.raises(ValidationError, match="不在“.*”的范围内"):
        actions.rectification_close(actor=w.a_cadre, item=fix, note="已整改", records={"activity": [other.pk]})
    with pytest.raises(ValidationError, match="不在“.*”的范围内"):
        actions.rectification_close(actor=w.a_cadre, item=fix, note="已整改",
                                    records={"whistle": [_whistle(w.city.b.area, code="W0002").pk]})
    with pytest.raises(ValidationError, match="尚未办结"):  # in scope but still open
        actions.rectification_close(actor=w.a_cadre, item=fix, note="已整改",
                                    records={"whistle": [_whistle(w.city.a.area, WhistleStatus.OPEN, code="W0003").pk],
                                             "request": [order(w.city.a).pk]})
    fix.refresh_from_db()
    assert fix.status == ItemStatus.OPEN and not ItemRecord.objects.exists()
    # through the page: the picker's queryset refuses it, what was typed is kept
    response = logged_in(w.a_cadre).post(reverse("checklist:item_finish", args=[fix.pk]),
                                         {"note": "已整改到位", "activities": [other.pk]})
    body = response.content.decode()
    assert response.status_code == 200 and "不在您的管辖范围内" in body and "已整改到位" in body
    picked = logged_in(w.a_cadre).get(reverse("checklist:pick_records", args=[fix.pk, "activity"])).json()
    assert other.pk not in [r["id"] for r in picked["results"]]


def test_a_close_without_records_still_works_and_evidence_stays_optional(w):
    _checklist, _problem, fix = _fix(w)
    actions.rectification_close(actor=w.a_cadre, item=fix, note="已整改")
    fix.refresh_from_db()
    assert fix.status == ItemStatus.CLOSED and not fix.evidence and not ItemRecord.objects.exists()
