import random
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from organizations.tests.factories import build_city
from services.ledger.models import ServiceRecord, ServiceSource
from services.requests.choices import AssigneeKind, RequestStatus
from services.requests.demo import seed_requests
from services.requests.models import RequestEvent, ServiceRequest, VolunteerTeam
from services.requests.tests.test_support import worker
from services.tests.budgets import BUDGETS

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 1)


def test_seed_requests_makes_a_year_of_realistic_outcomes():
    c = build_city(members_per_community=6)
    worker(c.a)
    with CaptureQueriesContext(connection) as ctx:
        totals = seed_requests(rng=random.Random(11), community_ids=[c.a.area.pk, c.b.area.pk], today=TODAY)
    requests = ServiceRequest.objects.all()
    n = requests.count()
    assert totals["requests"] == n >= 2 * 12 * 2
    # bulk: a fixed number of queries per batch, not per row
    assert len(ctx.captured_queries) <= BUDGETS["services.requests.demo.seed_requests"] < n
    assert min(r.created_at.date() for r in requests) < date(2026, 1, 1)
    done = requests.filter(status__in=(RequestStatus.RESOLVED, RequestStatus.RATED))
    assert done.count() > n * 0.6
    assert requests.filter(status=RequestStatus.CANCELLED).count() < n * 0.1
    rated = requests.filter(status=RequestStatus.RATED)
    assert rated.filter(rating="satisfied").count() > rated.count() * 0.6
    late = [r for r in done if r.resolved_at > r.resolve_due]
    assert 0 < len(late) < done.count() * 0.3  # mostly within the limits, some not
    assert {r.assignee_kind for r in done} == {AssigneeKind.MEMBER, AssigneeKind.TEAM, AssigneeKind.GRID_WORKER}
    for r in requests.filter(status=RequestStatus.RATED)[:20]:
        steps = list(RequestEvent.objects.filter(request=r).values_list("to_status", flat=True))
        assert steps[0] == "submitted" and steps[-3:] == ["accepted", "resolved", "rated"]
        assert r.response_due > r.created_at and r.resolve_due >= r.response_due
    for r in requests.exclude(status=RequestStatus.CANCELLED).exclude(status=RequestStatus.SUBMITTED)[:50]:
        assert r.assignee_kind and (r.assigned_member_id or r.assigned_team_id or r.assigned_worker_id)
    member_done = done.filter(assignee_kind=AssigneeKind.MEMBER)
    assert ServiceRecord.objects.filter(source=ServiceSource.REQUEST).count() == member_done.count() > 0
    assert len({r.code for r in requests}) == n
    assert 4 <= VolunteerTeam.objects.count() <= 6 and all(t.members.exists() for t in VolunteerTeam.objects.all())
    # nothing happened after "today"
    end = timezone.make_aware(timezone.datetime.combine(TODAY + timedelta(days=1), timezone.datetime.min.time()))
    assert not RequestEvent.objects.filter(at__gte=end).exists()


def test_seeding_twice_adds_requests_but_no_duplicate_teams():
    c = build_city(members_per_community=4)
    seed_requests(rng=random.Random(1), community_ids=[c.a.area.pk], today=TODAY)
    teams = VolunteerTeam.objects.count()
    seed_requests(rng=random.Random(2), community_ids=[c.a.area.pk], today=TODAY)
    assert VolunteerTeam.objects.count() <= len({t.name for t in VolunteerTeam.objects.all()}) and teams >= 2
