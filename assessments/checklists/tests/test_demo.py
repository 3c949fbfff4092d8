"""Demo four lists on the factory world: this year's and last year's lists, realistic
statuses, 销号 consistent with the rectifications, some overdue items, idempotent, and a
number of queries that does not grow with the organizations."""
import random
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.checklists import selectors
from assessments.checklists.choices import ChecklistStatus, ItemKind, ItemStatus
from assessments.checklists.demo import seed_checklists
from assessments.checklists.models import Checklist, ChecklistEvent, ChecklistItem
from assessments.tests.budgets import BUDGETS
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.tests.factories import PartyOrgFactory, build_city

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)


def _orgs(city, extra=0):
    ids = [city.a.committee.pk, city.b.committee.pk, city.a.branch.pk, city.b.branch.pk]
    for i in range(extra):
        ids.append(PartyOrgFactory(name=f"演示支部{i}", area=city.a.compound, parent=city.a.committee,
                                   kind=OrgKind.BRANCH, category=OrgCategory.COMPOUND).pk)
    return ids


def test_seed_writes_two_years_of_lists():
    city = build_city()
    ids = _orgs(city, extra=16)
    counts = seed_checklists(rng=random.Random(7), org_ids=ids, year=TODAY.year, today=TODAY)
    assert counts["checklists"] == 2 * len(ids) == Checklist.objects.count()
    assert counts["items"] == ChecklistItem.objects.count() and counts["events"] == ChecklistEvent.objects.count()
    last = Checklist.objects.filter(year=TODAY.year - 1)
    assert last.count() == len(ids) and all(c.appraisal and c.reported_at and c.midyear_note for c in last)
    assert counts["appraised"] == len(ids)
    current = Checklist.objects.filter(year=TODAY.year)
    statuses = set(current.values_list("status", flat=True))
    assert ChecklistStatus.APPROVED in statuses
    assert current.filter(status=ChecklistStatus.APPROVED).count() >= len(ids) // 2
    assert not current.exclude(appraisal="").exists()
    # every list has responsibilities; community committees get community duties
    for c in Checklist.objects.all():
        assert c.items.filter(kind=ItemKind.RESPONSIBILITY).count() >= 4
    # a problem is closed exactly when all its rectifications are
    for problem in ChecklistItem.objects.filter(kind=ItemKind.PROBLEM).prefetch_related("rectifications"):
        fixes = list(problem.rectifications.all())
        assert fixes
        assert (problem.status == ItemStatus.CLOSED) == all(f.status == ItemStatus.CLOSED for f in fixes)
        assert all(f.due_on and (f.status != ItemStatus.CLOSED or f.closed_at) for f in fixes)
    # some items are overdue this year, and nothing is completed in the future
    figures = selectors.checklist_figures(ids, TODAY.year, TODAY)
    assert sum(f["overdue"] for f in figures.values()) > 0
    assert sum(f["done"] for f in figures.values()) > 0 and sum(f["closed"] for f in figures.values()) > 0
    assert not ChecklistItem.objects.filter(completed_at__date__gt=TODAY).exists()
    # rows carry the dates they were really written, not the seeding moment
    assert not ChecklistItem.objects.filter(checklist__year=TODAY.year - 1, created_at__year=TODAY.year).exists()
    assert not Checklist.objects.filter(year=TODAY.year - 1, created_at__year=TODAY.year).exists()


def test_seed_is_idempotent_and_constant_in_reads():
    city = build_city()
    ids = _orgs(city)
    seed_checklists(rng=random.Random(1), org_ids=ids, year=TODAY.year, today=TODAY)
    before = Checklist.objects.count()
    again = seed_checklists(rng=random.Random(2), org_ids=ids, year=TODAY.year, today=TODAY)
    assert again["checklists"] == 0 and Checklist.objects.count() == before

    small, large = _orgs(build_city()), _orgs(build_city(), extra=30)
    with CaptureQueriesContext(connection) as few:
        seed_checklists(rng=random.Random(3), org_ids=small, year=TODAY.year, today=TODAY)
    with CaptureQueriesContext(connection) as many:
        seed_checklists(rng=random.Random(3), org_ids=large, year=TODAY.year, today=TODAY)
    def reads(ctx):
        return sum(1 for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("SELECT"))

    # inserts grow only by the database's batch size
    assert reads(many) == reads(few) <= BUDGETS["assessments.checklists.demo.seed_checklists"], (reads(few), reads(many))


def test_early_in_the_year_many_lists_are_not_approved_yet():
    city = build_city()
    ids = _orgs(city, extra=30)
    seed_checklists(rng=random.Random(5), org_ids=ids, year=2027, today=date(2027, 1, 20))
    current = Checklist.objects.filter(year=2027)
    assert current.exclude(status=ChecklistStatus.APPROVED).count() >= len(ids) // 3
    assert not ChecklistItem.objects.filter(checklist__year=2027, completed_at__date__gt=date(2027, 1, 20)).exists()
    assert not Checklist.objects.filter(year=2027, submitted_at__date__gt=date(2027, 1, 20)).exists()


def test_the_demo_binds_the_recurring_items_and_computes_them_from_the_records():
    from assessments.checklists.demo import BINDINGS, refresh_bound_items
    from assessments.tests.factories import ActivityFactory, activity_type, at

    city = build_city()
    today = timezone.localdate()
    ids = _orgs(city, extra=6)
    seed_checklists(rng=random.Random(11), org_ids=ids, year=today.year, today=today)
    bound = ChecklistItem.objects.filter(checklist__year=today.year).exclude(figure="")
    assert bound.exists() and set(bound.values_list("figure", flat=True)) <= {b[0] for b in BINDINGS.values()}
    assert not ChecklistItem.objects.filter(checklist__year=today.year - 1).exclude(figure="").exists()
    for item in bound:
        figure, params, target = BINDINGS[item.title]
        assert (item.figure, item.figure_params, item.target) == (figure, params, target)
        assert item.status == ItemStatus.OPEN and item.computed_at is None
    # a branch that held its theme party day every month so far: complete once computed
    theme = bound.filter(figure="life.months_held", checklist__status=ChecklistStatus.APPROVED).select_related("checklist").first()
    assert theme is not None  # the seeded world (random.Random(11)) has one
    ChecklistItem.objects.filter(pk=theme.pk).update(target=today.month)
    for m in range(1, today.month + 1):
        ActivityFactory(org_id=theme.checklist.org_id, activity_type=activity_type("theme_party_day"),
                        starts_at=at(date(today.year, m, 1)))
    counts = refresh_bound_items(today=today)
    assert counts["items"] == bound.count() and not bound.filter(computed_at__isnull=True).exists()
    theme.refresh_from_db()
    assert theme.status == ItemStatus.DONE and theme.progress == today.month
